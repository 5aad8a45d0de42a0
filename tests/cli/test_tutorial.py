#!/usr/bin/env python3
"""Runs every command of docs/tutorial.md and checks what the tutorial says it prints.

In the tutorial's ```console blocks, a line starting with "$ " is a command, run with sh in a
scratch directory where build/ is the build tree and extensions/ and examples/ are the
sources'; the lines after it, up to the next command or the end of the block, are its output:
each must appear in what the command printed (stdout and stderr); "..." in a line stands for
any text (a timing, a path), and a line that is only "..." is skipped.
A command ending in "# exit N" must exit with N, every other one with 0. The first ```c block
is saved as the file named in the tutorial (redact.bpf.c) before any command runs.

usage: test_tutorial.py TUTORIAL.md BUILD_DIR SOURCE_DIR WORK_DIR
"""
import os
import re
import shutil
import subprocess
import sys


def blocks(text):
    """(language, lines) of every fenced block."""
    for match in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.M | re.S):
        yield match.group(1), match.group(2).splitlines()


def commands(text):
    """(command, expected exit code, expected output lines) in order."""
    for language, lines in blocks(text):
        if language != "console":
            continue
        current = None
        for line in lines:
            if line.startswith("$ "):
                if current:
                    yield current
                command = line[2:]
                code = 0
                exit_note = re.search(r"\s+# exit (\d+)$", command)
                if exit_note:
                    code = int(exit_note.group(1))
                    command = command[: exit_note.start()]
                current = (command, code, [])
            elif current and line.strip() and line.strip() != "...":
                current[2].append(line.rstrip())
        if current:
            yield current


def main():
    tutorial, build, source, work = sys.argv[1:5]
    text = open(tutorial, encoding="utf-8").read()
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    os.symlink(os.path.abspath(build), os.path.join(work, "build"))
    for folder in ("extensions", "examples"):
        os.symlink(os.path.join(os.path.abspath(source), folder), os.path.join(work, folder))
    c_sources = [lines for language, lines in blocks(text) if language == "c"]
    with open(os.path.join(work, "redact.bpf.c"), "w", encoding="utf-8") as f:
        f.write("\n".join(c_sources[0]) + "\n")
    env = dict(os.environ)
    env.pop("EXTBPF_EXTENSION_DIR", None)

    failures = 0
    count = 0
    for command, code, expected in commands(text):
        count += 1
        run = subprocess.run(["sh", "-c", command], cwd=work, env=env, capture_output=True,
                             text=True, timeout=120)
        output = run.stdout + run.stderr
        if run.returncode != code:
            print(f"FAIL: '{command}': exit {run.returncode}, want {code}\n{output[:2000]}")
            failures += 1
            continue
        for line in expected:
            pattern = ".*".join(re.escape(part) for part in line.strip().split("..."))
            if not re.search(pattern, output):
                print(f"FAIL: '{command}': '{line.strip()}' not in its output:\n{output[:2000]}")
                failures += 1
    if count < 8:
        print(f"FAIL: only {count} commands found in {tutorial}")
        failures += 1
    if failures:
        print(f"{failures} check(s) failed")
        return 1
    print(f"all {count} tutorial commands work as shown")
    return 0


if __name__ == "__main__":
    sys.exit(main())

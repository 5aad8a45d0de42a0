#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Linux 6.1 differential corpus: selftests and samples/bpf judged by the kernel and extbpf.

From the Linux source tarball (Debian's linux-source-6.1) this extracts the BPF sources to a
scratch directory, builds the networking selftests (tools/testing/selftests/bpf/progs/*.c, as
their Makefile's test_progs flavour builds them, against a vmlinux.h bpftool dumps from the
running kernel) and samples/bpf/*_kern.c (as samples/bpf/Makefile builds them: clang to IR,
opt, llc -march=bpf, against the Debian kernel headers' generated files), then runs
extbpf-kdiff --table --libbpf-types over every object: each program alone, loaded by the
kernel with the type libbpf gives its section and verified by extbpf as `extbpf verify` would
(no --type). A build failure is listed, not fatal.

Output (in --out): table.tsv (one row per program), build-failures.txt, summary.txt: counts per
corpus and the disagreements by class. Needs root for the kernel's side (bpf()); without it
kdiff reports every program as skipped.

usage: tools/corpus/corpus.py --build build [--tarball T] [--headers H] [--work W] [--out O]
"""

import argparse
import collections
import glob
import os
import re
import subprocess
import sys
import tarfile
from concurrent.futures import ThreadPoolExecutor

SRC_TOP = "linux-source-6.1"
EXTRACT = ("tools/", "samples/bpf/", "include/", "arch/x86/", "scripts/")

# Section prefixes of the networking program types (libbpf's section table, 6.1).
NET_SECTIONS = (
    "xdp", "tc", "classifier", "action", "socket", "sockops", "sk_skb", "sk_msg",
    "lwt_in", "lwt_out", "lwt_xmit", "lwt_seg6local", "cgroup_skb", "cgroup/skb",
    "cgroup/sock", "cgroup/post_bind", "cgroup/bind", "cgroup/connect", "cgroup/sendmsg",
    "cgroup/recvmsg", "cgroup/getpeername", "cgroup/getsockname", "cgroup/getsockopt",
    "cgroup/setsockopt", "cgroup/dev", "flow_dissector", "sk_lookup", "sk_reuseport",
)
SEC_RE = re.compile(r'SEC\("([^"]+)"\)')

# Objects whose sections name no type, with the type their users give (the samples' scripts:
# `tc filter ... bpf obj X sec Y`, `ip route ... encap bpf out obj X section Y`).
TYPE_HINTS = {
    "tcbpf1_kern.o": "sched_cls",
    "test_cgrp2_tc_kern.o": "sched_cls",
    "tc_l2_redirect_kern.o": "sched_cls",
    "lwt_len_hist_kern.o": "lwt_out",
    "xdp2skb_meta_kern.o": "sched_cls",
}


def is_net_section(section):
    return any(section == p or section.startswith(p + "/") or section.startswith(p + ".")
               or (p in ("cgroup/sock", "socket", "xdp") and section.startswith(p))
               for p in NET_SECTIONS)


def extract(tarball, work):
    top = os.path.join(work, SRC_TOP)
    stamp = os.path.join(work, ".extracted")
    if os.path.exists(stamp):
        return top
    print(f"extracting {tarball} ({', '.join(EXTRACT)}) to {work}", flush=True)
    with tarfile.open(tarball) as tar:
        members = [m for m in tar.getmembers()
                   if m.name.startswith(SRC_TOP + "/")
                   and m.name[len(SRC_TOP) + 1:].startswith(EXTRACT)]
        tar.extractall(work, members=members)
    open(stamp, "w").close()
    return top


def clang_sys_includes():
    """clang's own search list as -idirafter, as the kernel Makefiles' get_sys_includes does."""
    out = subprocess.run(["clang", "-v", "-E", "-"], input="", capture_output=True,
                         text=True).stderr
    dirs, inside = [], False
    for line in out.splitlines():
        if line.startswith("#include <...> search starts here"):
            inside = True
        elif line.startswith("End of search list"):
            inside = False
        elif inside:
            dirs += ["-idirafter", line.strip()]
    return dirs


def compile_one(cmd, out, log):
    """Runs a build command (a shell pipeline for samples); returns None or the error."""
    r = subprocess.run(cmd, shell=isinstance(cmd, str), capture_output=True, text=True)
    if r.returncode == 0 and os.path.exists(out) and os.path.getsize(out) > 0:
        return None
    if os.path.exists(out):
        os.unlink(out)
    lines = [l for l in r.stderr.splitlines() if "error" in l] or r.stderr.splitlines() or ["?"]
    return lines[0].strip()


def build_selftests(top, work, jobs, sysinc):
    """progs/*.c with a networking section, with the flags of test_progs' objects."""
    sdir = os.path.join(top, "tools/testing/selftests/bpf")
    inc = os.path.join(work, "include")
    out = os.path.join(work, "obj/selftests")
    os.makedirs(out, exist_ok=True)
    vmlinux = os.path.join(inc, "vmlinux.h")
    if not os.path.exists(vmlinux):
        os.makedirs(inc, exist_ok=True)
        with open(vmlinux, "w") as f:
            subprocess.run(["bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux",
                            "format", "c"], stdout=f, check=True)
    jobs_list = []
    for src in sorted(glob.glob(os.path.join(sdir, "progs/*.c"))):
        text = open(src, errors="replace").read()
        if not any(is_net_section(s) for s in SEC_RE.findall(text)):
            continue
        name = os.path.basename(src)[:-2]
        obj = os.path.join(out, name + ".o")
        cmd = ["clang", "-g", "-Werror", "-D__TARGET_ARCH_x86", "-mlittle-endian",
               "-I" + inc, "-I" + sdir, "-I" + os.path.join(top, "tools/include/uapi")]
        cmd += sysinc + ["-Wno-compare-distinct-pointer-types", "-DENABLE_ATOMICS_TESTS"]
        if name in ("test_l4lb_noinline", "test_xdp_noinline"):
            cmd.append("-fno-inline")
        cmd += ["-O2", "-target", "bpf", "-c", src, "-mcpu=v3", "-o", obj]
        jobs_list.append((name, cmd, obj))
    return run_builds(jobs_list, jobs)


def build_samples(top, work, jobs, sysinc, headers):
    """samples/bpf/*_kern.c as samples/bpf/Makefile builds them (clang | opt | llc)."""
    sdir = os.path.join(top, "samples/bpf")
    out = os.path.join(work, "obj/samples")
    libbpf_inc = os.path.join(work, "libbpf-include")
    os.makedirs(out, exist_ok=True)
    os.makedirs(libbpf_inc, exist_ok=True)
    if not os.path.exists(os.path.join(libbpf_inc, "bpf")):
        os.symlink("/usr/include/bpf", os.path.join(libbpf_inc, "bpf"))
    linuxinclude = [
        "-I" + os.path.join(top, "arch/x86/include"),
        "-I" + os.path.join(headers, "arch/x86/include/generated"),
        "-I" + os.path.join(top, "include"),
        "-I" + os.path.join(headers, "include"),
        "-I" + os.path.join(top, "arch/x86/include/uapi"),
        "-I" + os.path.join(headers, "arch/x86/include/generated/uapi"),
        "-I" + os.path.join(top, "include/uapi"),
        "-I" + os.path.join(headers, "include/generated/uapi"),
        "-include", os.path.join(top, "include/linux/compiler-version.h"),
        "-include", os.path.join(top, "include/linux/kconfig.h"),
    ]
    jobs_list = []
    for src in sorted(glob.glob(os.path.join(sdir, "*_kern.c"))):
        name = os.path.basename(src)[:-2]
        obj = os.path.join(out, name + ".o")
        cc = (["clang", "-nostdinc"] + linuxinclude + ["-fno-stack-protector", "-g", "-I" + out,
              "-I" + os.path.join(top, "tools/testing/selftests/bpf/"), "-I" + libbpf_inc]
              + sysinc + ["-D__KERNEL__", "-D__BPF_TRACING__", "-Wno-unused-value",
              "-Wno-pointer-sign", "-D__TARGET_ARCH_x86", "-Wno-compare-distinct-pointer-types",
              "-Wno-gnu-variable-sized-type-not-at-end", "-Wno-address-of-packed-member",
              "-Wno-tautological-compare", "-Wno-unknown-warning-option",
              "-fno-asynchronous-unwind-tables", "-I" + sdir, "-include",
              "asm_goto_workaround.h", "-O2", "-emit-llvm", "-Xclang",
              "-disable-llvm-passes", "-c", src, "-o", "-"])
        cmd = (" ".join(map(sh_quote, cc)) + " | opt -O2 -mtriple=bpf-pc-linux | llvm-dis | "
               f"llc -march=bpf -mattr=dwarfris -filetype=obj -o {sh_quote(obj)}")
        jobs_list.append((name, "set -o pipefail; " + cmd, obj))
    return run_builds(jobs_list, jobs, shell="bash")


def sh_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def run_builds(jobs_list, jobs, shell=None):
    def one(job):
        name, cmd, obj = job
        if os.path.exists(obj):
            return name, obj, None
        if shell:
            cmd = [shell, "-c", cmd]
        return name, obj, compile_one(cmd, obj, None)

    built, failed = [], []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for name, obj, err in pool.map(one, jobs_list):
            if err:
                failed.append((name, err))
            else:
                built.append(obj)
    return built, failed


def run_kdiff(kdiff, objects):
    """extbpf-kdiff's ROW lines: object, program, section, type, kernel, kmsg, extbpf, emsg."""
    plain = [o for o in objects if os.path.basename(o) not in TYPE_HINTS]
    hinted = [o for o in objects if os.path.basename(o) in TYPE_HINTS]
    calls = [plain[i:i + 16] for i in range(0, len(plain), 16)]
    calls += [["--type", TYPE_HINTS[os.path.basename(o)], o] for o in hinted]
    rows = []
    for args in calls:
        r = subprocess.run([kdiff, "--table", "--libbpf-types"] + args,
                           capture_output=True, text=True)
        if r.returncode == 77:
            sys.exit("corpus: " + r.stdout.strip())
        if r.returncode not in (0, 1):
            sys.exit(f"corpus: extbpf-kdiff failed ({r.returncode}): {r.stderr.strip()}")
        for line in r.stdout.splitlines():
            if line.startswith("ROW\t"):
                rows.append(line.split("\t")[1:9])
    return rows


def message_class(msg):
    """A disagreement's class: the message without object, program, instruction, numbers."""
    msg = re.sub(r"^object '[^']*': ", "", msg)
    msg = re.sub(r"^program '[^']*' refused: ", "", msg)
    msg = re.sub(r"^section '[^']*': ", "", msg)
    msg = re.sub(r"^insn \d+ \([^)]*\): ", "", msg)
    msg = re.split(r"\s{2,}source|\s{2,}", msg)[0]
    msg = re.sub(r"\b[rR]\d+\b", "rN", msg)
    msg = re.sub(r"-?\b\d+\b", "N", msg)
    msg = re.sub(r"0x[0-9a-f]+", "N", msg)
    return msg[:140]


def summarize(name, rows, built, failed, out):
    c = collections.Counter()
    classes = collections.Counter()
    holes = []
    for obj, prog, sec, typ, kv, km, ev, em in rows:
        c["programs"] += 1
        c["kernel " + kv] += 1
        c["extbpf " + ev] += 1
        if kv == "accept" and ev == "accept":
            c["both accept"] += 1
        elif kv == "accept":
            classes[message_class(em)] += 1
        elif kv == "refuse" and ev == "accept":
            holes.append(f"  {obj} {prog} ({sec}): kernel: {km}")
    out.write(f"## {name}: {len(built)} objects built, {len(failed)} failed to build\n")
    out.write(f"programs {c['programs']}: Linux loads {c['kernel accept']}, refuses "
              f"{c['kernel refuse']}, no verdict {c['kernel skip']}; extbpf accepts "
              f"{c['extbpf accept']}; of Linux's {c['kernel accept']} extbpf accepts "
              f"{c['both accept']}, refuses {c['kernel accept'] - c['both accept']}\n")
    out.write("Linux loads, extbpf refuses, by extbpf's message:\n")
    for msg, n in classes.most_common():
        out.write(f"  {n:3d}  {msg}\n")
    out.write(f"Linux refuses, extbpf accepts ({len(holes)}):\n")
    out.write("".join(h + "\n" for h in holes))
    out.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", required=True, help="extbpf build dir (has bin/extbpf-kdiff)")
    ap.add_argument("--tarball", default="/usr/src/linux-source-6.1.tar.xz")
    ap.add_argument("--headers", default=None,
                    help="Debian's linux-headers-6.1.*-amd64 (generated headers for samples)")
    ap.add_argument("--work", default="/tmp/extbpf-corpus", help="scratch dir (kept)")
    ap.add_argument("--out", default=None, help="results dir (default WORK/results)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", choices=("selftests", "samples"), default=None)
    args = ap.parse_args()

    kdiff = os.path.join(args.build, "bin/extbpf-kdiff")
    if not os.access(kdiff, os.X_OK):
        sys.exit(f"corpus: {kdiff} not found: build the extbpf_kdiff target")
    out_dir = args.out or os.path.join(args.work, "results")
    os.makedirs(out_dir, exist_ok=True)
    top = extract(args.tarball, args.work)
    sysinc = clang_sys_includes()
    sets = []
    if args.only in (None, "selftests"):
        sets.append(("Linux 6.1 selftests (networking types)",
                     *build_selftests(top, args.work, args.jobs, sysinc), True))
    if args.only in (None, "samples"):
        headers = args.headers or next(iter(sorted(glob.glob(
            "/usr/src/linux-headers-6.1.*-amd64"))), None)
        if not headers:
            print("corpus: samples/bpf skipped: no /usr/src/linux-headers-6.1.*-amd64 "
                  "(apt-get install linux-headers-amd64 of 6.1, or --headers)")
        else:
            sets.append(("Linux 6.1 samples/bpf",
                         *build_samples(top, args.work, args.jobs, sysinc, headers), False))
    with open(os.path.join(out_dir, "table.tsv"), "w") as table, \
            open(os.path.join(out_dir, "build-failures.txt"), "w") as fails, \
            open(os.path.join(out_dir, "summary.txt"), "w") as summary:
        table.write("corpus\tobject\tprogram\tsection\ttype\tkernel\tkernel message\t"
                    "extbpf\textbpf message\n")
        for name, built, failed, net_only in sets:
            rows = run_kdiff(kdiff, sorted(built))
            if net_only:
                rows = [r for r in rows if is_net_section(r[2])]
            for r in rows:
                table.write(name + "\t" + "\t".join(r) + "\n")
            for obj, err in failed:
                fails.write(f"{name}\t{obj}\t{err}\n")
            summarize(name, rows, built, failed, summary)
    print(open(os.path.join(out_dir, "summary.txt")).read(), end="")
    print(f"results in {out_dir}: table.tsv, build-failures.txt, summary.txt")


if __name__ == "__main__":
    main()

#!/bin/sh
# SPDX-License-Identifier: MIT
# Debian's libbpf-tools, verified offline against this machine's kernel BTF: the BPF objects
# its binaries embed (libbpf skeletons) are extracted, every program is verified with
# `extbpf verify --btf`, each object configured as its tool configures it at run time
# (libbpf_tools_config.txt: fentry targets, map sizes), and each program of
# libbpf_tools_verified.txt must be accepted; then
# CORE_ORACLE checks that every CO-RE relocation extbpf applies is the one libbpf applies, and
# KERNEL_ORACLE loads each program into the running kernel alone, configured the same way:
# every program the kernel loads must be one extbpf verifies (skipped where bpf() is refused).
# Prints the totals. Skips (77) where the package or the kernel's BTF is absent.
# usage: test_libbpf_tools.sh EXTBPF PYTHON3 SOURCE_DIR WORK_DIR CORE_ORACLE KERNEL_ORACLE
tool=$1
python=$2
src=$3
work=$4
oracle=$5
kernel_oracle=$6
btf=/sys/kernel/btf/vmlinux

if ! dpkg-query -W -f='${Status}' libbpf-tools 2>/dev/null | grep -q 'install ok installed'; then
	echo "skipped: libbpf-tools is not installed (scripts/install-deps.sh installs it)"
	exit 77
fi
if [ ! -r "$btf" ]; then
	echo "skipped: $btf is absent"
	exit 77
fi
rm -rf "$work"
mkdir -p "$work"
# The tool must find the extensions beside it, whatever the caller's environment says.
unset EXTBPF_EXTENSION_DIR

binaries=$(dpkg-query -L libbpf-tools | grep '^/usr/sbin/')
# shellcheck disable=SC2086
"$python" "$src/tests/core_relo/extract_bpf_objects.py" "$work/objects" $binaries \
	>"$work/objects.txt" || exit 1
objects=$(wc -l <"$work/objects.txt")
[ "$objects" -gt 0 ] || { echo "FAIL: no BPF object found in libbpf-tools"; exit 1; }

failures=0
config=$src/tests/core_relo/libbpf_tools_config.txt
for obj in "$work"/objects/*.bpf.o; do
	name=$(basename "$obj" .bpf.o)
	# The object configured as its tool configures it at run time (libbpf_tools_config.txt).
	options=$(awk -v o="$name.bpf.o" '$1 == o { print $2, $3 }' "$config")
	# shellcheck disable=SC2086 # options are words: --option NAME=VALUE
	"$tool" verify "$obj" --btf "$btf" --json $options >"$work/$name.json" 2>"$work/$name.err"
	rc=$?
	# 0 all accepted, 1 a refusal, 2 unusable input: anything else is a crash
	if [ "$rc" -gt 2 ]; then
		echo "FAIL: $name: extbpf verify exited $rc"
		failures=$((failures + 1))
	fi
	# shellcheck disable=SC2086
	"$kernel_oracle" "$obj" $options >>"$work/kernel.txt"
	krc=$?
	if [ "$krc" -ne 0 ] && [ "$krc" -ne 77 ]; then
		echo "FAIL: $name: kernel_oracle exited $krc"
		failures=$((failures + 1))
	fi
done

# Totals and the programs that must verify.
"$python" - "$work" "$src/tests/core_relo/libbpf_tools_verified.txt" <<'PY' || failures=$((failures + 1))
import glob, json, os, sys
work, listed = sys.argv[1], sys.argv[2]
kernel = {}
accepted, programs, whole = set(), 0, 0
for path in glob.glob(os.path.join(work, "*.json")):
    text = open(path).read()
    # Refused before any program was listed: {"error": "..."} (older tools: nothing).
    if not text.strip() or text.startswith('{"error"'):
        whole += 1
        continue
    obj = os.path.basename(path)[:-5] + ".bpf.o"
    for p in json.loads(text)["programs"]:
        programs += 1
        if p["accepted"]:
            accepted.add((obj, p["name"]))
print("libbpf-tools: %d programs verified of %d listed; %d objects refused as a whole"
      % (len(accepted), programs, whole))
missing = []
for line in open(listed):
    if line.strip() and not line.startswith("#"):
        obj, name = line.split()
        if (obj, name) not in accepted:
            missing.append("%s %s" % (obj, name))
for m in missing:
    print("FAIL: no longer verifies: " + m)
# The kernel's verdicts: each program it loads must be one extbpf verifies.
for line in open(os.path.join(work, "kernel.txt")):
    words = line.split()
    if line.startswith("skipped: "):
        kernel = None
        print(line.strip() + " (the kernel's verdicts are not compared)")
        break
    kernel[(words[0], words[1])] = words[2]
if kernel is not None:
    loaded = [k for k, v in kernel.items() if v == "loaded"]
    unverified = sorted(k for k in loaded if k not in accepted)
    print("kernel: loads %d of %d programs (%d refused, %d without a verdict); extbpf verifies "
          "%d of those %d" % (len(loaded), len(kernel),
                              sum(v == "refused" for v in kernel.values()),
                              sum(v == "no-verdict" for v in kernel.values()),
                              len(loaded) - len(unverified), len(loaded)))
    for obj, name in unverified:
        print("FAIL: the kernel loads it, extbpf refuses it: %s %s" % (obj, name))
    missing += unverified
sys.exit(1 if missing else 0)
PY
# The relocations themselves, against libbpf's (skipped where bpf() is refused).
"$oracle" "$work"/objects/*.bpf.o >"$work/oracle.txt"
rc=$?
grep -E '^(DIFF|CO-RE|skipped: )' "$work/oracle.txt"
if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
	echo "FAIL: extbpf's CO-RE relocations differ from libbpf's"
	failures=$((failures + 1))
fi
exit $((failures > 0))

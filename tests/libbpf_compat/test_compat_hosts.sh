#!/bin/sh
# The libbpf-style hosts against extbpf-libbpf: host.c (open, configure .rodata, load, test
# runs, hash map by descriptor, ring buffer) and the same in skeleton form must print what the
# program computes (expected_*.txt, worked out by hand from compat_xdp.bpf.c). Where the system
# libbpf and the kernel's bpf() are usable, host.c built against libbpf must print the same on
# Linux, and so must host_skel.c built with the same generated skeleton against libbpf;
# elsewhere that comparison is skipped with a message.
# `extbpf gen` refuses bad arguments with exit code 2 and a message.
# usage: test_compat_hosts.sh HOST HOST_SKEL OBJECT SOURCE_DIR WORK_DIR EXTBPF SKEL_DIR [CC_FLAGS]
set -u
host=$1
host_skel=$2
object=$3
src=$4
work=$5
extbpf=$6
skel_dir=$7
cc_flags=${8:-}
mkdir -p "$work"
status=0

check() { # NAME EXPECTED OUTPUT
	if ! diff -u "$2" "$3" >"$work/$1.diff"; then
		echo "FAIL: $1 output differs:"
		cat "$work/$1.diff"
		status=1
	else
		echo "ok: $1"
	fi
}

"$host" "$object" >"$work/host.out" 2>"$work/host.err" ||
	{ echo "FAIL: host exited $?: $(cat "$work/host.err")"; status=1; }
check host "$src/expected_host.txt" "$work/host.out"
"$host_skel" >"$work/skel.out" 2>"$work/skel.err" ||
	{ echo "FAIL: host_skel exited $?: $(cat "$work/skel.err")"; status=1; }
check host_skel "$src/expected_skel.txt" "$work/skel.out"

# gen misuse: NAME ARGS... ; each must exit 2 and say why on stderr.
gen_refused() {
	name=$1
	shift
	"$extbpf" gen "$@" >"$work/gen.out" 2>"$work/gen.err"
	rc=$?
	if [ $rc -ne 2 ] || [ ! -s "$work/gen.err" ]; then
		echo "FAIL: gen $name: exit $rc, stderr '$(cat "$work/gen.err")'"
		status=1
	else
		echo "ok: gen $name refused: $(head -n 1 "$work/gen.err")"
	fi
}
gen_refused "no subcommand"
gen_refused "unknown subcommand" object "$object"
gen_refused "no file" skeleton
gen_refused "missing file" skeleton "$work/missing.o"
gen_refused "not an object" skeleton "$src/host.c"
gen_refused "bad name" skeleton "$object" --name 9lives
gen_refused "two files" skeleton "$object" "$object"

# The same hosts on Linux with the system libbpf: host.c, and host_skel.c with the skeleton
# `extbpf gen` wrote (bpftool's layout, so libbpf's skeleton calls take it as it is).
# shellcheck disable=SC2046,SC2086 # word splitting of the flags is wanted
linux_host() { # NAME EXPECTED SOURCE [ARGS...]
	name=$1
	expected=$2
	source=$3
	shift 3
	if ! cc $cc_flags -I"$skel_dir" -o "$work/$name" "$source" $(pkg-config --cflags --libs libbpf) \
		>"$work/cc_$name.log" 2>&1; then
		echo "FAIL: $source does not build against the system libbpf: $(head -c 600 "$work/cc_$name.log")"
		status=1
	elif ! "$work/$name" "$@" >"$work/$name.out" 2>"$work/$name.err"; then
		echo "SKIP: $name: the kernel refused (no bpf() here?): $(tail -n 3 "$work/$name.err")"
	else
		check "$name" "$expected" "$work/$name.out"
	fi
}
if ! pkg-config --exists libbpf; then
	echo "SKIP: Linux comparison: no system libbpf (libbpf-dev)"
else
	linux_host linux_host "$src/expected_host.txt" "$src/host.c" "$object"
	linux_host linux_host_skel "$src/expected_skel.txt" "$src/host_skel.c"
fi
if [ $status -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $status

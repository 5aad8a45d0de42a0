#!/bin/sh
# Every object in DIR verifies (test_bench_progs_v3, bench/CMakeLists.txt): verify_all.sh EXTBPF DIR
extbpf=$1
dir=$2
n=0
for f in "$dir"/*.bpf.o; do
	if ! "$extbpf" verify "$f" >/dev/null 2>&1; then
		echo "refused: $f"
		"$extbpf" verify "$f"
		exit 1
	fi
	n=$((n + 1))
done
echo "$n programs verified"
[ "$n" -gt 0 ]

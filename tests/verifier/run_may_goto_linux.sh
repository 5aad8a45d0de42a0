#!/bin/sh
# run_may_goto_linux.sh EXTBPF OBJ_DIR: test-runs the programs of may_goto_linux.bpf.o
# (Linux's can_loop / cond_break selftest shapes) in the interpreter, the JIT and native code
# (and their -mcpu=v3 build) and checks r0's low 32 bits, which the programs return.
set -u
extbpf=$1 dir=$2
data=$(mktemp)
trap 'rm -f "$data"' EXIT
head -c 64 /dev/zero >"$data"
fails=0
# program and the r0 it must give: the sums of Linux's cond_break1..3 (ours over 100,000 and
# 1,000 x 1,000 laps), EBPF_MAY_GOTO_BUDGET laps, one budget per call and per callback call.
for want in three_loops_on_stack:12 count_and_budget:1409965408 \
	nested_share_budget:999000000 loop_in_subprogram:1784293664 budget_alone:8388608 \
	budget_per_call:16777216 budget_per_callback:16777216; do
	prog=${want%%:*} r0=${want#*:}
	for obj in "$dir/may_goto_linux.bpf.o" "$dir/v3/may_goto_linux.bpf.o"; do
		for mode in interp jit native; do
			out=$("$extbpf" run "$obj" --section "$prog" --data "$data" \
				--mode "$mode" -j 2>&1)
			got=$(echo "$out" | sed -n 's/.*"retval": \([0-9]*\).*/\1/p' | head -n 1)
			if [ -z "$got" ]; then
				echo "FAIL $obj $prog $mode: $out"
				fails=$((fails + 1))
				continue
			fi
			got=$((got & 0xffffffff))
			if [ "$got" != "$r0" ]; then
				echo "FAIL $obj $prog $mode: r0 $got, want $r0"
				fails=$((fails + 1))
			else
				echo "ok   $obj $prog $mode: r0 $got"
			fi
		done
	done
done
exit $((fails != 0))

#!/bin/sh
# extbpf run --raw end to end: r0, the memory argument, the unverified warning, usage errors.
# usage: test_run_cli.sh EXTBPF WORK_DIR
set -u
extbpf=$1
work=$2
. "$(dirname "$0")/../cli/lib.sh"

# Instructions as octal escapes (printf in POSIX sh has no \x).
# mov r0, -2; exit
printf '\267\000\000\000\376\377\377\377\225\000\000\000\000\000\000\000' >"$work/neg.bin"
# ldxw r0, [r1+0]; add r0, r2; exit  (r1 = the memory, r2 = its size)
printf '\141\020\000\000\000\000\000\000\017\040\000\000\000\000\000\000\225\000\000\000\000\000\000\000' >"$work/mem.bin"
printf '\001\002\003\004\005' >"$work/mem.in"
# three bytes: not an instruction
printf '\267\000\000' >"$work/short.bin"
# call 30583 (no such helper); exit
printf '\205\000\000\000\167\167\000\000\225\000\000\000\000\000\000\000' >"$work/helper.bin"

expect 0 "run neg.bin" "$extbpf" run --raw "$work/neg.bin" --unverified --repeat 5 --mode interp
contains "$work/out" "r0 = 0xfffffffffffffffe (-2)" "r0 in hex and decimal"
# The tool picks the unit (ns below 10 us; a loaded or sanitized run can take longer).
matches "$work/out" "^mean time per run: [0-9.]+ (ns|us|ms) \\(5 runs, interp\\)$" "mean time per run"
contains "$work/err" "was not verified" "the unverified warning"

expect 0 "run mem.bin" "$extbpf" run --raw "$work/mem.bin" --mem "$work/mem.in" --unverified
contains "$work/out" "r0 = 0x4030206 (67305990)" "r1 = the memory, r2 = its size"

# Verified, the program sees r2 = the memory's size as a known number (its help promises it):
# read as a value, and as the bound of a pointer to the memory's last byte.
expect 0 "run mem.bin, verified" "$extbpf" run --raw "$work/mem.bin" --mem "$work/mem.in"
contains "$work/out" "r0 = 0x4030206 (67305990)" "verified: r2 = the memory's size"
# r3 = r1; r3 += r2; r0 = *(u8 *)(r3 - 1); exit
printf '\277\023\000\000\000\000\000\000\017\043\000\000\000\000\000\000\161\060\377\377\000\000\000\000\225\000\000\000\000\000\000\000' >"$work/last.bin"
expect 0 "run last.bin, verified" "$extbpf" run --raw "$work/last.bin" --mem "$work/mem.in"
contains "$work/out" "r0 = 0x5 (5)" "verified: r1 + r2 - 1 is the last byte"
printf '\001\002' >"$work/two.in"
expect 0 "run last.bin on two bytes" "$extbpf" run --raw "$work/last.bin" --mem "$work/two.in"
contains "$work/out" "r0 = 0x2 (2)" "r2 follows the memory given"

expect 1 "a refused program" "$extbpf" run --raw "$work/helper.bin" --unverified
contains "$work/err" "unknown helper id 30583" "the refusal's reason"

usage_error "no --raw" "$extbpf" run
contains "$work/err" "missing --raw" "the missing argument"
expect 2 "a truncated instruction" "$extbpf" run --raw "$work/short.bin" --unverified
contains "$work/err" "not a non-zero multiple of 8" "the bad size"
expect 2 "a missing file" "$extbpf" run --raw "$work/none.bin" --unverified
contains "$work/err" "none.bin" "the missing file's name"
usage_error "a bad mode" "$extbpf" run --raw "$work/neg.bin" --mode turbo
contains "$work/err" "unknown mode 'turbo'" "the bad mode"
usage_error "a bad repeat count" "$extbpf" run --raw "$work/neg.bin" --repeat 0
option_error "an unknown option" "$extbpf" run --frobnicate
expect 0 "--help" "$extbpf" run --help
contains "$work/out" "usage: extbpf run" "the usage"
finish

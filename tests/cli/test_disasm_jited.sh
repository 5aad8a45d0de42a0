#!/bin/sh
# extbpf disasm --jited: each instruction followed by the x86-64 code the JIT made of it.
# usage: test_disasm_jited.sh EXTBPF BUILD_DIR WORK_DIR
set -u
extbpf=$1
progs=$2/tests/progs
work=$3
. "$(dirname "$0")/lib.sh"

expect 0 "--jited of an object" "$extbpf" disasm "$progs/hash_counter.bpf.o" --jited
contains "$work/out" "section 'sample_ext' prog 'hash_counter': " "the program's header"
contains "$work/out" "bytes of x86-64 for 22 instructions" "code size and instruction count"
contains "$work/out" "lock *(u64 *)(r0 + 0) += r6" "the eBPF instruction"
# The atomic add became a locked x86 add (capstone's text; without capstone, its bytes f0 48 01).
if ! grep -qF "lock add" "$work/out" && ! grep -qF " f0 48 01" "$work/out"; then
	fail "the atomic add's machine code is not shown"
fi

expect 1 "--jited of a refused program" "$extbpf" disasm "$progs/sample_refused.bpf.o" --jited
contains "$work/err" "refused" "the verifier's refusal"
expect 2 "--jited with -j" "$extbpf" disasm "$progs/hash_counter.bpf.o" --jited -j
json_check "--jited with -j: the error as JSON" "'--jited' in j['error']"
usage_error "--ext without --jited" "$extbpf" disasm "$progs/hash_counter.bpf.o" --ext x.so
expect 2 "--jited of a missing file" "$extbpf" disasm /nonexistent.o --jited
finish

#!/bin/sh
# extbpf disasm FILE.o: every program of an object, source lines, map names, refused programs,
# JSON, --section.
# usage: test_disasm_object.sh EXTBPF BUILD_DIR WORK_DIR
set -u
extbpf=$1
progs=$2/tests/progs
work=$3
. "$(dirname "$0")/lib.sh"

expect 0 "disasm of an object" "$extbpf" disasm "$progs/sample_count.bpf.o"
contains "$work/out" "section 'sample_ext/count' prog 'count_hits' (25 insns):" "the header"
contains "$work/out" "   0: bf 16 00 00 00 00 00 00  r6 = r1" "the first instruction"
contains "$work/out" "__u32 uid = ctx->uid;" "a source line"
contains "$work/out" "r1 = map[idx:0]  ; map 'hits'" "the map reference"
# A source line is shown once, before the first instruction compiled from it.
[ "$(grep -c '^; .*__u32 uid = ctx->uid;' "$work/out")" -eq 1 ] || fail "a source line repeated"
grep -B1 '^   1: ' "$work/out" | grep -q '^; .*__u32 uid = ctx->uid;' ||
	fail "the source line is not right before its first instruction"

# A refused program is disassembled all the same (nothing is verified).
expect 0 "disasm of a refused program" "$extbpf" disasm "$progs/sample_refused.bpf.o"
contains "$work/out" "section 'sample_ext/bad' prog 'writes_uid'" "the refused program"
contains "$work/out" "ctx->uid = 0;" "its source line"
expect 0 "disasm --section" "$extbpf" disasm "$progs/sample_refused.bpf.o" --section writes_uid
lacks "$work/out" "'good'" "--section: only that program"
expect 0 "disasm --style asm" "$extbpf" disasm --style asm "$progs/sample_count.bpf.o"
contains "$work/out" "mov %r6, %r1" "asm style"

expect 0 "disasm -j" "$extbpf" disasm -j "$progs/sample_refused.bpf.o"
json_ok "disasm -j"
json_check "disasm -j programs" "[p['name'] for p in j] == ['good', 'writes_uid']"
json_check "disasm -j insns" \
	"all(len(p['insns']) >= 2 and p['insns'][-1]['text'] == 'exit' for p in j)"
json_check "disasm -j source" "any('ctx->uid = 0;' in i.get('source', '') for i in j[1]['insns'])"
json_check "disasm -j bytes" "j[0]['insns'][-1]['bytes'][0] == '0x95'"

expect 2 "an unknown section" "$extbpf" disasm "$progs/sample_count.bpf.o" --section nosuch
contains "$work/err" "no program in a section or function named 'nosuch'" "the unknown section"
printf '\267\000\000\000\001\000\000\000\225\000\000\000\000\000\000\000' >"$work/raw.bin"
expect 2 "--section on raw instructions" "$extbpf" disasm "$work/raw.bin" --section x
contains "$work/err" "--section is for ELF objects" "--section on raw"
expect 0 "disasm -j of raw instructions" "$extbpf" disasm -j "$work/raw.bin"
json_ok "disasm -j raw"
json_check "disasm -j raw" "[i['text'] for i in j['insns']] == ['r0 = 1', 'exit']"
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\003\000\076\000' >"$work/dyn.so"
head -c 64 /dev/zero >>"$work/dyn.so"
expect 2 "a shared object" "$extbpf" disasm "$work/dyn.so"
usage_error "--section without a value" "$extbpf" disasm "$progs/sample_count.bpf.o" --section

finish

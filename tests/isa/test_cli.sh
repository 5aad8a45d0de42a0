#!/bin/sh
# extbpf asm / disasm end to end: exit codes, messages and an asm -> disasm -> asm round trip.
# usage: test_cli.sh EXTBPF SOURCE_DIR WORK_DIR
set -u
extbpf=$1
src=$2
work=$3
. "$src/tests/cli/lib.sh"

hello="$src/examples/asm/hello.s"

expect 0 "asm hello.s" "$extbpf" asm "$hello" -o "$work/hello.bin"
[ "$(wc -c <"$work/hello.bin")" -eq 48 ] || fail "hello.bin is not 6 instructions"

expect 0 "disasm (C style)" "$extbpf" disasm "$work/hello.bin"
contains "$work/out" "   0: b7 00 00 00 00 00 00 00  r0 = 0" "disasm C"
contains "$work/out" "   2: 0f 10 00 00 00 00 00 00  r0 += r1" "disasm C"
contains "$work/out" "   4: b5 01 fd ff 0a 00 00 00  if r1 <= 0xa goto -3" "disasm C"
contains "$work/out" "   5: 95 00 00 00 00 00 00 00  exit" "disasm C"

expect 0 "disasm --style asm" "$extbpf" disasm --style asm "$work/hello.bin"
contains "$work/out" "jle %r1, 10, -3" "disasm asm"
# The ASM text, without index and bytes, assembles back to the same bytes.
cut -c 32- "$work/out" >"$work/again.s"
expect 0 "asm of the disassembly" "$extbpf" asm "$work/again.s" -o "$work/again.bin"
cmp -s "$work/hello.bin" "$work/again.bin" || fail "asm -> disasm -> asm changed the bytes"

expect 0 "disasm --style=c" "$extbpf" disasm "--style=c" "$work/hello.bin"
expect 0 "asm --help" "$extbpf" asm --help
contains "$work/out" "usage: extbpf asm" "asm --help"
expect 0 "disasm --help" "$extbpf" disasm --help
contains "$work/out" "usage: extbpf disasm" "disasm --help"

# Bad input: the line is named, exit 2, no output written.
printf 'mov %%r0, 1\nmov %%r0, %%r11\nexit\n' >"$work/bad.s"
expect 2 "asm of a bad register" "$extbpf" asm "$work/bad.s" -o "$work/bad.bin"
contains "$work/err" "extbpf asm: $work/bad.s: line 2: bad register: '%r11'" "asm error"
[ ! -e "$work/bad.bin" ] || fail "asm wrote an output for bad input"
expect 2 "asm of a missing file" "$extbpf" asm "$work/none.s" -o "$work/none.bin"
contains "$work/err" "none.s: No such file or directory" "asm missing file"

# Bad arguments: a usage line, exit 2.
option_error "asm unknown option" "$extbpf" asm --bogus "$hello" -o "$work/x.bin"
contains "$work/err" "unknown option '--bogus'" "asm unknown option"
usage_error "asm without -o" "$extbpf" asm "$hello"
usage_error "asm -o without a file" "$extbpf" asm "$hello" -o
usage_error "disasm unknown style" "$extbpf" disasm --style intel "$work/hello.bin"
contains "$work/err" "unknown style 'intel'" "disasm unknown style"
option_error "disasm unknown option" "$extbpf" disasm -x "$work/hello.bin"
usage_error "disasm without a file" "$extbpf" disasm

# Unusable input for disasm.
printf '\177ELF\002\001\001' >"$work/prog.o"
expect 2 "disasm of a truncated ELF object" "$extbpf" disasm "$work/prog.o"
contains "$work/err" "extbpf disasm: object '$work/prog.o': truncated ELF header" "disasm ELF"
head -c 12 "$work/hello.bin" >"$work/short.bin"
expect 2 "disasm of a partial instruction" "$extbpf" disasm "$work/short.bin"
contains "$work/err" "12 bytes are not a whole number of 8-byte instructions" "disasm short"
printf '\267\000\000\000\001\000\000\000\377\000\000\000\000\000\000\000' >"$work/invalid.bin"
expect 2 "disasm of an invalid instruction" "$extbpf" disasm "$work/invalid.bin"
contains "$work/out" "   0: b7 00 00 00 01 00 00 00  r0 = 1" "disasm invalid"
contains "$work/out" "   1: ff 00 00 00 00 00 00 00  invalid instruction (code 0xff)" "disasm invalid"
contains "$work/err" "1 invalid instruction" "disasm invalid"
finish

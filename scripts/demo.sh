#!/usr/bin/env bash
# The main job a newcomer sees with `make demo`: an eBPF program assembled, disassembled, verified
# and run by extbpf, then a clang-compiled program loaded through the sample extension.
set -euo pipefail
build=${1:-build}
extbpf="$build/bin/extbpf"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "extbpf asm examples/asm/hello.s -o hello.bin"
"$extbpf" asm examples/asm/hello.s -o "$work/hello.bin"

step "extbpf disasm hello.bin"
"$extbpf" disasm "$work/hello.bin"

step "extbpf run --raw hello.bin --repeat 1000000"
"$extbpf" run --raw "$work/hello.bin" --repeat 1000000

if "$extbpf" ext list >/dev/null 2>&1; then
	step "extbpf ext list"
	"$extbpf" ext list
fi

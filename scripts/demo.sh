#!/usr/bin/env bash
# The main job a newcomer sees with `make demo`: XDP programs written for Linux filtering a
# capture in user space, then the verifier, native compilation and the assembler at work.
# usage: scripts/demo.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
extbpf="$build/bin/extbpf"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

"$(dirname "$0")/demo-xdp.sh" "$build"

step "extbpf ext list   (what the extensions beside the tool offer; the first lines)"
"$extbpf" ext list >"$work/ext.txt"
head -n 12 "$work/ext.txt"

step "extbpf verify xdp_firewall.o   (accepted)"
"$extbpf" verify "$build/examples/xdp/xdp_firewall.o"

step "extbpf verify sample_refused.o   (refused: the diagnostic names the instruction and source line)"
"$extbpf" verify "$build/tests/progs/sample_refused.bpf.o" || true

step "extbpf compile xdp_proto_count.o -o xdp_proto_count.so   (native mode, ahead of time)"
"$extbpf" compile "$build/examples/xdp/xdp_proto_count.o" -o "$work/xdp_proto_count.so"
"$build/bin/xdp-pcapgen" "$work/capture.pcap" --count 10000 >/dev/null
"$extbpf" xdp run "$work/xdp_proto_count.so" --pcap "$work/capture.pcap"

step "extbpf asm examples/asm/hello.s, disasm, run in the JIT"
"$extbpf" asm examples/asm/hello.s -o "$work/hello.bin"
"$extbpf" disasm "$work/hello.bin"
"$extbpf" run --raw "$work/hello.bin" --repeat 1000000

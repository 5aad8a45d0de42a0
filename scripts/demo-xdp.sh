#!/usr/bin/env bash
# The XDP part of `make demo`: a capture generated on the spot, run through the per-protocol
# counter (examples/xdp/xdp_proto_count.c) with extbpf xdp run, then through the firewall.
# usage: scripts/demo-xdp.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
extbpf="$build/bin/extbpf"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "xdp-pcapgen capture.pcap --count 10000   (Ethernet: ARP, IPv4/IPv6 TCP, UDP, ICMP)"
"$build/bin/xdp-pcapgen" "$work/capture.pcap" --count 10000

step "extbpf xdp run xdp_proto_count.o --pcap capture.pcap"
"$extbpf" xdp run "$build/examples/xdp/xdp_proto_count.o" --pcap "$work/capture.pcap"

step "extbpf xdp run xdp_firewall.o --pcap capture.pcap --map deny_port=53:1 --map deny_v4=10.1.0.0/24:1 --out passed.pcap"
"$extbpf" xdp run "$build/examples/xdp/xdp_firewall.o" --pcap "$work/capture.pcap" \
	--map deny_port=53:1 --map deny_v4=10.1.0.0/24:1 --out "$work/passed.pcap"

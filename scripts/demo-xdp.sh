#!/usr/bin/env bash
# The XDP part of `make demo`: a capture generated on the spot, run through the per-protocol
# counter (examples/xdp/xdp_proto_count.c) with extbpf xdp run, then through the firewall, and
# the firewall running with its maps pinned while another process changes its deny list.
# usage: scripts/demo-xdp.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
extbpf="$build/bin/extbpf"
work=$(mktemp -d)
host=
trap '[ -z "$host" ] || kill "$host" 2>/dev/null; rm -rf "$work"' EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "xdp-pcapgen capture.pcap --count 10000   (Ethernet: ARP, IPv4/IPv6 TCP, UDP, ICMP)"
"$build/bin/xdp-pcapgen" "$work/capture.pcap" --count 10000

step "extbpf xdp run xdp_proto_count.o --pcap capture.pcap"
"$extbpf" xdp run "$build/examples/xdp/xdp_proto_count.o" --pcap "$work/capture.pcap"

step "extbpf xdp run xdp_firewall.o --pcap capture.pcap --map deny_port=53:1 --map deny_v4=10.1.0.0/24:1 --out passed.pcap"
"$extbpf" xdp run "$build/examples/xdp/xdp_firewall.o" --pcap "$work/capture.pcap" \
	--map deny_port=53:1 --map deny_v4=10.1.0.0/24:1 --out "$work/passed.pcap"

# The live control plane: pins under a private root here (the default root is /run/extbpf).
fw="$build/examples/xdp/xdp_firewall.o"
pins="$work/pins"
"$build/bin/xdp-pcapgen" "$work/small.pcap" --count 70 >/dev/null

# Polls (up to a minute: the machine may be busy) until the command succeeds.
wait_for() {
	for _ in $(seq 600); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "demo: timed out waiting for: $*" >&2
	return 1
}

port_drops() {
	"$extbpf" map lookup fw/drops --key 2 --pin-root "$pins" >"$work/drops" &&
		! grep -qF "value: 00 00 00 00 00 00 00 00" "$work/drops"
}

step "extbpf xdp run xdp_firewall.o --pcap small.pcap --pin-maps fw --follow &   (a running filter, its maps pinned)"
"$extbpf" xdp run "$fw" --pcap "$work/small.pcap" --pin-maps fw --pin-root "$pins" --follow \
	>"$work/host.out" 2>&1 &
host=$!
wait_for test -e "$pins/fw/drops"
"$extbpf" map lookup fw/drops --key 2 --pin-root "$pins"

step "from a second terminal: extbpf map update fw/deny_port --key 53 --value 1"
"$extbpf" map update fw/deny_port --key 53 --value 1 --pin-root "$pins"

step "extbpf map lookup fw/drops --key 2   (the running filter now drops port 53: its counter grows)"
wait_for port_drops
cat "$work/drops"

step "extbpf prog list   (what running hosts publish: pid, program, run count)"
"$extbpf" prog list --pin-root "$pins"
kill -INT "$host"
wait "$host" || true
host=

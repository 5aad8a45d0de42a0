#!/usr/bin/env bash
# `extbpf xdp run` as a user runs it: output, JSON, exit codes, and clear errors for bad input.
# usage: test_xdp_cli.sh EXTBPF XDP_PCAPGEN EXAMPLES_DIR
set -uo pipefail
extbpf=$1 gen=$2 examples=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# expect CODE PATTERN -- command...: exit code and a pattern in stdout+stderr
expect() {
	local code=$1 pattern=$2 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	[ "$rc" -eq "$code" ] || fail "exit $rc (want $code): $*"$'\n'"$out"
	grep -qE -- "$pattern" <<<"$out" || fail "no /$pattern/ in output of: $*"$'\n'"$out"
}

"$gen" "$work/in.pcap" --count 700 || { echo "FAIL: xdp-pcapgen"; exit 1; }
count=$examples/xdp_proto_count.o
fw=$examples/xdp_firewall.o

# The protocol counter: every packet passes; 700 = 100 of each of the 7 kinds.
expect 0 '^  pass +700$' -- "$extbpf" xdp run "$count" --pcap "$work/in.pcap"
expect 0 'proto_count \(array' -- "$extbpf" xdp run "$count" --pcap "$work/in.pcap"
for mode in interp jit native; do
	expect 0 "\"pass\": 700" -- "$extbpf" xdp run "$count" --pcap "$work/in.pcap" --mode $mode -j
done
# JSON: the ARP class (key 1) saw 100 packets of 60 bytes.
expect 0 '"key": 1, "value": \[100, 6000\]' -- "$extbpf" xdp run "$count" --pcap "$work/in.pcap" -j

# The firewall with a port deny list: port 8080 is a quarter of the TCP/UDP packets (100).
expect 0 '^  drop +100$' -- "$extbpf" xdp run "$fw" --pcap "$work/in.pcap" --map deny_port=8080:1 \
	--out "$work/out.pcap"
[ -s "$work/out.pcap" ] || fail "--out wrote nothing"
expect 0 '^  drop +170$' -- "$extbpf" xdp run "$fw" --pcap "$work/in.pcap" \
	--map deny_port=8080:1 --map deny_v4=10.1.1.0/24:1 # 100 by port + 86 by address - 16 both

# Bad input: clear errors, exit code 2.
expect 2 'missing.pcap' -- "$extbpf" xdp run "$count" --pcap "$work/missing.pcap"
printf 'not a capture at all, clearly not one\n' >"$work/corrupt.pcap"
expect 2 'corrupt.pcap' -- "$extbpf" xdp run "$count" --pcap "$work/corrupt.pcap"
head -c 200 "$work/in.pcap" >"$work/cut.pcap"
expect 2 'record [0-9]+' -- "$extbpf" xdp run "$count" --pcap "$work/cut.pcap"
expect 2 "no map 'nosuch'" -- "$extbpf" xdp run "$fw" --pcap "$work/in.pcap" --map nosuch=1:1
expect 2 'NAME=KEY:VALUE' -- "$extbpf" xdp run "$fw" --pcap "$work/in.pcap" --map deny_port
expect 2 "not an integer" -- "$extbpf" xdp run "$fw" --pcap "$work/in.pcap" --map deny_port=x:1
expect 2 "not an integer that fits" -- "$extbpf" xdp run "$fw" --pcap "$work/in.pcap" \
	--map deny_port=70000:1
expect 2 "is 4 bytes" -- "$extbpf" xdp run "$fw" --pcap "$work/in.pcap" --map deny_v4=1.2.3.4:1
expect 2 "unknown mode" -- "$extbpf" xdp run "$count" --pcap "$work/in.pcap" --mode fast
expect 2 "missing --pcap" -- "$extbpf" xdp run "$count"
expect 2 "expected 'run'" -- "$extbpf" xdp walk
expect 2 "nope" -- "$extbpf" xdp run "$count" --pcap "$work/in.pcap" --section nope
expect 0 'usage: extbpf xdp run' -- "$extbpf" xdp --help

if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed"
	exit 1
fi
echo "all checks passed"

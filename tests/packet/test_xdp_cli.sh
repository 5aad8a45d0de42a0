#!/usr/bin/env bash
# `extbpf xdp run` as a user runs it: output, JSON, exit codes, and clear errors for bad input.
# usage: test_xdp_cli.sh EXTBPF XDP_PCAPGEN EXAMPLES_DIR PACKET_PROGS_DIR
set -uo pipefail
extbpf=$1 gen=$2 examples=$3 progs=$4
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

# Global variables (.data, .rodata, .bss) by name and type from BTF, as 'run --dump-maps':
# 700 packets of 60 to 74 bytes, the 100 past pass_limit dropped.
globals=$progs/xdp_test_globals.o
expect 0 '^  drop +100$' -- "$extbpf" xdp run "$globals" --pcap "$work/in.pcap"
expect 0 '^  \.bss \(array, global variables, 8 B\):$' -- "$extbpf" xdp run "$globals" --pcap "$work/in.pcap"
expect 0 '^    packets_seen = \(__u64\)700$' -- "$extbpf" xdp run "$globals" --pcap "$work/in.pcap"
expect 0 '^    pass_limit = \(__u32\)600$' -- "$extbpf" xdp run "$globals" --pcap "$work/in.pcap"
expect 0 '^    sizes = \(struct byte_counts\)\{\.smallest = \(__u32\)60,\.largest = \(__u32\)74,\}$' -- \
	"$extbpf" xdp run "$globals" --pcap "$work/in.pcap"
expect 0 '"name": "\.bss", "type": "array", "key_size": 4, "value_size": 8, "globals": \{"packets_seen": 700\}' -- \
	"$extbpf" xdp run "$globals" --pcap "$work/in.pcap" -j
expect 0 '"globals": \{"sizes": \{"smallest": 60, "largest": 74\}\}' -- \
	"$extbpf" xdp run "$globals" --pcap "$work/in.pcap" -j
# --map seeds a global-data map in the one key/value syntax: .bss's counter starts at 0x1000.
expect 0 '^    packets_seen = \(__u64\)4796$' -- "$extbpf" xdp run "$globals" --pcap "$work/in.pcap" \
	--map .bss=0:0x1000
# Hex bytes as 'map update' takes them, for a key and a value.
expect 0 '^  drop +100$' -- "$extbpf" xdp run "$fw" --pcap "$work/in.pcap" --map "deny_port=90 1f:01 00 00 00"
expect 0 '^  drop +100$' -- "$extbpf" xdp run "$fw" --pcap "$work/in.pcap" --map deny_port=0x1f90:1

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

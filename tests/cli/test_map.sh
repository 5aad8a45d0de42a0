#!/bin/sh
# extbpf map list|dump|lookup|update|delete on the maps of an object: keys and values in the
# syntax of --map (cli_maparg.c), hex out, JSON.
# usage: test_map.sh EXTBPF BUILD_DIR WORK_DIR
set -u
extbpf=$1
progs=$2/tests/progs
cli_progs=$2/tests/cli/progs
work=$3
. "$(dirname "$0")/lib.sh"

gd=$progs/global_data.bpf.o

expect 0 "map list" "$extbpf" map list "$gd"
contains "$work/out" "'.data': array, key 4 bytes, value 16 bytes, max_entries 1" "list .data"
expect 0 "map list -j" "$extbpf" map list -j "$gd"
json_ok "map list -j"
json_check "map list -j" "{m['name']: m['value_size'] for m in j}['.bss'] == 12"

# .data holds data_counter = 7 (u64) then data_pair = { 0x11111111, 0x22222222 }: dumped as
# its variables from BTF (test_globals.sh tests that in detail); lookup gives the bytes.
expect 0 "map dump .data" "$extbpf" map dump "$gd" .data
contains "$work/out" "  data_counter = (__u64)7" "dump .data: the u64"
contains "$work/out" "  data_pair = (__u32[2])[286331153,572662306,]" "dump .data: the array"
expect 0 "map dump -j" "$extbpf" map dump -j "$gd" .rodata
json_ok "map dump -j"
json_check "map dump -j .rodata: rodata_limit = 42" "j['rodata_limit'] == 42"

expect 0 "map lookup" "$extbpf" map lookup "$gd" .data --key 00000000
contains "$work/out" "value: 07 00 00 00" "lookup"
expect 0 "map lookup -j" "$extbpf" map lookup "$gd" .data --key "0x00 0x00 0x00 0x00" -j
json_ok "map lookup -j"
json_check "lookup -j" "j['value'][8:12] == ['0x11'] * 4"

# The hash map starts empty; an update shows the element it wrote.
expect 0 "map dump of an empty hash" "$extbpf" map dump "$progs/sample_count.bpf.o" hits
contains "$work/out" "Found 0 elements" "empty hash"
expect 0 "map update" "$extbpf" map update "$progs/sample_count.bpf.o" hits \
	--key "07 00 00 00" --value "2a 00 00 00 00 00 00 00" --flags noexist
contains "$work/out" "key: 07 00 00 00  value: 2a 00 00 00 00 00 00 00" "update"
expect 1 "map lookup of a missing key" "$extbpf" map lookup "$progs/sample_count.bpf.o" hits \
	--key 07000000
contains "$work/err" "no such element" "lookup of a missing key"
expect 1 "map delete of a missing key" "$extbpf" map delete "$progs/sample_count.bpf.o" hits \
	--key 07000000
expect 1 "map update --flags noexist of an array" "$extbpf" map update "$gd" .bss \
	--key 00000000 --value 000000000000000000000000 --flags noexist

# One syntax with --map: every form gives the same bytes (sample_count's hits: u32 -> u64).
sc=$progs/sample_count.bpf.o
update_shows() { # NAME KEY VALUE EXPECTED-LINE
	expect 0 "map update, $1" "$extbpf" map update "$sc" hits --key "$2" --value "$3"
	contains "$work/out" "$4" "map update, $1"
}
update_shows "decimal integers" 7 42 "key: 07 00 00 00  value: 2a 00 00 00 00 00 00 00"
update_shows "0x integers" 0x107 0x2a0000000b "key: 07 01 00 00  value: 0b 00 00 00 2a 00 00 00"
update_shows "a decimal of two digits a byte" 12345678 1000000000000000 \
	"key: 4e 61 bc 00  value: 00 80 c6 a4 7e 8d 03 00"
update_shows "unspaced hex with a letter" 0a0b0c0d ff00000000000000 \
	"key: 0a 0b 0c 0d  value: ff 00 00 00 00 00 00 00"
update_shows "spaced 0x bytes" "0x01 0x02 0x03 0x04" "0x2a 0x00 0x00 0x00 0x00 0x00 0x00 0x01" \
	"key: 01 02 03 04  value: 2a 00 00 00 00 00 00 01"
update_shows "colon-separated bytes" 0a:00:00:01 01:02:03:04:05:06:07:08 \
	"key: 0a 00 00 01  value: 01 02 03 04 05 06 07 08"
update_shows "an IPv4 address" 10.0.0.1 0 "key: 0a 00 00 01  value: 00 00 00 00 00 00 00 00"
update_shows "the largest u32 and u64" 4294967295 18446744073709551615 \
	"key: ff ff ff ff  value: ff ff ff ff ff ff ff ff"
expect 0 "map lookup, a decimal key" "$extbpf" map lookup "$gd" .data --key 0
contains "$work/out" "value: 07 00 00 00" "lookup --key 0"
expect 1 "map delete, a decimal key the hash does not hold" "$extbpf" map delete "$sc" hits --key 3
contains "$work/err" "no such element" "delete --key 3"
# An LPM trie key: the prefix length, then the address.
expect 0 "map update, an LPM prefix" "$extbpf" map update "$progs/lpm.bpf.o" routes \
	--key 10.1.0.0/16 --value 7
contains "$work/out" "key: 10 00 00 00 0a 01 00 00  value: 07 00 00 00" "LPM prefix"

# A per-CPU map takes one value, set on every CPU, or every CPU's value one after the other.
pc=$cli_progs/percpu.bpf.o
expect 0 "map update of a per-CPU map, one value" "$extbpf" map update "$pc" per_cpu --key 1 --value 7
cpus=$(grep -c "value (CPU" "$work/out")
[ "$cpus" -ge 1 ] || fail "per-CPU update: no CPU values in $(cat "$work/out")"
[ "$(grep -c "value (CPU [0-9]*): 07 00 00 00 00 00 00 00$" "$work/out")" -eq "$cpus" ] ||
	fail "per-CPU update: not 7 on every CPU: $(cat "$work/out")"
all="" i=0
while [ "$i" -lt "$cpus" ]; do
	i=$((i + 1))
	all="$all $(printf '%02x' "$i") 00 00 00 00 00 00 00"
done
expect 0 "map update of a per-CPU map, every CPU's value" "$extbpf" map update "$pc" per_cpu \
	--key 2 --value "$all"
contains "$work/out" "value (CPU 00): 01 00 00 00 00 00 00 00" "per-CPU: CPU 0's own value"
contains "$work/out" "value (CPU $(printf '%02d' $((cpus - 1)))): $(printf '%02x' "$cpus") 00 00 00 00 00 00 00" \
	"per-CPU: the last CPU's own value"
# 4-byte values: each CPU's slot is 8 bytes in the host's buffer (Linux's layout).
expect 0 "map update of a 4-byte per-CPU map, one value" "$extbpf" map update "$pc" per_cpu32 \
	--key 1 --value 9
[ "$(grep -c "value (CPU [0-9]*): 09 00 00 00$" "$work/out")" -eq "$cpus" ] ||
	fail "4-byte per-CPU update: not 9 on every CPU: $(cat "$work/out")"
all="" i=0
while [ "$i" -lt "$cpus" ]; do
	i=$((i + 1))
	all="$all $(printf '%02x' "$i") 00 00 00 00 00 00 00"
done
expect 0 "map update of a 4-byte per-CPU map, every CPU's 8-byte slot" "$extbpf" map update \
	"$pc" per_cpu32 --key 2 --value "$all"
contains "$work/out" "value (CPU $(printf '%02d' $((cpus - 1)))): $(printf '%02x' "$cpus") 00 00 00" \
	"4-byte per-CPU: the last CPU's own value"
expect 2 "a per-CPU value of neither size" "$extbpf" map update "$pc" per_cpu --key 1 --value "01 00"
contains "$work/err" "value '01 00' is 2 bytes; the map's values are 8 bytes" "per-CPU size"

# Forms that are not the map's size or not a form at all: exit 2, the form and size named.
expect 2 "an integer too wide for the key" "$extbpf" map update "$sc" hits --key 4294967296 --value 1
contains "$work/err" "'4294967296' is not an integer that fits the map's 4-byte keys" "too wide"
expect 2 "a negative integer" "$extbpf" map update "$sc" hits --key -1 --value 1
contains "$work/err" "'-1' is not an integer" "negative"
expect 2 "an address for a u64 value" "$extbpf" map update "$sc" hits --key 1 --value 1.2.3.4
contains "$work/err" "value '1.2.3.4' is 4 bytes; the map's values are 8 bytes" "address size"
expect 2 "no octal" "$extbpf" map update "$sc" hits --key 012 --value 1
contains "$work/err" "key '012' is not hex bytes" "an odd hex run"
expect 2 "an integer for a 12-byte value" "$extbpf" map update "$gd" .bss --key 0 --value 5
contains "$work/err" "'5' is not an integer that fits the map's 12-byte values" "12 bytes"
expect 2 "garbage" "$extbpf" map update "$sc" hits --key 1 --value "1x"
contains "$work/err" "value '1x' is not an integer" "garbage"

# Bad arguments: 2.
expect 2 "a key of the wrong size" "$extbpf" map lookup "$gd" .data --key 0000
contains "$work/err" "map '.data': key '0000' is 2 bytes; the map's keys are 4 bytes" "the key size"
expect 2 "a key that is not hex" "$extbpf" map lookup "$gd" .data --key zz000000
contains "$work/err" "not hex bytes" "not hex"
expect 2 "an odd number of digits" "$extbpf" map lookup "$gd" .data --key 000
expect 2 "a value of the wrong size" "$extbpf" map update "$gd" .data --key 00000000 --value 00
expect 2 "no such map" "$extbpf" map dump "$gd" nosuchmap
contains "$work/err" "no map named 'nosuchmap'" "no such map"
usage_error "lookup without --key" "$extbpf" map lookup "$gd" .data
usage_error "update without --value" "$extbpf" map update "$gd" .data --key 00000000
usage_error "dump with --key" "$extbpf" map dump "$gd" .data --key 00000000
usage_error "dump without a map" "$extbpf" map dump "$gd"
usage_error "an unknown action" "$extbpf" map frob "$gd"
usage_error "bad --flags" "$extbpf" map update "$gd" .data --key 00 --value 00 --flags maybe
expect 2 "a missing object" "$extbpf" map list "$work/none.o"
expect 0 "map --help" "$extbpf" map --help
contains "$work/out" "usage: extbpf map list" "map --help"

finish

#!/bin/sh
# extbpf map list|dump|lookup|update|delete on the maps of an object, hex in and out, JSON.
# usage: test_map.sh EXTBPF BUILD_DIR WORK_DIR
set -u
extbpf=$1
progs=$2/tests/progs
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

# Bad arguments: 2.
expect 2 "a key of the wrong size" "$extbpf" map lookup "$gd" .data --key 0000
contains "$work/err" "--key is 2 bytes; map '.data' needs 4" "the key size"
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

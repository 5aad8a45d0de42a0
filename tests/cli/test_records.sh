#!/bin/sh
# Ring buffer and perf event array records printed by run, link attach and xdp run: typed from
# BTF when the object has a struct NAME_record for map NAME (or the map declares its value type)
# and the record holds it, hex otherwise; -j as JSON.
# usage: test_records.sh EXTBPF BUILD_DIR WORK_DIR
set -u
extbpf=$1
build=$2
cli_progs=$2/tests/cli/progs
work=$3
. "$(dirname "$0")/lib.sh"

# struct sample_ctx: data, data_end, uid 5, flags 0, counter 10.
printf '\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\5\0\0\0\0\0\0\0\12\0\0\0\0\0\0\0' >"$work/ctx.bin"
printf 'abc' >"$work/abc.bin"

typed='ringbuf events: 20 bytes: (struct events_record){.uid = (__u32)5,.delta = (__s16)-3,'
typed="$typed.comm = (char[8])['b','p','f','c','a','t',],.tags = (__u8[3])[1,2,3,],"
typed="$typed.version = (struct){.major = (__u8)4,.minor = (__u8)5,},}"

# run: a typed record, an untyped one, one shorter than its type (both hex).
expect 0 "run" "$extbpf" run "$cli_progs/records.bpf.o" --ctx "$work/ctx.bin"
contains "$work/out" "$typed" "run: the typed record"
contains "$work/out" "ringbuf raw: 4 bytes" "run: the untyped record"
contains "$work/out" "ringbuf small: 4 bytes" "run: the record shorter than its type"
[ "$(grep -c '0000: ee ff c0 00 ' "$work/out")" -eq 2 ] || fail "run: two hex records"
lacks "$work/out" "small_record" "run: a record shorter than its type is not typed"

expect 0 "run -j" "$extbpf" run -j "$cli_progs/records.bpf.o" --ctx "$work/ctx.bin"
json_ok "run -j"
json_check "run -j: typed" "j['records'][0] == {'map': 'events', 'size': 20, 'value': \
{'uid': 5, 'delta': -3, 'comm': 'bpfcat', 'tags': [1, 2, 3], 'version': {'major': 4, 'minor': 5}}}"
json_check "run -j: hex" "j['records'][1] == {'map': 'raw', 'size': 4, \
'bytes': ['0xee', '0xff', '0xc0', '0x00']} and j['records'][2]['map'] == 'small' \
and 'value' not in j['records'][2]"

# --repeat 3: three runs, three records in each ring buffer.
expect 0 "run --repeat 3" "$extbpf" run "$cli_progs/records.bpf.o" --ctx "$work/ctx.bin" \
	--repeat 3
[ "$(grep -c 'ringbuf events: ' "$work/out")" -eq 3 ] || fail "run --repeat 3: three records"

# link attach: each fire submits; uid 0 from the hook.
expect 0 "link attach" "$extbpf" link attach "$cli_progs/records.bpf.o" --attach sample_hook \
	--fire "$work/abc.bin" --fire "$work/abc.bin"
[ "$(grep -c 'ringbuf events: 20 bytes: (struct events_record){' "$work/out")" -eq 2 ] ||
	fail "link attach: two typed records: $(cat "$work/out")"
contains "$work/out" "ringbuf raw: 4 bytes" "link attach: the untyped record"
expect 0 "link attach -j" "$extbpf" link attach -j "$cli_progs/records.bpf.o" \
	--attach sample_hook --fire "$work/abc.bin"
json_ok "link attach -j"
json_check "link attach -j" "len(j['records']) == 3 and j['records'][0]['value']['comm'] == \
'bpfcat' and j['records'][1]['bytes'] == ['0xee', '0xff', '0xc0', '0x00']"

# xdp run: one typed record per packet.
"$build/bin/xdp-pcapgen" "$work/in.pcap" --count 3 >/dev/null || fail "xdp-pcapgen"
expect 0 "xdp run" "$extbpf" xdp run "$cli_progs/xdp_records.bpf.o" --pcap "$work/in.pcap"
for seq in 1 2 3; do
	contains "$work/out" "ringbuf lengths: 8 bytes: (struct lengths_record){.len = (__u32)60,.seq = (__u32)$seq,}" \
		"xdp run: record $seq"
done
expect 0 "xdp run -j" "$extbpf" xdp run -j "$cli_progs/xdp_records.bpf.o" --pcap "$work/in.pcap"
json_ok "xdp run -j"
json_check "xdp run -j" "[r['value'] for r in j['records']] == \
[{'len': 60, 'seq': 1}, {'len': 60, 'seq': 2}, {'len': 60, 'seq': 3}]"

# Perf event arrays: records typed by the map's declared value type (pkts) or the NAME_record
# rule (lens), hex otherwise (burst), each with its ring; burst overflows its ring (70 records of
# 496 bytes per packet into 8 pages) and the losses are counted.
expect 0 "xdp run, perf" "$extbpf" xdp run "$cli_progs/xdp_perf_records.bpf.o" --pcap "$work/in.pcap"
for seq in 1 2 3; do
	contains "$work/out" "perf pkts cpu 0: 12 bytes: (struct pkt_event){.len = (__u32)60,.seq = (__u16)$seq,.proto = (__u8)6,}" \
		"xdp run, perf: record $seq"
done
[ "$(grep -c 'perf lens cpu 0: 4 bytes: (struct lens_record){.len = (__u32)60,}' "$work/out")" -eq 3 ] ||
	fail "xdp run, perf: three NAME_record records"
burst=$(grep -c 'perf burst cpu 0: 484 bytes$' "$work/out")
lost=$(sed -n 's/^perf burst cpu 0: lost \([0-9]*\) records$/\1/p' "$work/out")
[ -n "$lost" ] && [ $((burst + lost)) -eq 210 ] ||
	fail "xdp run, perf: $burst burst records and '$lost' lost should make 210"
expect 0 "xdp run -j, perf" "$extbpf" xdp run -j "$cli_progs/xdp_perf_records.bpf.o" \
	--pcap "$work/in.pcap"
json_ok "xdp run -j, perf"
json_check "xdp run -j, perf" "[r['value'] for r in j['records'] if r['map'] == 'pkts'] == \
[{'len': 60, 'seq': s, 'proto': 6, 'pad': 0} for s in (1, 2, 3)] and \
all(r['cpu'] == 0 for r in j['records']) and \
sum(r['lost'] for r in j['records'] if 'lost' in r) + \
len([r for r in j['records'] if r['map'] == 'burst' and 'bytes' in r]) == 210"

# The record-type globals are pointers: numbers in JSON.
expect 0 "map dump -j of pointers" "$extbpf" map dump -j "$cli_progs/records.bpf.o" .bss
json_check "pointers as numbers" "j == {'events_record_btf': 0, 'small_record_btf': 0}"

# An object without ring buffers prints no records (and no "records" member).
expect 0 "run -j, no ring buffer" "$extbpf" run -j "$cli_progs/globals.bpf.o" --ctx "$work/ctx.bin"
json_check "no ring buffer: no records" "'records' not in j"

[ "$failures" -eq 0 ] || exit 1
echo "all passed"

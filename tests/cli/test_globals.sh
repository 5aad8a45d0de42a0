#!/bin/sh
# Global variables dumped by name and type from BTF (run --dump-maps, link attach --dump-maps,
# map dump of .data/.bss/.rodata): ints, a struct, arrays, char arrays; -j as {name: value}.
# usage: test_globals.sh EXTBPF BUILD_DIR WORK_DIR
set -u
extbpf=$1
cli_progs=$2/tests/cli/progs
progs=$2/tests/progs
work=$3
. "$(dirname "$0")/lib.sh"

obj=$cli_progs/globals.bpf.o
# struct sample_ctx: data, data_end, uid 5, flags 0, counter 10.
printf '\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\5\0\0\0\0\0\0\0\12\0\0\0\0\0\0\0' >"$work/ctx.bin"

# The initial values, before any run.
expect 0 "map dump .data" "$extbpf" map dump "$obj" .data
contains "$work/out" "  counter = (int)5" "the int"
contains "$work/out" "  origin = (struct point){.x = (int)1,.y = (int)-2,}" "the struct"
contains "$work/out" "  label = (char[8])['s','t','a','r','t',]" "the char array"
expect 0 "map dump .rodata" "$extbpf" map dump "$obj" .rodata
contains "$work/out" "  limit = (int)42" ".rodata: the int"
contains "$work/out" "  greeting = (char[6])['h','e','l','l','o',]" ".rodata: the string"
expect 0 "map dump -j .bss" "$extbpf" map dump -j "$obj" .bss
json_ok "map dump -j .bss"
json_check "map dump -j .bss" "j == {'hist': [0, 0, 0, 0], 'last_uid': 0, 'seen': ''}"
expect 0 "map dump -j .data" "$extbpf" map dump -j "$obj" .data
json_check "map dump -j .data" "j == {'counter': 5, 'origin': {'x': 1, 'y': -2}, 'label': 'start'}"

# After a run: what the program wrote, each variable at its own offset.
expect 0 "run --dump-maps" "$extbpf" run "$obj" --ctx "$work/ctx.bin" --dump-maps
contains "$work/out" "retval 47" "counter + limit"
contains "$work/out" "  counter = (int)47" "run: the int"
contains "$work/out" "  origin = (struct point){.x = (int)1,.y = (int)-7,}" "run: the struct"
contains "$work/out" "  label = (char[8])['S','t','a','r','t',]" "run: the char array"
contains "$work/out" "  hist = (__u32[4])[0,0,9,0,]" "run: the array"
contains "$work/out" "  last_uid = (__s64)-5" "run: the signed 64-bit int"
contains "$work/out" "  seen = (char[6])['y','e','s',]" "run: the .bss char array"
lacks "$work/out" "key: 00 00 00 00" "run: no raw section bytes"
expect 0 "run -j --dump-maps" "$extbpf" run -j "$obj" --ctx "$work/ctx.bin" --dump-maps
json_ok "run -j --dump-maps"
json_check "run -j: the globals" "{m['name']: m['elements'] for m in j['maps']} == \
{'.data': {'counter': 47, 'origin': {'x': 1, 'y': -7}, 'label': 'Start'}, \
'.rodata': {'limit': 42, 'greeting': 'hello'}, \
'.bss': {'hist': [0, 0, 9, 0], 'last_uid': -5, 'seen': 'yes'}}"

# link attach --dump-maps shares the dump: the hook's uid is 0.
printf 'abc' >"$work/abc.bin"
expect 0 "link attach --dump-maps" "$extbpf" link attach "$obj" --attach sample_hook \
	--fire "$work/abc.bin" --dump-maps
contains "$work/out" "  counter = (int)47" "link: the int"
contains "$work/out" "  last_uid = (__s64)0" "link: uid 0"

# --set NAME=VALUE: the global before the load (a `const volatile` one too), as a libbpf
# tool writes skel->rodata; bad names and values are unusable input naming the option.
expect 0 "run --set" "$extbpf" run "$obj" --ctx "$work/ctx.bin" --set limit=100 \
	--set counter=0x10 --dump-maps
contains "$work/out" "retval 116" "--set: counter 16 + limit 100"
contains "$work/out" "  limit = (int)100" "--set: the .rodata variable"
expect 2 "--set of no variable" "$extbpf" run "$obj" --set nope=1
contains "$work/err" "--set nope=1: object '$obj': no global variable named 'nope'" \
	"--set: the unknown name"
expect 2 "--set of a value too wide" "$extbpf" run "$obj" --set limit=0x100000000
contains "$work/err" "--set limit=0x100000000: value '0x100000000' is not an integer that fits" \
	"--set: the value that does not fit"
expect 2 "--set without a value" "$extbpf" run "$obj" --set limit
contains "$work/err" "--set 'limit': write NAME=VALUE" "--set: the form"

# Maps that are not global data keep the element dump.
expect 0 "run --dump-maps, a hash map" "$extbpf" run "$progs/sample_count.bpf.o" \
	--data "$work/abc.bin" --ctx "$work/ctx.bin" --dump-maps
contains "$work/out" "key: 05 00 00 00  value: 01 00 00 00 00 00 00 00" "the hash map's element"

[ "$failures" -eq 0 ] || exit 1
echo "all passed"

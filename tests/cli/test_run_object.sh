#!/bin/sh
# extbpf run FILE.o: test runs through the program type (data and context in and out, repeat,
# maps after the run, JSON) and the errors of the object form.
# usage: test_run_object.sh EXTBPF BUILD_DIR WORK_DIR
set -u
extbpf=$1
progs=$2/tests/progs
cli_progs=$2/tests/cli/progs
work=$3
. "$(dirname "$0")/lib.sh"

# bytes FILE OFFSET COUNT: the bytes as "07 00 ..."
bytes() {
	od -An -tx1 -j "$2" -N "$3" "$1" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//'
}

printf 'xx foo yy' >"$work/in.bin"
# struct sample_ctx: data, data_end (set by the extension), uid 5, flags 0, counter 10.
printf '\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\5\0\0\0\0\0\0\0\12\0\0\0\0\0\0\0' >"$work/ctx.bin"

# replace_foo finds "foo", writes "BAR", sets flags to 7, adds 5 to the counter, returns 1.
expect 0 "run" "$extbpf" run "$progs/sample_replace.bpf.o" --data "$work/in.bin" \
	--ctx "$work/ctx.bin" --data-out "$work/out.bin" --ctx-out "$work/ctx-out.bin"
contains "$work/out" "section 'sample_ext' prog 'replace_foo'" "the program"
contains "$work/out" "retval 1 (0x1)" "the result"
contains "$work/out" "78 78 20 42 41 52 20 79 79" "the output data, hex"
contains "$work/out" "xx BAR yy" "the output data, characters"
contains "$work/out" "ctx out: 32 bytes" "the context"
[ "$(cat "$work/out.bin")" = "xx BAR yy" ] || fail "--data-out: $(cat "$work/out.bin")"
[ "$(bytes "$work/ctx-out.bin" 16 16)" = "05 00 00 00 07 00 00 00 0f 00 00 00 00 00 00 00" ] ||
	fail "--ctx-out: uid, flags, counter: $(bytes "$work/ctx-out.bin" 16 16)"

expect 0 "run without foo" "$extbpf" run "$progs/sample_replace.bpf.o" --data "$work/ctx.bin" \
	--mode interp --repeat 10
contains "$work/out" "retval 0 (0x0)" "no foo: 0"
contains "$work/out" "(interp)" "the mode"
contains "$work/out" "(10 runs, " "the repeat count"

# --dump-maps: the program's map updates.
expect 0 "run --dump-maps" "$extbpf" run "$progs/sample_count.bpf.o" --data "$work/in.bin" \
	--ctx "$work/ctx.bin" --repeat 3 --dump-maps
contains "$work/out" "retval 9" "count_hits returns the length"
contains "$work/out" "key: 05 00 00 00  value: 03 00 00 00 00 00 00 00" "three runs of uid 5"

expect 0 "run -j --dump-maps" "$extbpf" run -j "$progs/sample_count.bpf.o" --data "$work/in.bin" \
	--dump-maps
json_ok "run -j"
json_check "run -j result" "j['retval'] == 9 and j['name'] == 'count_hits' and j['repeat'] == 1"
json_check "run -j data" "bytes(int(b, 16) for b in j['data_out']) == b'xx foo yy'"
json_check "run -j maps" "j['maps'][0]['name'] == 'hits' and len(j['maps'][0]['elements']) == 1"

# Two programs: --section chooses; without it the choices are listed.
expect 0 "run --section" "$extbpf" run "$cli_progs/two_progs.bpf.o" --section second
contains "$work/out" "retval 2" "second alone sees flags 0"
expect 2 "run of an object with two programs" "$extbpf" run "$cli_progs/two_progs.bpf.o"
contains "$work/err" "--section sample_ext/first" "the choices"

# A native object made by `extbpf compile` runs as the object it came from.
if "$extbpf" compile "$progs/sample_replace.bpf.o" -o "$work/replace.so" >"$work/out" 2>&1; then
	expect 0 "run of a native object" "$extbpf" run "$work/replace.so" --data "$work/in.bin"
	contains "$work/out" "prog 'replace_foo' (native): retval 1" "the native run"
	contains "$work/out" "xx BAR yy" "the native run's data"
	expect 2 "verify of a native object" "$extbpf" verify "$work/replace.so"
	contains "$work/err" "made by 'extbpf compile'" "verify of a native object"
else
	fail "extbpf compile: $(cat "$work/out")"
fi

# Failures of the run itself: 1.
expect 1 "a type without test runs" "$extbpf" run "$cli_progs/no_test_run.bpf.o"
contains "$work/err" "does not support test runs" "no test-run support"
printf 'short' >"$work/short-ctx.bin"
expect 1 "a context of the wrong size" "$extbpf" run "$progs/sample_replace.bpf.o" \
	--ctx "$work/short-ctx.bin"
expect 1 "a refused program" "$extbpf" run "$progs/sample_refused.bpf.o" --section writes_uid
contains "$work/err" "refused" "the refusal"

# Bad arguments and unusable input: 2.
expect 2 "a missing --data file" "$extbpf" run "$progs/sample_replace.bpf.o" --data "$work/no.bin"
contains "$work/err" "no.bin" "the missing data file"
expect 2 "an unknown section" "$extbpf" run "$progs/sample_replace.bpf.o" --section nosuch
usage_error "--mem with an object" "$extbpf" run "$progs/sample_replace.bpf.o" --mem "$work/in.bin"
usage_error "--data with --raw" "$extbpf" run --raw "$work/in.bin" --data "$work/in.bin"
usage_error "an object and --raw" "$extbpf" run "$progs/sample_replace.bpf.o" --raw "$work/in.bin"
usage_error "--repeat 0" "$extbpf" run "$progs/sample_replace.bpf.o" --repeat 0
option_error "--data without a value" "$extbpf" run "$progs/sample_replace.bpf.o" --data
expect 0 "run --help" "$extbpf" run --help
contains "$work/out" "usage: extbpf run FILE.o" "run --help"

finish

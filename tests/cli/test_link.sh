#!/bin/sh
# extbpf link attach: attach to the sample hook, fire it, verdicts in attach order, maps,
# JSON, and the hooks and arguments that cannot work.
# usage: test_link.sh EXTBPF BUILD_DIR WORK_DIR
set -u
extbpf=$1
progs=$2/tests/progs
cli_progs=$2/tests/cli/progs
work=$3
. "$(dirname "$0")/lib.sh"

printf 'xx foo yy' >"$work/foo.bin"
printf 'nothing' >"$work/none.bin"

expect 0 "attach and fire" "$extbpf" link attach "$progs/sample_replace.bpf.o" \
	--section sample_ext --attach sample_hook --fire "$work/foo.bin" --fire "$work/none.bin"
contains "$work/out" "attached prog 'replace_foo' (section 'sample_ext') to 'sample_hook'" \
	"the attach"
contains "$work/out" "fire 1 ($work/foo.bin, 9 bytes): verdict 1, counter 5, results [1]" \
	"the first fire"
contains "$work/out" "xx BAR yy" "the data as the program left it"
contains "$work/out" "fire 2 ($work/none.bin, 7 bytes): verdict 0, counter 0, results [0]" \
	"the second fire"
contains "$work/out" "detached" "the detach"

# A native object made by `extbpf compile` attaches and runs as the object it came from.
expect 0 "compile for a link" "$extbpf" compile "$progs/sample_replace.bpf.o" -o "$work/replace.so"
expect 0 "attach and fire a native object" "$extbpf" link attach "$work/replace.so" \
	--section sample_ext --attach sample_hook --fire "$work/foo.bin" --fire "$work/none.bin"
contains "$work/out" "fire 1 ($work/foo.bin, 9 bytes): verdict 1, counter 5, results [1]" \
	"native: the first fire"
contains "$work/out" "xx BAR yy" "native: the data as the program left it"
contains "$work/out" "detached" "native: the detach"

# Two programs run in attach order on one context: the second sees the first's flags.
expect 0 "two programs" "$extbpf" link attach "$cli_progs/two_progs.bpf.o" --section first \
	--section second --attach sample_hook --fire "$work/none.bin"
contains "$work/out" "verdict 1, counter 0, results [1, 42]" "first then second"
expect 0 "two programs, the other order" "$extbpf" link attach "$cli_progs/two_progs.bpf.o" \
	--section second --section first --attach sample_hook --fire "$work/none.bin"
contains "$work/out" "verdict 2, counter 0, results [2, 1]" "second then first"

expect 0 "--uid and --dump-maps" "$extbpf" link attach "$progs/sample_count.bpf.o" \
	--section count_hits --attach sample_hook --uid 7 --fire "$work/foo.bin" \
	--fire "$work/none.bin" --dump-maps
contains "$work/out" "key: 07 00 00 00  value: 02 00 00 00 00 00 00 00" "two fires by uid 7"

expect 0 "-j" "$extbpf" link attach -j "$progs/sample_count.bpf.o" --section count_hits \
	--attach sample_hook --fire "$work/foo.bin" --dump-maps
json_ok "link -j"
json_check "link -j fires" \
	"[f['results'] for f in j['fires']] == [[9]] and j['attach'] == 'sample_hook'"
json_check "link -j maps" "len(j['maps'][0]['elements']) == 1"

expect 0 "attach without --fire" "$extbpf" link attach "$progs/sample_count.bpf.o" \
	--section count_hits --attach sample_hook
contains "$work/out" "detached" "attach and detach only"

expect 2 "an unknown hook" "$extbpf" link attach "$progs/sample_count.bpf.o" \
	--section count_hits --attach nosuchhook --fire "$work/foo.bin"
contains "$work/err" "no attach type 'nosuchhook'" "the unknown hook"
expect 2 "attach to an unknown hook" "$extbpf" link attach "$progs/sample_count.bpf.o" \
	--section count_hits --attach nosuchhook
expect 2 "an unknown program" "$extbpf" link attach "$cli_progs/two_progs.bpf.o" \
	--section first --section nosuch --attach sample_hook
expect 2 "a missing --fire file" "$extbpf" link attach "$progs/sample_count.bpf.o" \
	--section count_hits --attach sample_hook --fire "$work/no.bin"
contains "$work/err" "no.bin" "the missing file"
usage_error "no --attach" "$extbpf" link attach "$progs/sample_count.bpf.o" --section count_hits
expect 2 "no --section, several programs" "$extbpf" link attach "$cli_progs/two_progs.bpf.o" \
	--attach sample_hook
contains "$work/err" "has several programs" "no --section: the choices"
usage_error "no sub-command" "$extbpf" link
usage_error "a bad --uid" "$extbpf" link attach "$progs/sample_count.bpf.o" --section count_hits \
	--attach sample_hook --uid -1
expect 0 "link --help" "$extbpf" link --help
contains "$work/out" "usage: extbpf link attach" "link --help"

finish

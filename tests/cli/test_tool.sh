#!/bin/sh
# What a new user trips on, across verbs: --version, a mistyped option or verb (one line, with
# a "did you mean"), errors as JSON on stdout under -j, a directory given as a file, an output
# into a missing folder, exit codes, durations and progress, GPL-only helpers and licenses, xdp-pcapgen
# --help.
# usage: test_tool.sh EXTBPF BUILD_DIR WORK_DIR
set -u
extbpf=$1
build=$2
progs=$2/tests/progs
work=$3
. "$(dirname "$0")/lib.sh"

# --version: the library's version.
expect 0 "--version" "$extbpf" --version
grep -qE '^extbpf [0-9]+\.[0-9]+\.[0-9]+$' "$work/out" || fail "--version: $(cat "$work/out")"

# A mistyped option: one line naming it, a "did you mean", a pointer to --help, no usage.
for verb in "run --sectoin x" "verify --sectoin x" "xdp run --pcpa x" "ext list --jsn" \
	"compile --sectoin x" "prog show --jsno" "map dump --sectoin x" "link attach --atach x"; do
	# shellcheck disable=SC2086 # the verb and its options are words
	expect 2 "mistyped option: $verb" "$extbpf" $verb "$progs/sample_count.bpf.o"
	contains "$work/err" "did you mean" "mistyped option: $verb"
	lacks "$work/err" "usage:" "mistyped option: $verb: no whole help"
	[ "$(wc -l <"$work/err")" -le 2 ] || fail "mistyped option: $verb: $(cat "$work/err")"
done
contains "$work/err" "unknown option '--atach' (did you mean '--attach'?)" "the option named"
expect 2 "an option far from any" "$extbpf" run --zzzzzzzz "$progs/sample_count.bpf.o"
contains "$work/err" "unknown option '--zzzzzzzz'" "an unknown option"
lacks "$work/err" "did you mean" "no suggestion when nothing is close"
expect 2 "mistyped verb" "$extbpf" verfy x.o
contains "$work/err" "unknown verb 'verfy' (did you mean 'verify'?)" "mistyped verb"

# -j: errors are JSON on stdout, nothing else there.
expect 2 "-j: a missing file" "$extbpf" verify -j "$work/missing.o"
json_check "-j: the error" "'missing.o' in j['error']"
expect 2 "-j: a bad option" "$extbpf" run -j --sectoin x "$progs/sample_count.bpf.o"
json_check "-j: the option error" "'--sectoin' in j['error']"
expect 1 "-j: a refused program" "$extbpf" verify -j "$progs/sample_refused.bpf.o" \
	--section sample_ext/bad
json_ok "-j: a refused program"

# A directory where a file is expected names the problem.
mkdir -p "$work/dir"
expect 2 "verify DIR" "$extbpf" verify "$work/dir"
contains "$work/err" "is a directory" "verify DIR"
expect 2 "run --raw DIR" "$extbpf" run --raw "$work/dir"
contains "$work/err" "Is a directory" "run --raw DIR"
expect 2 "disasm DIR" "$extbpf" disasm "$work/dir"
contains "$work/err" "Is a directory" "disasm DIR"
expect 2 "asm DIR" "$extbpf" asm "$work/dir" -o "$work/x.bin"
contains "$work/err" "Is a directory" "asm DIR"

# compile -o: a missing folder or a directory is named, before the compiler runs.
expect 2 "compile -o into a missing folder" "$extbpf" compile "$progs/sample_count.bpf.o" \
	-o "$work/no/such/dir/x.so"
contains "$work/err" "the folder '$work/no/such/dir' does not exist" "compile -o missing/"
lacks "$work/err" "collect2" "compile -o missing/: not the linker's words"
expect 2 "compile -o DIR" "$extbpf" compile "$progs/sample_count.bpf.o" -o "$work/dir"
contains "$work/err" "is a directory" "compile -o DIR"

# Durations for people; progress only on a terminal (script(1) gives the run one).
printf 'xyz' >"$work/xyz.bin"
expect 0 "run --repeat 3" "$extbpf" run "$progs/sample_count.bpf.o" --repeat 3 --data "$work/xyz.bin"
grep -qE '^mean time per run: [0-9.]+ (ns|us|ms|s) \(3 runs, [0-9.]+ (ns|us|ms|s) in all\)$' \
	"$work/out" || fail "run --repeat: the durations: $(cat "$work/out")"
expect 0 "run --repeat, not a terminal" "$extbpf" run "$progs/sample_count.bpf.o" \
	--repeat 2000000 --mode interp --data "$work/xyz.bin"
lacks "$work/err" "run 1" "no progress when stderr is no terminal"
[ -s "$work/err" ] && fail "run --repeat: stderr not empty: $(head -c 200 "$work/err")"
if command -v script >/dev/null; then
	script -qec "'$extbpf' run '$progs/sample_count.bpf.o' --repeat 3000000 --mode interp \
		--data '$work/xyz.bin'" /dev/null >"$work/tty" 2>&1
	grep -q "mean time per run" "$work/tty" || fail "run on a terminal: $(head -c 300 "$work/tty")"
	# A run that lasted over a second showed progress (it starts after half a second).
	if grep -qE ' [0-9.]+ s in all' "$work/tty"; then
		grep -q ' of 3000000 (' "$work/tty" || fail "no progress on a terminal: $(cat "$work/tty")"
	else
		echo "note: the terminal run was too fast to need progress"
	fi
fi

# run --section loads the whole object: entry tail-calls stage_one, which tail-calls stage_two.
expect 0 "run --section with tail calls" "$extbpf" run "$progs/tail_call.bpf.o" --section entry \
	--data "$work/xyz.bin"
contains "$work/out" "retval 3 (0x3)" "the tail calls reached the other programs"
# link attach: --section may be left out when the object has one program.
expect 0 "link attach, one program, no --section" "$extbpf" link attach \
	"$progs/sample_count.bpf.o" --attach sample_hook --fire "$work/xyz.bin"
contains "$work/out" "attached prog 'count_hits'" "the only program attached"
expect 2 "link attach, several programs, no --section" "$extbpf" link attach \
	"$progs/tail_call.bpf.o" --attach sample_hook
contains "$work/err" "has several programs" "several programs named"
contains "$work/err" "--section sample_ext   (entry)" "the choices listed"

# --map NAME=KEY:VALUE, one syntax on run, link attach and xdp run: integers and spaced hex.
expect 0 "run --map" "$extbpf" run "$progs/hash_counter.bpf.o" --data "$work/xyz.bin" \
	--map counters=1:41
contains "$work/out" "retval 42 (0x2a)" "run --map: the program saw the seeded value"
expect 0 "run --map, hex bytes" "$extbpf" run "$progs/hash_counter.bpf.o" --data "$work/xyz.bin" \
	--map "counters=01 00 00 00:0x63"
contains "$work/out" "retval 100 (0x64)" "run --map: hex key, 0x value"
expect 0 "link attach --map" "$extbpf" link attach "$progs/hash_counter.bpf.o" \
	--attach sample_hook --map counters=1:6 --fire "$work/xyz.bin"
contains "$work/out" "results [7]" "link attach --map: the program saw the seeded value"
expect 2 "run --map, no such map" "$extbpf" run "$progs/hash_counter.bpf.o" --map nosuch=1:1
contains "$work/err" "the object has no map 'nosuch'" "run --map: the missing map"
expect 2 "run --map, value too wide" "$extbpf" run "$progs/hash_counter.bpf.o" \
	--map "counters=1:01 02"
contains "$work/err" "is 2 bytes; the map's values are 8 bytes" "run --map: the size"
expect 2 "link attach --map, bad form" "$extbpf" link attach "$progs/hash_counter.bpf.o" \
	--attach sample_hook --map counters
contains "$work/err" "expected NAME=KEY:VALUE" "link --map: the form"

# GPL-only helpers (bpf_trace_printk) are refused unless the license is GPL-compatible, as on
# Linux; no license section is no license.
cli_progs=$build/tests/cli/progs
for lic in mit none proprietary; do
	expect 1 "GPL-only helper, license $lic" "$extbpf" verify "$cli_progs/license_$lic.bpf.o"
	contains "$work/err" "helper bpf_trace_printk (6) is GPL-only" "license $lic: the helper"
	contains "$work/err" "not GPL-compatible" "license $lic: the reason"
done
contains "$work/err" "license 'Proprietary'" "the license named"
expect 0 "GPL-only helper, license Dual BSD/GPL" "$extbpf" verify "$cli_progs/license_dual.bpf.o"

# ext new: fresh GUIDs each time; a bad name or an existing folder is refused.
(cd "$work" && "$extbpf" ext new one >/dev/null && "$extbpf" ext new two >/dev/null) ||
	fail "ext new one/two"
guid_one=$(grep -h "NMR_GUID(0x" "$work/one/one_ext.h" "$work/one/one_ext.c" | sort)
guid_two=$(grep -h "NMR_GUID(0x" "$work/two/two_ext.h" "$work/two/two_ext.c" | sed 's/TWO/ONE/' | sort)
[ "$(echo "$guid_one" | wc -l)" -eq 3 ] || fail "ext new: three GUIDs: $guid_one"
[ "$guid_one" != "$guid_two" ] || fail "ext new: the same GUIDs twice"
[ "$(echo "$guid_one" | sed 's/.*NMR_GUID(//' | sort -u | wc -l)" -eq 3 ] ||
	fail "ext new: GUIDs repeat within one skeleton"
expect 2 "ext new, existing folder" sh -c "cd '$work' && '$extbpf' ext new one"
contains "$work/err" "cannot create the folder 'one'" "ext new: the existing folder"
expect 2 "ext new, bad name" "$extbpf" ext new "My-Ext"
contains "$work/err" "'My-Ext' is not a valid extension name" "ext new: the bad name"

# Exit codes as the help promises: an unclaimed section and a bad map definition are unusable
# input (2) in every verb that opens an object; a refused program is 1.
for obj in "$build/tests/cli/progs/unclaimed.bpf.o" "$progs/bad/map_no_key.bpf.o"; do
	for verb in verify "prog load" "prog show" run "map list"; do
		# shellcheck disable=SC2086 # the verb and its action are words
		expect 2 "$verb $(basename "$obj")" "$extbpf" $verb "$obj"
	done
	expect 2 "link attach $(basename "$obj")" "$extbpf" link attach "$obj" --attach sample_hook
	expect 2 "xdp run $(basename "$obj")" "$extbpf" xdp run "$obj" --pcap "$obj"
done
contains "$work/err" "key size is zero" "the bad map definition named"
expect 2 "verify, unclaimed section" "$extbpf" verify "$build/tests/cli/progs/unclaimed.bpf.o"
contains "$work/err" "no loaded extension provides program type for section prefix 'nosuchtype'" \
	"the unclaimed section named"
expect 1 "verify, a refused program" "$extbpf" verify "$progs/sample_refused.bpf.o"
option_error "disasm, mistyped option" "$extbpf" disasm --styel c "$progs/sample_count.bpf.o"
contains "$work/err" "did you mean '--style'" "disasm: did you mean"

# xdp-pcapgen --help: the usage on stdout, exit 0; a bad argument: exit 2.
expect 0 "xdp-pcapgen --help" "$build/bin/xdp-pcapgen" --help
contains "$work/out" "usage: xdp-pcapgen" "xdp-pcapgen --help"
expect 2 "xdp-pcapgen --bogus" "$build/bin/xdp-pcapgen" --bogus

finish

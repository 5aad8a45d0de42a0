#!/bin/sh
# extbpf prog show|load: the programs and maps of an object, text and JSON, exit codes.
# usage: test_prog.sh EXTBPF BUILD_DIR WORK_DIR
set -u
extbpf=$1
progs=$2/tests/progs
work=$3
. "$(dirname "$0")/lib.sh"

expect 0 "prog show" "$extbpf" prog show "$progs/sample_count.bpf.o"
contains "$work/out" "object '$progs/sample_count.bpf.o'" "show: the object"
contains "$work/out" "'count_hits': section 'sample_ext/count', type sample, 25 insns, mode none" \
	"show: the program, verified only"
contains "$work/out" "'hits': hash, key 4 bytes, value 8 bytes, max_entries 64" "show: the map"

expect 0 "prog load --mode interp" "$extbpf" prog load "$progs/sample_count.bpf.o" --mode interp
contains "$work/out" "25 insns, mode interp" "load: the mode"

# Global data: three maps, .rodata frozen (flags 0x80, BPF_F_RDONLY_PROG).
expect 0 "prog load -j" "$extbpf" prog load -j "$progs/global_data.bpf.o"
json_ok "prog load -j"
json_check "load -j programs" \
	"[(p['name'], p['type']) for p in j['programs']] == [('global_data', 'sample')]"
json_check "load -j maps" "sorted(m['name'] for m in j['maps']) == ['.bss', '.data', '.rodata']"
json_check "load -j .rodata" \
	"[m['flags'] for m in j['maps'] if m['name'] == '.rodata'] == [128]"
# Programs and maps are numbered separately, as in Linux.
json_check "load -j ids" "[p['id'] for p in j['programs']] == [1] and sorted(m['id'] for m in j['maps']) == [1, 2, 3]"

expect 0 "prog show --section" "$extbpf" prog show "$progs/sample_refused.bpf.o" --section good
contains "$work/out" "'good'" "show --section"
lacks "$work/out" "writes_uid" "show --section: only that program"

expect 1 "prog show of a refused program" "$extbpf" prog show "$progs/sample_refused.bpf.o"
contains "$work/err" "program 'writes_uid' refused" "the refusal"
expect 2 "prog load of a missing file" "$extbpf" prog load "$work/none.o"
usage_error "prog without a sub-command" "$extbpf" prog
usage_error "prog list of an object" "$extbpf" prog list "$progs/lru.bpf.o"
usage_error "prog show --mode" "$extbpf" prog show "$progs/lru.bpf.o" --mode jit
usage_error "prog load --mode turbo" "$extbpf" prog load "$progs/lru.bpf.o" --mode turbo
usage_error "prog show without a file" "$extbpf" prog show
expect 0 "prog --help" "$extbpf" prog --help
contains "$work/out" "usage: extbpf prog show" "prog --help"

finish

#!/bin/sh
# extbpf verify: verdicts per program, the refusal's diagnostic, logs, JSON, exit codes 0/1/2.
# usage: test_verify.sh EXTBPF BUILD_DIR WORK_DIR
set -u
extbpf=$1
progs=$2/tests/progs
work=$3
. "$(dirname "$0")/lib.sh"

# Accepted, with no --ext: the default extension directory is beside the tool.
expect 0 "an accepted program" "$extbpf" verify "$progs/sample_count.bpf.o"
contains "$work/out" "section 'sample_ext/count' prog 'count_hits': accepted as sample (" \
	"the summary line"

# One program refused: the other's verdict is still given, the diagnostic names everything.
expect 1 "an object with a refused program" "$extbpf" verify "$progs/sample_refused.bpf.o"
contains "$work/out" "section 'sample_ext' prog 'good': accepted" "the good program"
contains "$work/out" "section 'sample_ext/bad' prog 'writes_uid': refused" "the refused one"
contains "$work/err" "program 'writes_uid' refused" "diagnostic: the program"
contains "$work/err" "section 'sample_ext/bad'" "diagnostic: the section"
contains "$work/err" "insn 1 (*(u32 *)(r1 + 16) = r2)" "diagnostic: insn and disassembly"
contains "$work/err" "read-only" "diagnostic: the reason"
contains "$work/err" "sample_refused.bpf.c:18" "diagnostic: the source file and line"
contains "$work/err" "ctx->uid = 0;" "diagnostic: the source text"

# A "?SEC" program of a type no extension claims: the others are still verified, it is refused
# on its own line; named, it is unusable input as any unclaimed section is.
optional=$2/tests/cli/progs/optional_unclaimed.bpf.o
expect 1 "an optional program of an unclaimed type" "$extbpf" verify "$optional"
contains "$work/out" "prog 'claimed': accepted" "the claimed program is verified"
contains "$work/out" "prog 'unclaimed_twin': refused" "the optional one has its own verdict"
contains "$work/err" "section prefix 'nosuchtype'" "its refusal names the prefix"
expect 0 "--section of the claimed program" "$extbpf" verify "$optional" --section claimed
expect 2 "--section of the unclaimed one" "$extbpf" verify "$optional" --section unclaimed_twin
contains "$work/err" "section prefix 'nosuchtype'" "named: the unclaimed section"

# --section picks one program, by section or by function name.
expect 0 "--section of the good program" "$extbpf" verify "$progs/sample_refused.bpf.o" \
	--section sample_ext
lacks "$work/out" "writes_uid" "--section: the other program"
expect 1 "--section by function name" "$extbpf" verify --section writes_uid \
	"$progs/sample_refused.bpf.o"
# --type forces the program type.
expect 0 "--type sample" "$extbpf" verify "$progs/hash_counter.bpf.o" --type sample
contains "$work/out" "accepted as sample" "--type sample"

# The verifier's log: -v the path, -vv the state after each instruction.
expect 0 "-v" "$extbpf" verify -v "$progs/sample_count.bpf.o"
contains "$work/out" "0: (bf) r6 = r1" "-v: the instructions walked"
lacks "$work/out" "R1=ctx" "-v: no states"
expect 0 "-vv" "$extbpf" verify -vv "$progs/sample_count.bpf.o"
contains "$work/out" "R1=ctx" "-vv: the abstract state"
expect 1 "-v of a refusal" "$extbpf" verify -v "$progs/sample_refused.bpf.o" --section writes_uid
contains "$work/err" "1: (63) *(u32 *)(r1 + 16) = r2" "-v: the path to the refusal"

# JSON.
expect 1 "-j" "$extbpf" verify -j "$progs/sample_refused.bpf.o"
json_ok "verify -j"
json_check "verify -j verdicts" \
	"[p['accepted'] for p in j['programs']] == [True, False] and j['accepted'] is False"
json_check "verify -j error" "'read-only' in j['programs'][1]['error']"
expect 0 "-j -v" "$extbpf" verify -j -v "$progs/sample_count.bpf.o"
json_ok "verify -j -v"
json_check "verify -j -v log" "'r6 = r1' in j['programs'][0]['log']"

# --ext and EXTBPF_EXTENSION_DIR.
sample_so=$(dirname "$extbpf")/../lib/extbpf/sample.so
[ -e "$sample_so" ] || sample_so=$(dirname "$extbpf")/../lib64/extbpf/sample.so
expect 2 "no extension directory" env EXTBPF_EXTENSION_DIR="$work/none" "$extbpf" verify \
	"$progs/sample_count.bpf.o"
contains "$work/err" "sample_ext" "without extensions: the unclaimed section"
expect 0 "--ext" env EXTBPF_EXTENSION_DIR="$work/none" "$extbpf" verify \
	"$progs/sample_count.bpf.o" --ext "$sample_so"
expect 2 "a missing --ext" "$extbpf" verify "$progs/sample_count.bpf.o" --ext "$work/none.so"
contains "$work/err" "none.so" "the missing extension's name"

# Unusable input and bad arguments: 2.
expect 2 "a missing file" "$extbpf" verify "$work/none.o"
contains "$work/err" "none.o" "the missing file's name"
printf 'not an object\n' >"$work/text.o"
expect 2 "not ELF" "$extbpf" verify "$work/text.o"
contains "$work/err" "not an ELF file" "not ELF"
expect 2 "an unknown type" "$extbpf" verify "$progs/sample_count.bpf.o" --type nosuchtype
contains "$work/err" "unknown program type 'nosuchtype'" "the unknown type"
expect 2 "an unknown section" "$extbpf" verify "$progs/sample_count.bpf.o" --section nosuch
contains "$work/err" "no program in a section or function named 'nosuch'" "the unknown section"
# CO-RE: the kernel BTF --btf names (default /sys/kernel/btf/vmlinux), the extension's own BTF.
core=$(dirname "$progs")/core_relo/progs
expect 0 "an older sample context, relocated to the sample's" "$extbpf" verify \
	"$core/sample_ctx_old.bpf.o"
expect 1 "a kernel type the --btf file lacks" "$extbpf" verify "$core/core_kprobe.bpf.o" \
	--btf "$core/core_target.bpf.o"
contains "$work/err" "CO-RE relocation #0 (field byte offset of 'struct task_struct' field" \
	"--btf: the relocation named"
expect 2 "--btf of a missing file" "$extbpf" verify "$core/core_kprobe.bpf.o" --btf "$work/none"
contains "$work/err" "--btf '$work/none': No such file or directory" "--btf: the file named"
expect 1 "--btf of a file without BTF" "$extbpf" verify "$core/core_kprobe.bpf.o" \
	--btf "$extbpf"
contains "$work/err" "the ELF file has no .BTF section" "--btf: no BTF in the file"
if [ -r /sys/kernel/btf/vmlinux ]; then
	expect 0 "the running kernel's BTF" "$extbpf" verify "$core/core_kprobe.bpf.o"
fi
expect 2 "--kconfig of a missing file" "$extbpf" verify "$core/kconfig_required.bpf.o" \
	--type kprobe --kconfig "$work/none"
contains "$work/err" "--kconfig '$work/none': No such file" "--kconfig: the file"
printf 'CONFIG_OTHER=y\n' >"$work/config"
expect 1 "--kconfig without the value" "$extbpf" verify "$core/kconfig_required.bpf.o" \
	--type kprobe --kconfig "$work/config"
contains "$work/err" "'CONFIG_TEST_REQUIRED' (.kconfig): not set in the kernel configuration" \
	"--kconfig: the missing value"
# Configuration between parse and load: --map-size, --map-value-size, --attach-target.
expect 2 "a map without a size" "$extbpf" verify "$progs/configure.bpf.o" --section configured
contains "$work/err" "map 'sized': max_entries is zero (--map-size sets it)" "the map to size"
expect 0 "--map-size" "$extbpf" verify "$progs/configure.bpf.o" --section configured \
	--map-size sized=4
expect 0 "--map-value-size" "$extbpf" verify "$progs/configure.bpf.o" --section configured \
	--map-size sized=0x4 --map-value-size sized=16
expect 2 "--map-size of no map" "$extbpf" verify "$progs/configure.bpf.o" --section configured \
	--map-size nope=4
contains "$work/err" "--map-size nope=4: object '$progs/configure.bpf.o': no map named 'nope'" \
	"--map-size: the unknown map"
expect 2 "--map-size not a number" "$extbpf" verify "$progs/configure.bpf.o" --section configured \
	--map-size sized=four
contains "$work/err" "--map-size sized=four: 'four' is not a number of 32 bits" \
	"--map-size: the bad number"
expect 2 "--map-value-size of global data" "$extbpf" verify "$progs/configure.bpf.o" --section configured \
	--map-value-size .rodata=8
contains "$work/err" "map '.rodata' holds the section's global data" \
	"--map-value-size: global data"
expect 2 "--map-size without =" "$extbpf" verify "$progs/configure.bpf.o" --map-size sized
contains "$work/err" "--map-size 'sized': write MAP=N" "--map-size: the form"
expect 2 "--attach-target of no program" "$extbpf" verify "$progs/configure.bpf.o" --section configured \
	--attach-target nope=do_unlinkat
contains "$work/err" "--attach-target nope=do_unlinkat: object" "--attach-target: the option"
contains "$work/err" "no program or section named 'nope'" "--attach-target: the unknown program"
expect 1 "--attach-target of a type attached through no BTF" "$extbpf" verify \
	"$progs/configure.bpf.o" --section configured --map-size sized=4 \
	--attach-target configured=do_unlinkat
contains "$work/err" "program type 'sample' attaches nothing through BTF" \
	"--attach-target: not a BTF-attached type"
# --attach-target PROG=OBJ:FUNC: fentry/fexit on a BPF program's function (xdpdump's shape),
# typed by OBJ's BTF; its xdp_buff is the kernel's (CO-RE: the kernel's BTF is needed).
linux=$2/tests/linux/progs
if [ -r /sys/kernel/btf/vmlinux ] && [ -f "$linux/prog_target.bpf.o" ]; then
	target=$linux/prog_target.bpf.o:xdp_target
	expect 1 "fentry on a BPF program without its target" "$extbpf" verify \
		"$linux/prog_target.bpf.o" --section trace_entry
	expect 0 "--attach-target PROG=OBJ:FUNC" "$extbpf" verify "$linux/prog_target.bpf.o" \
		--attach-target "trace_entry=$target" --attach-target "trace_exit=$target"
	contains "$work/out" "prog 'trace_exit': accepted as tracing" "OBJ:FUNC: the fexit program"
	expect 2 "--attach-target OBJ:FUNC of no program" "$extbpf" verify \
		"$linux/prog_target.bpf.o" --section trace_entry \
		--attach-target "trace_entry=$linux/prog_target.bpf.o:nope"
	contains "$work/err" "the target object: object '$linux/prog_target.bpf.o': no program or section named 'nope'" \
		"OBJ:FUNC: the unknown program"
	expect 2 "--attach-target OBJ:FUNC of no object" "$extbpf" verify \
		"$linux/prog_target.bpf.o" --section trace_entry \
		--attach-target "trace_entry=$work/none.o:xdp_target"
	contains "$work/err" "the target object: object '$work/none.o'" "OBJ:FUNC: the missing object"
	expect 1 "a tracer writing the program's xdp_buff" "$extbpf" verify \
		"$linux/bad/prog_target.bpf.o" --section store_field \
		--attach-target "store_field=$target"
	contains "$work/err" "(pointer to kernel type 'xdp_buff') prohibited" "OBJ:FUNC: the store"
else
	echo "skipped: --attach-target OBJ:FUNC (no /sys/kernel/btf/vmlinux or no linux test objects)"
fi
# iproute2's tail-call sections ID/IDX (ids in hex and octal too) take the type of the
# object's classifier, as tc loads them: no --type needed, none refused as unclaimed.
hex=$progs/formats/tc_tail_hex.bpf.o
expect 0 "tail-call sections typed by the classifier" "$extbpf" verify "$hex"
contains "$work/out" "section '0x2a/0' prog 'hex_tail': accepted as sched_cls" "the hex id"
contains "$work/out" "section '052/01' prog 'octal_tail': accepted as sched_cls" "the octal id"
expect 0 "--section of a tail-call section" "$extbpf" verify "$hex" --section 0x2a/0
contains "$work/out" "prog 'hex_tail': accepted as sched_cls" "--section 0x2a/0"
option_error "--btf without a value" "$extbpf" verify "$progs/sample_count.bpf.o" --btf
usage_error "no file" "$extbpf" verify
usage_error "two files" "$extbpf" verify "$progs/sample_count.bpf.o" "$progs/lru.bpf.o"
option_error "an unknown option" "$extbpf" verify --frobnicate "$progs/sample_count.bpf.o"
option_error "--section without a value" "$extbpf" verify "$progs/sample_count.bpf.o" --section
expect 0 "--help" "$extbpf" verify --help
contains "$work/out" "usage: extbpf verify" "verify --help"
contains "$work/out" "Exit codes" "verify --help: exit codes"

finish

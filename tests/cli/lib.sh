# Shared by the CLI test scripts: run a command, check its exit code, output and JSON.
# The caller sets $work (a scratch directory) before sourcing; the functions count failures.
failures=0

rm -rf "$work"
mkdir -p "$work"
# The tool must find the extensions beside it, whatever the caller's environment says.
unset EXTBPF_EXTENSION_DIR

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# expect CODE DESCRIPTION COMMAND...: runs the command, output in $work/out and $work/err.
expect() {
	want=$1
	what=$2
	shift 2
	"$@" >"$work/out" 2>"$work/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		fail "$what: exit $got, want $want"
		sed 's/^/  | /' "$work/err" | head -20
	fi
}

# contains FILE TEXT DESCRIPTION
contains() {
	grep -qF -- "$2" "$1" || fail "$3: '$2' not in $(basename "$1"): $(head -c 400 "$1")"
}

# matches FILE EXTENDED_REGEX DESCRIPTION
matches() {
	grep -qE -- "$2" "$1" || fail "$3: /$2/ not in $(basename "$1"): $(head -c 400 "$1")"
}

# lacks FILE TEXT DESCRIPTION
lacks() {
	if grep -qF -- "$2" "$1"; then
		fail "$3: '$2' unexpectedly in $(basename "$1")"
	fi
}

# json_ok DESCRIPTION: $work/out is valid JSON.
json_ok() {
	python3 -m json.tool "$work/out" >/dev/null 2>"$work/json_err" ||
		fail "$1: invalid JSON: $(head -c 300 "$work/json_err") in $(head -c 300 "$work/out")"
}

# json_check DESCRIPTION PYTHON-EXPRESSION: the expression over `j` (the parsed $work/out) holds.
json_check() {
	python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" \
		"$work/out" 2>/dev/null || fail "$1: not true: $2 in $(head -c 300 "$work/out")"
}

# usage_error DESCRIPTION COMMAND...: exit 2 with the verb's usage line on stderr.
usage_error() {
	what=$1
	shift
	expect 2 "$what" "$@"
	contains "$work/err" "usage: extbpf" "$what: the usage"
}

# option_error DESCRIPTION COMMAND...: exit 2, one line naming the bad option and a pointer to
# the verb's --help on stderr, not the whole usage.
option_error() {
	what=$1
	shift
	expect 2 "$what" "$@"
	contains "$work/err" "--help' lists the options" "$what: the pointer to --help"
	lacks "$work/err" "usage: extbpf" "$what: no whole usage"
}

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures check(s) failed"
		exit 1
	fi
	echo "all checks passed"
}

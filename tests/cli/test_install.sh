#!/bin/sh
# The installation as a newcomer uses it: cmake --install into a temporary prefix, then
# - the files are there (library, headers, extensions, tool, man page, pkg-config file);
# - examples/host builds with `cc host.c $(pkg-config --cflags --libs extbpf)` and filters;
# - the installed `extbpf verify` finds the installed extensions with no --ext.
# usage: test_install.sh BUILD_DIR SOURCE_DIR LIBDIR WORK_DIR [CC_FLAGS]
set -u
build=$1
src=$2
libdir=$3
work=$4
cc_flags=${5:-}
. "$(dirname "$0")/lib.sh"

prefix=$work/prefix
if ! cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1; then
	fail "cmake --install: $(tail -5 "$work/install.log")"
	finish
fi

for f in bin/extbpf "$libdir/libextbpf.so" include/extbpf/extbpf.h include/extbpf/extension.h \
	include/extbpf/nmr.h "$libdir/extbpf/sample.so" share/man/man1/extbpf.1 \
	"$libdir/pkgconfig/extbpf.pc"; do
	[ -e "$prefix/$f" ] || fail "not installed: $f"
done

# pkg-config, as a host's build uses it.
export PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig"
expect 0 "pkg-config" pkg-config --cflags --libs extbpf
contains "$work/out" "-I$prefix/include" "pkg-config: the include directory"
contains "$work/out" "-lextbpf" "pkg-config: the library"
pkg-config --modversion extbpf >/dev/null || fail "pkg-config --modversion"

# The embedding example, built against the installation only.
# shellcheck disable=SC2046,SC2086 # word splitting of the flags is wanted
if ! cc $cc_flags -o "$work/line-filter" "$src/examples/host/host.c" \
	$(pkg-config --cflags --libs extbpf) >"$work/cc.log" 2>&1; then
	fail "cc host.c \$(pkg-config ...): $(head -c 600 "$work/cc.log")"
else
	printf 'GET /a\n# a comment\nAUTH password=x\nGET /b\n' >"$work/requests.txt"
	LD_LIBRARY_PATH="$prefix/$libdir" "$work/line-filter" \
		"$build/examples/host/filter.bpf.o" <"$work/requests.txt" >"$work/out" 2>"$work/err"
	[ $? -eq 0 ] || fail "line-filter: exit $?: $(cat "$work/err")"
	[ "$(cat "$work/out")" = "$(printf 'GET /a\nGET /b')" ] ||
		fail "line-filter output: $(cat "$work/out")"
	contains "$work/err" "line-filter: 2 passed, 2 dropped" "line-filter: the filter's map"
fi

# The installed tool finds the installed extensions (<bindir>/../<libdir>/extbpf).
unset EXTBPF_EXTENSION_DIR
expect 0 "installed extbpf verify" "$prefix/bin/extbpf" verify \
	"$build/tests/progs/sample_count.bpf.o"
contains "$work/out" "prog 'count_hits': accepted as sample" "installed verify"
expect 0 "installed extbpf ext list" "$prefix/bin/extbpf" ext list -j
json_check "installed extensions" \
	"all(e['path'].startswith('$prefix/') for e in j['extensions']) and len(j['extensions']) > 0"

finish

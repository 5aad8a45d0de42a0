#!/bin/sh
# extbpf-libbpf as a porting host uses it: cmake --install into a temporary prefix, then
# - the library, its headers (<bpf/libbpf.h>, <bpf/bpf.h>, <bpf/libbpf_common.h>) and its
#   pkg-config file are there;
# - host.c builds with `cc host.c $(pkg-config --cflags --libs extbpf-libbpf)`, unchanged,
#   and prints what it prints against the build tree;
# - the installed `extbpf gen skeleton` writes a header host_skel.c builds against the same way.
# usage: test_compat_install.sh BUILD_DIR SOURCE_DIR LIBDIR OBJECT WORK_DIR [CC_FLAGS]
set -u
build=$1
src=$2
libdir=$3
object=$4
work=$5
cc_flags=${6:-}
here=$src/tests/libbpf_compat
prefix=$work/prefix
status=0
fail() { echo "FAIL: $*"; status=1; }

rm -rf "$work"
mkdir -p "$work"
if ! cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1; then
	fail "cmake --install: $(tail -5 "$work/install.log")"
	echo "0 passed, 1 failed"
	exit 1
fi
for f in "$libdir/libextbpf-libbpf.so" "$libdir/pkgconfig/extbpf-libbpf.pc" \
	include/extbpf/libbpf/bpf/libbpf.h include/extbpf/libbpf/bpf/bpf.h \
	include/extbpf/libbpf/bpf/libbpf_common.h; do
	[ -e "$prefix/$f" ] || fail "not installed: $f"
done

export PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig"
flags=$(pkg-config --cflags --libs extbpf-libbpf) || fail "pkg-config extbpf-libbpf"
case "$flags" in
*"-I$prefix/include/extbpf/libbpf"*) ;;
*) fail "pkg-config --cflags: no -I$prefix/include/extbpf/libbpf in '$flags'" ;;
esac
case "$flags" in
*-lextbpf-libbpf*) ;;
*) fail "pkg-config --libs: no -lextbpf-libbpf in '$flags'" ;;
esac

# shellcheck disable=SC2086 # word splitting of the flags is wanted
if ! cc $cc_flags -Wall -Wextra -Werror -o "$work/host" "$here/host.c" $flags \
	>"$work/cc.log" 2>&1; then
	fail "cc host.c \$(pkg-config extbpf-libbpf): $(head -c 800 "$work/cc.log")"
elif ! LD_LIBRARY_PATH="$prefix/$libdir" "$work/host" "$object" >"$work/host.out" \
	2>"$work/host.err"; then
	fail "host: $(cat "$work/host.err")"
elif ! diff -u "$here/expected_host.txt" "$work/host.out"; then
	fail "host output differs"
fi

if ! "$prefix/bin/extbpf" gen skeleton "$object" >"$work/compat_xdp.skel.h" 2>"$work/gen.err"; then
	fail "extbpf gen skeleton: $(cat "$work/gen.err")"
# shellcheck disable=SC2086
elif ! cc $cc_flags -Wall -Wextra -Werror -I"$work" -o "$work/host_skel" "$here/host_skel.c" \
	$flags >"$work/cc_skel.log" 2>&1; then
	fail "cc host_skel.c: $(head -c 800 "$work/cc_skel.log")"
elif ! LD_LIBRARY_PATH="$prefix/$libdir" "$work/host_skel" >"$work/skel.out" \
	2>"$work/skel.err"; then
	fail "host_skel: $(cat "$work/skel.err")"
elif ! diff -u "$here/expected_skel.txt" "$work/skel.out"; then
	fail "host_skel output differs"
fi
if [ $status -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $status

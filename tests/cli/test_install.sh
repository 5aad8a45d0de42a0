#!/bin/sh
# The installation as a newcomer uses it: cmake --install into a temporary prefix, then
# - the files are there (libraries shared and static, headers of the runtime and of the
#   extensions, extensions, tool, man page, pkg-config file, CMake package);
# - examples/host builds with `cc host.c $(pkg-config --cflags --libs extbpf)` and filters;
# - a host living outside the prefix finds the installed extensions from where the library is
#   (ebpf_extension_load_dir(NULL)), built with pkg-config and with find_package(extbpf), shared
#   and static;
# - the installed `extbpf verify` finds the installed extensions with no --ext, and
#   `extbpf --version` agrees with ebpf_version() and pkg-config;
# - `extbpf ext new NAME` writes a skeleton that builds against the installation (warning-free)
#   and whose tests pass.
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
	include/extbpf/nmr.h include/extbpf/sample_ext.h include/extbpf/packet_ext.h \
	"$libdir/libextbpf.a" "$libdir/libextbpf_ext_sample.a" "$libdir/libextbpf_ext_packet.a" \
	"$libdir/extbpf/sample.so" share/man/man1/extbpf.1 "$libdir/pkgconfig/extbpf.pc" \
	"$libdir/cmake/extbpf/extbpfConfig.cmake" "$libdir/cmake/extbpf/extbpfConfigVersion.cmake"; do
	[ -e "$prefix/$f" ] || fail "not installed: $f"
done

# pkg-config, as a host's build uses it.
export PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig"
expect 0 "pkg-config" pkg-config --cflags --libs extbpf
contains "$work/out" "-I$prefix/include" "pkg-config: the include directory"
contains "$work/out" "-lextbpf" "pkg-config: the library"
version=$(pkg-config --modversion extbpf) || fail "pkg-config --modversion"
expect 0 "pkg-config extensiondir" pkg-config --variable=extensiondir extbpf
[ "$(cat "$work/out")" = "$prefix/$libdir/extbpf" ] ||
	fail "pkg-config extensiondir: $(cat "$work/out"), want $prefix/$libdir/extbpf"

# where.c, run from outside the prefix: the extensions are found beside the library.
# check_where DESCRIPTION: $work/out is where.c's output of a successful run.
check_where() {
	contains "$work/out" "version $version" "$1: ebpf_version()"
	contains "$work/out" "load 0 " "$1: the extensions load"
	contains "$work/out" "sample found" "$1: the sample program type"
}
mkdir -p "$work/elsewhere"
# shellcheck disable=SC2046,SC2086 # word splitting of the flags is wanted
if ! cc $cc_flags -o "$work/elsewhere/where" "$src/tests/cli/install/where.c" \
	$(pkg-config --cflags --libs extbpf) >"$work/cc.log" 2>&1; then
	fail "cc where.c \$(pkg-config ...): $(head -c 600 "$work/cc.log")"
else
	expect 0 "where (pkg-config)" env LD_LIBRARY_PATH="$prefix/$libdir" "$work/elsewhere/where"
	check_where "where (pkg-config)"
	contains "$work/out" "dir $prefix/$libdir/extbpf" "where: the default directory"
fi

# The CMake package: shared and static hosts from find_package(extbpf).
if ! cmake -S "$src/tests/cli/install" -B "$work/pkg" -DCMAKE_PREFIX_PATH="$prefix" \
	-DCMAKE_C_FLAGS="$cc_flags" >"$work/pkg.log" 2>&1 ||
	! cmake --build "$work/pkg" >>"$work/pkg.log" 2>&1; then
	fail "find_package(extbpf): $(tail -c 800 "$work/pkg.log")"
else
	[ "$(cat "$work/pkg/extension_dir.txt")" = "$prefix/$libdir/extbpf" ] ||
		fail "EXTBPF_EXTENSION_DIR: $(cat "$work/pkg/extension_dir.txt")"
	expect 0 "where_shared (CMake)" env LD_LIBRARY_PATH="$prefix/$libdir" "$work/pkg/where_shared"
	check_where "where_shared (CMake)"
	expect 0 "where_static (CMake)" "$work/pkg/where_static"
	check_where "where_static (CMake)"
	ldd "$work/pkg/where_static" | grep -q libextbpf && fail "where_static links libextbpf.so"
fi

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
# extbpf ext new: the skeleton builds against the installation and its tests pass.
rm -rf "$work/newext"
mkdir -p "$work/newext"
if ! (cd "$work/newext" && "$prefix/bin/extbpf" ext new myfilter) >"$work/new.log" 2>&1; then
	fail "ext new: $(cat "$work/new.log")"
elif ! cmake -S "$work/newext/myfilter" -B "$work/newext/build" -DCMAKE_PREFIX_PATH="$prefix" \
	-DCMAKE_C_FLAGS="-Wall -Wextra -Werror $cc_flags" >"$work/new.log" 2>&1 ||
	! cmake --build "$work/newext/build" >>"$work/new.log" 2>&1; then
	fail "ext new: the skeleton does not build: $(tail -c 800 "$work/new.log")"
elif ! ctest --test-dir "$work/newext/build" >"$work/new.log" 2>&1; then
	fail "ext new: the skeleton's tests: $(tail -c 800 "$work/new.log")"
else
	grep -q "100% tests passed, 0 tests failed out of 2" "$work/new.log" ||
		fail "ext new: $(cat "$work/new.log")"
	expect 0 "the new extension listed" "$prefix/bin/extbpf" ext list -j \
		--ext "$work/newext/build/myfilter.so"
	json_check "ext new: type and hook" \
		"'myfilter' in [t['name'] for t in j['program_types']] and 'myfilter_hook' in [a['name'] for a in j['attach_types']]"
fi

expect 0 "installed extbpf --version" "$prefix/bin/extbpf" --version
contains "$work/out" "extbpf $version" "extbpf --version"

finish

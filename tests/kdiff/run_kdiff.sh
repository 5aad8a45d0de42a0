#!/bin/sh
# run_kdiff.sh KDIFF BUILD_DIR EXPLAINED: extbpf-kdiff over every BPF object of the build.
set -u
kdiff=$1 build=$2 explained=$3
objects=$(find "$build/tests" "$build/bench" "$build/examples" -name '*.o' -path '*progs*' \
	2>/dev/null | sort)
objects="$objects $(find "$build/examples" -name '*.bpf.o' 2>/dev/null | sort)"
if [ -z "$(echo $objects | tr -d ' ')" ]; then
	echo "run_kdiff.sh: no BPF objects under $build (build the test programs first)" >&2
	exit 1
fi
exec "$kdiff" --explained "$explained" $objects

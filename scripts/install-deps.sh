#!/usr/bin/env bash
# The one place that installs what extbpf needs to build, test and run its demo on Debian 12.
# Used by `make demo`, `make check` and .ci/run. Installs only what is missing.
set -euo pipefail

packages=(
	build-essential cmake pkg-config clang llvm lld
	libelf-dev zlib1g-dev liburcu-dev libpcap-dev libcmocka-dev libbpf-dev libcapstone-dev
	libclang-rt-14-dev
	iproute2 libxdp1 xdp-tools libbpf-tools
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

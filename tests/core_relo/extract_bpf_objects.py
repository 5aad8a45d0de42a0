#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Extracts the BPF ELF objects that programs embed (libbpf skeletons: the object's bytes in
.rodata) into OUTDIR as <binary>.<n>.bpf.o. An embedded image is an ELF64 little-endian header
whose e_machine is EM_BPF (247); its size is where its section header table ends.

usage: extract_bpf_objects.py OUTDIR BINARY...
Prints one line per object written."""
import os
import struct
import sys

EM_BPF = 247


def images(data):
    start = data.find(b"\x7fELF", 1)
    while start >= 0:
        hdr = data[start:start + 64]
        if len(hdr) == 64 and hdr[4] == 2 and hdr[5] == 1:  # ELFCLASS64, little endian
            machine = struct.unpack_from("<H", hdr, 18)[0]
            shoff = struct.unpack_from("<Q", hdr, 40)[0]
            shentsize, shnum = struct.unpack_from("<HH", hdr, 58)
            end = shoff + shentsize * shnum
            if machine == EM_BPF and shentsize == 64 and 64 <= end <= len(data) - start:
                yield data[start:start + end]
        start = data.find(b"\x7fELF", start + 1)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            data = f.read()
        for n, image in enumerate(images(data)):
            out = os.path.join(outdir, "%s.%d.bpf.o" % (os.path.basename(path), n))
            with open(out, "wb") as f:
                f.write(image)
            print(out)


if __name__ == "__main__":
    main()

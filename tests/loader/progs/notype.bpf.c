// SPDX-License-Identifier: GPL-2.0
/*
 * Programs named by GLOBAL NOTYPE symbols without a size, as old clang emitted them: each runs
 * to the next global symbol of its section, or the section's end. Written in assembly because
 * clang now types and sizes every function.
 */
asm(".pushsection \"sample_ext/notype\", \"ax\", @progbits\n"
    ".globl notype_first\n"
    "notype_first:\n"
    "	r0 = 7\n"
    "	exit\n"
    ".globl notype_second\n"
    "notype_second:\n"
    "	r1 = 1\n"
    "	r0 = r1\n"
    "	exit\n"
    ".popsection\n");

char LICENSE[] __attribute__((section("license"), used)) = "GPL";

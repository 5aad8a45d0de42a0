/* SPDX-License-Identifier: MIT */
/*
 * The contract between the line-filter host (host.c) and the programs it runs (filter.bpf.c):
 * the context layout and the helper id. Plain C types whose sizes agree between the host and
 * BPF; data and data_end are pointers stored as 64-bit integers, as in the sample extension.
 */
#ifndef LINE_FILTER_H
#define LINE_FILTER_H

/* A program of type "line_filter" (section "line_filter") sees one line of input. */
struct line_ctx {
	unsigned long long data;     /* first byte of the line, without its newline */
	unsigned long long data_end; /* one past its last byte */
	unsigned int line_no;	     /* 1 for the first line */
	unsigned int length;	     /* data_end - data */
};

/* The host's own helper: the first helper id a program type may use. */
#define LINE_HELPER_CONTAINS 65536

/* Verdicts: a line is printed only when every attached program returns LINE_PASS. */
#define LINE_DROP 0
#define LINE_PASS 1

#ifdef __bpf__
/* 1 when needle[0..size) occurs in the line, else 0. */
static long (*line_contains)(struct line_ctx *ctx, const void *needle,
			     unsigned int size) = (void *)LINE_HELPER_CONTAINS;
#endif

#endif /* LINE_FILTER_H */

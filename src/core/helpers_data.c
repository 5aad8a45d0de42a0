/* SPDX-License-Identifier: MIT */
/*
 * Helpers computing over bytes the program passes (the verifier proved they are readable for
 * the sizes given): checksum differences, number parsing, string comparison. Each follows its
 * Linux implementation, including the edge cases programs may depend on.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "core/helpers.h"

static const void *reg_cptr(uint64_t reg)
{
	return (const void *)(uintptr_t)reg;
}

static uint64_t reg_err(int err)
{
	return (uint64_t)(int64_t)err;
}

/* ---- bpf_csum_diff ----------------------------------------------------------------------- */

/* Linux (up to 6.12) diffs through a per-CPU scratch area of MAX_BPF_STACK bytes. */
#define CSUM_DIFF_MAX 512u

static uint32_t load_word(const unsigned char *p)
{
	uint32_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/*
 * The 32-bit one's-complement sum of seed, the complement of every 32-bit word of `from` and
 * every word of `to`, in memory order as csum_partial() reads them: the partial checksum a
 * program folds to 16 bits and adds to a packet's checksum when `from` is replaced by `to`.
 */
uint64_t core_helper_csum_diff(uint64_t from, uint64_t from_size, uint64_t to, uint64_t to_size,
			       uint64_t seed)
{
	const unsigned char *f = reg_cptr(from), *t = reg_cptr(to);
	uint32_t fsize = (uint32_t)from_size, tsize = (uint32_t)to_size;
	uint64_t sum = (uint32_t)seed;

	if ((fsize | tsize) % 4 || (uint64_t)fsize + tsize > CSUM_DIFF_MAX)
		return reg_err(-EINVAL);

	for (uint32_t i = 0; i < fsize; i += 4)
		sum += (uint32_t)~load_word(f + i);
	for (uint32_t i = 0; i < tsize; i += 4)
		sum += load_word(t + i);
	while (sum >> 32)
		sum = (sum & 0xffffffffu) + (sum >> 32);
	return sum;
}

/* ---- bpf_strtol / bpf_strtoul ------------------------------------------------------------ */

#define STRTOX_BASE_MASK 0x1full
/* Linux parses a copy of at most 63 characters following the sign. */
#define STRTOX_MAX_CHARS 63

/* Linux's isspace(): the C locale's white space plus the no-break space of Latin-1. */
static bool kernel_isspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

/* The value of a hexadecimal digit, or 16 for anything else. */
static unsigned int digit_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return 16;
}

/* Base 0 means C's rules: "0x" followed by a hex digit is hexadecimal, "0" octal. */
static const char *fixup_radix(const char *s, unsigned int *base)
{
	if (*base == 0) {
		if (s[0] != '0')
			*base = 10;
		else if ((s[1] | 0x20) == 'x' && digit_value((unsigned char)s[2]) < 16)
			*base = 16;
		else
			*base = 8;
	}
	if (*base == 16 && s[0] == '0' && (s[1] | 0x20) == 'x')
		s += 2;
	return s;
}

/*
 * Linux's __bpf_strtoull: optional white space, an optional '-', then digits of the base in the
 * low bits of flags. Returns the number of characters consumed (white space and sign included)
 * or -EINVAL (bad flags, nothing to parse) or -ERANGE (more than 64 bits).
 */
static int parse_u64(const char *buf, size_t buf_len, uint64_t flags, uint64_t *res, bool *negative)
{
	unsigned int base = flags & STRTOX_BASE_MASK;
	char str[STRTOX_MAX_CHARS + 1];
	bool overflow = false;
	uint64_t val = 0;
	size_t pos = 0, len;
	const char *s;

	if (!buf || !buf_len)
		return -EINVAL;
	if ((base != 0 && base != 8 && base != 10 && base != 16) || (flags & ~STRTOX_BASE_MASK))
		return -EINVAL;

	while (pos < buf_len && kernel_isspace((unsigned char)buf[pos]))
		pos++;
	*negative = pos < buf_len && buf[pos] == '-';
	if (*negative)
		pos++;
	if (pos == buf_len)
		return -EINVAL;

	/* A NUL-terminated copy: the buffer need not be terminated. */
	len = buf_len - pos < STRTOX_MAX_CHARS ? buf_len - pos : STRTOX_MAX_CHARS;
	memcpy(str, buf + pos, len);
	str[len] = '\0';

	s = fixup_radix(str, &base);
	for (const char *d = s;; d++) {
		unsigned int digit = digit_value((unsigned char)*d);

		if (digit >= base) {
			if (d == s)
				return -EINVAL;
			if (overflow)
				return -ERANGE;
			*res = val;
			return (int)(pos + (size_t)(d - str));
		}
		/* Linux keeps parsing after an overflow, then fails. */
		if (val > (UINT64_MAX - digit) / base)
			overflow = true;
		val = val * base + digit;
	}
}

static void store_long(uint64_t reg, uint64_t value)
{
	memcpy((void *)(uintptr_t)reg, &value, sizeof(value));
}

/* Linux writes 0 to *res first, so a failed call leaves 0 there. */
uint64_t core_helper_strtol(uint64_t buf, uint64_t buf_len, uint64_t flags, uint64_t res,
			    uint64_t r5)
{
	uint64_t val;
	bool negative;
	int n;

	store_long(res, 0);
	n = parse_u64(reg_cptr(buf), buf_len, flags, &val, &negative);
	if (n < 0)
		return reg_err(n);
	if (negative ? val > (uint64_t)INT64_MAX + 1 : val > (uint64_t)INT64_MAX)
		return reg_err(-ERANGE);
	store_long(res, negative ? 0 - val : val);
	return (uint64_t)n;
}

uint64_t core_helper_strtoul(uint64_t buf, uint64_t buf_len, uint64_t flags, uint64_t res,
			     uint64_t r5)
{
	uint64_t val;
	bool negative;
	int n;

	store_long(res, 0);
	n = parse_u64(reg_cptr(buf), buf_len, flags, &val, &negative);
	if (n < 0)
		return reg_err(n);
	if (negative)
		return reg_err(-EINVAL);
	store_long(res, val);
	return (uint64_t)n;
}

/* ---- bpf_strncmp ------------------------------------------------------------------------- */

/* Linux's strncmp(s1, s2, s1_size): -1, 0 or 1, comparing bytes as unsigned. */
uint64_t core_helper_strncmp(uint64_t s1, uint64_t s1_size, uint64_t s2, uint64_t r4, uint64_t r5)
{
	const unsigned char *a = reg_cptr(s1), *b = reg_cptr(s2);

	for (uint32_t i = 0; i < (uint32_t)s1_size; i++) {
		if (a[i] != b[i])
			return reg_err(a[i] < b[i] ? -1 : 1);
		if (!a[i])
			break;
	}
	return 0;
}

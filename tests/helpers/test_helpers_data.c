/* SPDX-License-Identifier: MIT */
/* bpf_csum_diff, bpf_strtol, bpf_strtoul and bpf_strncmp on real buffers. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers_test.h"

/* ---- csum_diff --------------------------------------------------------------------------- */

/* RFC 1071: the 16-bit one's-complement sum of 16-bit words, end-around carry. */
static uint16_t rfc1071_add(uint16_t sum, uint16_t word)
{
	uint32_t s = (uint32_t)sum + word;

	return (uint16_t)((s & 0xffff) + (s >> 16));
}

static uint16_t rfc1071_sum(uint16_t sum, const void *data, size_t len, bool complement)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i += 2) {
		uint16_t word;

		memcpy(&word, p + i, sizeof(word));
		sum = rfc1071_add(sum, complement ? (uint16_t)~word : word);
	}
	return sum;
}

/* The 16-bit sum a 32-bit one's-complement sum stands for. */
static uint16_t fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static int64_t csum_diff(const void *from, uint32_t from_size, const void *to, uint32_t to_size,
			 uint32_t seed)
{
	return (int64_t)CALL5(CORE_HELPER_CSUM_DIFF, PTR(from), from_size, PTR(to), to_size, seed);
}

/* A deterministic byte stream for the buffers (no libc state). */
static uint32_t next_random(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

/* Sum of seed, ~from and to, for every size up to the limit, against RFC 1071. */
static void test_csum_diff_matches_rfc1071(void **state)
{
	unsigned char from[512], to[512];
	uint32_t rnd = 1;

	for (uint32_t from_size = 0; from_size <= 256; from_size += 4) {
		for (uint32_t to_size = 0; to_size <= 256; to_size += 4) {
			uint32_t seed = next_random(&rnd) * 2654435761u;
			uint16_t expect;
			int64_t r0;

			for (size_t i = 0; i < sizeof(from); i++) {
				from[i] = (unsigned char)next_random(&rnd);
				to[i] = (unsigned char)next_random(&rnd);
			}
			r0 = csum_diff(from_size ? from : NULL, from_size, to_size ? to : NULL,
				       to_size, seed);
			assert_true(r0 >= 0 && r0 <= UINT32_MAX);

			expect = rfc1071_sum(0, &seed, sizeof(seed), false);
			expect = rfc1071_sum(expect, from, from_size, true);
			expect = rfc1071_sum(expect, to, to_size, false);
			assert_int_equal(fold((uint32_t)r0), expect);
		}
	}
}

/* The way programs use it: patch 4 bytes of a header and its checksum stays valid. */
static void test_csum_diff_updates_a_checksum(void **state)
{
	unsigned char header[20] = { 0x45, 0x00, 0x00, 0x54, 0x12, 0x34, 0x40, 0x00, 0x40, 0x01,
				     0x00, 0x00, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02 };
	uint32_t new_addr = 0x0302a8c0; /* 192.168.2.3 in memory order */
	uint16_t check, patched, expect;
	int64_t diff;

	check = (uint16_t)~rfc1071_sum(0, header, sizeof(header), false);
	memcpy(header + 10, &check, sizeof(check));
	assert_int_equal(rfc1071_sum(0, header, sizeof(header), false), 0xffff);

	diff = csum_diff(header + 16, 4, &new_addr, 4, (uint16_t)~check);
	assert_true(diff >= 0);
	patched = (uint16_t)~fold((uint32_t)diff);
	memcpy(header + 16, &new_addr, sizeof(new_addr));
	memset(header + 10, 0, 2);
	expect = (uint16_t)~rfc1071_sum(0, header, sizeof(header), false);
	assert_int_equal(patched, expect);
}

/* Linux's selftest value (prog_tests/test_csum_diff.c): 8 bytes of 0xdeadbeef push 0x3b3b. */
static void test_csum_diff_linux_value(void **state)
{
	uint64_t to = 0xdeadbeefdeadbeefull;
	int64_t r0 = csum_diff(NULL, 0, &to, sizeof(to), 0);

	assert_int_equal(fold((uint32_t)r0), 0x3b3b);
}

static void test_csum_diff_sizes(void **state)
{
	unsigned char buf[520] = { 1 };

	assert_int_equal(csum_diff(buf, 3, NULL, 0, 0), -EINVAL);
	assert_int_equal(csum_diff(NULL, 0, buf, 6, 0), -EINVAL);
	assert_int_equal(csum_diff(buf, 260, buf, 256, 0), -EINVAL);
	assert_int_equal(csum_diff(NULL, 0, buf, 516, 0), -EINVAL);
	assert_true(csum_diff(buf, 256, buf, 256, 0) >= 0);
	/* Nothing to sum: the seed itself. */
	assert_int_equal(csum_diff(NULL, 0, NULL, 0, 0x12345678), 0x12345678);
	/* from == to cancels out (up to the sign of zero). */
	assert_int_equal(fold((uint32_t)csum_diff(buf, 8, buf, 8, 0)), 0xffff);
}

/* ---- strtol / strtoul -------------------------------------------------------------------- */

#define SENTINEL 0x5a5a5a5a5a5a5a5all

static int64_t strtox(uint32_t id, const char *buf, size_t len, uint64_t flags, uint64_t *res)
{
	*res = SENTINEL;
	return (int64_t)CALL4(id, PTR(buf), len, flags, PTR(res));
}

static void expect_strtol(const char *s, uint64_t flags, int64_t consumed, int64_t value)
{
	uint64_t res;

	assert_int_equal(strtox(CORE_HELPER_STRTOL, s, strlen(s), flags, &res), consumed);
	assert_int_equal((int64_t)res, consumed < 0 ? 0 : value);
}

static void expect_strtoul(const char *s, uint64_t flags, int64_t consumed, uint64_t value)
{
	uint64_t res;

	assert_int_equal(strtox(CORE_HELPER_STRTOUL, s, strlen(s), flags, &res), consumed);
	assert_int_equal(res, consumed < 0 ? 0 : value);
}

static void test_strtol_bases(void **state)
{
	expect_strtol("123", 10, 3, 123);
	expect_strtol("123", 0, 3, 123);
	expect_strtol("0x1f", 0, 4, 31);
	expect_strtol("0X1F", 16, 4, 31);
	expect_strtol("ff", 16, 2, 255);
	expect_strtol("017", 0, 3, 15);
	expect_strtol("017", 10, 3, 17);
	expect_strtol("778", 8, 2, 63);
	/* "0x" not followed by a hex digit: octal 0, then stop at 'x'. */
	expect_strtol("0xg", 0, 1, 0);
	expect_strtol("0xg", 16, -EINVAL, 0);
	expect_strtoul("deadBEEF", 16, 8, 0xdeadbeef);
}

static void test_strtol_signs_and_space(void **state)
{
	expect_strtol("  -42xyz", 10, 5, -42);
	expect_strtol("\t\n-0x10", 0, 7, -16);
	expect_strtol("-0", 10, 2, 0);
	/* Linux accepts no '+'. */
	expect_strtol("+5", 10, -EINVAL, 0);
	expect_strtoul("-5", 10, -EINVAL, 0);
	expect_strtoul(" 7 ", 10, 2, 7);
	/* Linux's ctype counts the Latin-1 no-break space as white space. */
	expect_strtoul("\xa0\v7", 10, 3, 7);
}

static void test_strtol_range(void **state)
{
	expect_strtol("9223372036854775807", 10, 19, INT64_MAX);
	expect_strtol("9223372036854775808", 10, -ERANGE, 0);
	expect_strtol("-9223372036854775808", 10, 20, INT64_MIN);
	expect_strtol("-9223372036854775809", 10, -ERANGE, 0);
	expect_strtoul("18446744073709551615", 10, 20, UINT64_MAX);
	expect_strtoul("18446744073709551616", 10, -ERANGE, 0);
	expect_strtoul("0xffffffffffffffff", 0, 18, UINT64_MAX);
	expect_strtoul("0x10000000000000000", 0, -ERANGE, 0);
	/* Overflow is reported even when more digits follow. */
	expect_strtoul("99999999999999999999999", 10, -ERANGE, 0);
}

static void test_strtol_invalid(void **state)
{
	uint64_t res;

	expect_strtol("abc", 10, -EINVAL, 0);
	expect_strtol("   ", 10, -EINVAL, 0);
	expect_strtol("-", 10, -EINVAL, 0);
	expect_strtol(" - 1", 10, -EINVAL, 0);
	expect_strtol("12", 2, -EINVAL, 0);  /* base 2 is not one of 0, 8, 10, 16 */
	expect_strtol("12", 36, -EINVAL, 0); /* neither is 36 & 0x1f = 4 */
	expect_strtol("12", 10 | 0x20, -EINVAL, 0);
	expect_strtoul("12", 1ull << 40, -EINVAL, 0);
	assert_int_equal(strtox(CORE_HELPER_STRTOL, "1", 0, 10, &res), -EINVAL);
}

/* The buffer is buf_len bytes, terminated or not: parsing stops at its end or at a NUL. */
static void test_strtol_buffer_length(void **state)
{
	const char digits[5] = { '1', '2', '3', '4', '5' };
	const char with_nul[5] = { '4', '2', '\0', '9', '9' };
	char *exact = malloc(sizeof(digits)); /* ASan catches a read past it */
	uint64_t res;

	assert_non_null(exact);
	memcpy(exact, digits, sizeof(digits));
	assert_int_equal(strtox(CORE_HELPER_STRTOL, exact, 3, 10, &res), 3);
	assert_int_equal(res, 123);
	assert_int_equal(strtox(CORE_HELPER_STRTOUL, exact, 5, 10, &res), 5);
	assert_int_equal(res, 12345);
	free(exact);

	assert_int_equal(strtox(CORE_HELPER_STRTOL, with_nul, sizeof(with_nul), 10, &res), 2);
	assert_int_equal(res, 42);
}

/* Random numbers printed by libc and read back: value and characters consumed agree. */
static void test_strtol_against_libc(void **state)
{
	uint32_t rnd = 7;

	for (int i = 0; i < 2000; i++) {
		int64_t v = (int64_t)(((uint64_t)next_random(&rnd) << 40) ^
				      ((uint64_t)next_random(&rnd) << 16) ^ next_random(&rnd));
		char text[64];
		int len;

		if (i % 3 == 0)
			v = (int64_t)(0 - (uint64_t)v);
		v >>= next_random(&rnd) % 60;
		len = snprintf(text, sizeof(text), "%" PRId64 " tail", v);
		expect_strtol(text, 10, len - 5, v);
		len = snprintf(text, sizeof(text), "0x%" PRIx64, (uint64_t)v);
		expect_strtoul(text, 0, len, (uint64_t)v);
		len = snprintf(text, sizeof(text), "0%" PRIo64, (uint64_t)v);
		expect_strtoul(text, 0, len, (uint64_t)v);
	}
}

/* ---- strncmp ----------------------------------------------------------------------------- */

static int64_t strncmp_helper(const char *s1, uint32_t size, const char *s2)
{
	return (int64_t)CALL3(CORE_HELPER_STRNCMP, PTR(s1), size, PTR(s2));
}

static void test_strncmp(void **state)
{
	const char fixed[4] = { 'a', 'b', 'c', 'd' }; /* not terminated */

	assert_int_equal(strncmp_helper("abc", 4, "abc"), 0);
	assert_int_equal(strncmp_helper("abc", 4, "abd"), -1);
	assert_int_equal(strncmp_helper("abd", 4, "abc"), 1);
	assert_int_equal(strncmp_helper("ab", 3, "abc"), -1);
	assert_int_equal(strncmp_helper(fixed, 4, "abcd"), 0);
	assert_int_equal(strncmp_helper(fixed, 3, "abcx"), 0);
	assert_int_equal(strncmp_helper(fixed, 4, "abc"), 1);
	/* Bytes compare as unsigned. */
	assert_int_equal(strncmp_helper("\x80", 2, "a"), 1);
	assert_int_equal(strncmp_helper("x\0y", 3, "x\0z"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum_diff_matches_rfc1071),
		cmocka_unit_test(test_csum_diff_updates_a_checksum),
		cmocka_unit_test(test_csum_diff_linux_value),
		cmocka_unit_test(test_csum_diff_sizes),
		cmocka_unit_test(test_strtol_bases),
		cmocka_unit_test(test_strtol_signs_and_space),
		cmocka_unit_test(test_strtol_range),
		cmocka_unit_test(test_strtol_invalid),
		cmocka_unit_test(test_strtol_buffer_length),
		cmocka_unit_test(test_strtol_against_libc),
		cmocka_unit_test(test_strncmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

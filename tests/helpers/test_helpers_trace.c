/* SPDX-License-Identifier: MIT */
/* bpf_trace_printk: Linux's restricted format, delivered to the host's sink. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers_test.h"

#include <extbpf/extbpf.h>

struct capture {
	int calls;
	size_t length;
	char message[2 * CORE_TRACE_PRINTK_MAX];
};

static struct capture captured;

static void capture_sink(void *arg, const char *message, size_t length)
{
	struct capture *c = arg;

	c->calls++;
	c->length = length;
	memcpy(c->message, message, length);
	c->message[length] = '\0';
}

static int setup(void **state)
{
	memset(&captured, 0, sizeof(captured));
	ebpf_set_trace_sink(capture_sink, &captured);
	return 0;
}

static int teardown(void **state)
{
	ebpf_set_trace_sink(NULL, NULL);
	return 0;
}

/* fmt_size counts the NUL, as bpf_printk's sizeof(fmt) does. */
static int64_t printk(const char *fmt, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return (int64_t)CALL5(CORE_HELPER_TRACE_PRINTK, PTR(fmt), strlen(fmt) + 1, a1, a2, a3);
}

/* The message is printed once, as expected, and its length returned. */
static void expect_message(const char *fmt, uint64_t a1, uint64_t a2, uint64_t a3,
			   const char *expect)
{
	int calls = captured.calls;

	assert_int_equal(printk(fmt, a1, a2, a3), strlen(expect));
	assert_int_equal(captured.calls, calls + 1);
	assert_int_equal(captured.length, strlen(expect));
	assert_string_equal(captured.message, expect);
}

static void expect_invalid(const char *fmt, size_t fmt_size, const char *why)
{
	int calls = captured.calls;
	int64_t r0 = (int64_t)CALL5(CORE_HELPER_TRACE_PRINTK, PTR(fmt), fmt_size, 1, 2, 3);

	if (r0 != -EINVAL || captured.calls != calls)
		fail_msg("invalid format (%s): r0 %lld, printed %d time(s)", why, (long long)r0,
			 captured.calls - calls);
}

static void test_integers(void **state)
{
	char expect[128];

	expect_message("x=%d y=%u z=%x", (uint64_t)-5, 7, 255, "x=-5 y=7 z=ff");
	expect_message("%i %X", (uint64_t)-1, 0xabc, 0, "-1 ABC");
	/* Without l, Linux passes 32 bits. */
	expect_message("%d %u %x", 0x100000005ull, 0xfffffffffffffffeull, 0x123456789abcdef0ull,
		       "5 4294967294 9abcdef0");

	snprintf(expect, sizeof(expect), "%lld %llu %llx", (long long)INT64_MIN,
		 (unsigned long long)UINT64_MAX, 0x123456789abcdef0ull);
	expect_message("%ld %lu %llx", (uint64_t)INT64_MIN, UINT64_MAX, 0x123456789abcdef0ull,
		       expect);
	snprintf(expect, sizeof(expect), "%lld %lld %llX", -3ll, 1ll << 40, 0xfedcba9876543210ull);
	expect_message("%lli %li %lX", (uint64_t)-3, 1ull << 40, 0xfedcba9876543210ull, expect);
}

static void test_flags_and_width(void **state)
{
	char expect[128];

	snprintf(expect, sizeof(expect), "[%5d][%-5d][%05d]", 42, 42, 42);
	expect_message("[%5d][%-5d][%05d]", 42, 42, 42, expect);
	snprintf(expect, sizeof(expect), "[%+d][% d][%-8llx]", 7, 7, 0xbeefull);
	expect_message("[%+d][% d][%-8lx]", 7, 7, 0xbeef, expect);
	snprintf(expect, sizeof(expect), "[%12s][%-3c]", "right", 'z');
	expect_message("[%12s][%-3c]", PTR("right"), 'z', 0, expect);
}

static void test_char_and_percent(void **state)
{
	expect_message("%c%c%c", 'a', 'b', 'c', "abc");
	expect_message("100%% %d", 3, 0, 0, "100% 3");
	/* "%%" takes no argument: three conversions remain available. */
	expect_message("%%%d%%%d%%%d%%", 1, 2, 3, "%1%2%3%");
	expect_message("tab\there\n", 0, 0, 0, "tab\there\n");
}

static void test_strings(void **state)
{
	char on_stack[] = "stack string";

	expect_message("name=%s!", PTR("extbpf"), 0, 0, "name=extbpf!");
	expect_message("%s|%pks|%pus", PTR(on_stack), PTR("k"), PTR("u"), "stack string|k|u");
	expect_message("%s.", PTR(""), 0, 0, ".");
}

/* A page nobody may read, with a readable page before it. */
struct guard {
	unsigned char *base;
	size_t page;
};

static void guard_map(struct guard *g)
{
	g->page = (size_t)sysconf(_SC_PAGESIZE);
	g->base =
	    mmap(NULL, 2 * g->page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(g->base != MAP_FAILED);
	assert_int_equal(mprotect(g->base + g->page, g->page, PROT_NONE), 0);
}

/* Arguments 3-5 are unchecked: bad string pointers print "" instead of crashing. */
static void test_unreadable_strings(void **state)
{
	struct guard g;
	unsigned char *tail;

	guard_map(&g);
	tail = g.base + g.page - 3;

	expect_message("[%s]", 0, 0, 0, "[]");
	expect_message("[%s]", 16, 0, 0, "[]");
	expect_message("[%s]", PTR(g.base + g.page), 0, 0, "[]");
	/* Readable bytes running into the guard page before a NUL: unreadable as a whole. */
	memcpy(tail, "abc", 3);
	expect_message("[%s]", PTR(tail), 0, 0, "[]");
	/* A string ending right at the guard page is fine. */
	memcpy(tail, "ab", 3);
	expect_message("[%s]", PTR(tail), 0, 0, "[ab]");
	expect_message("%pI4", PTR(g.base + g.page), 0, 0, "0.0.0.0");
	munmap(g.base, 2 * g.page);
}

static void test_pointers(void **state)
{
	expect_message("%p", 0xdeadbeef, 0, 0, "00000000deadbeef");
	expect_message("%px %pK", 0xffff888000001000ull, 1, 0, "ffff888000001000 0000000000000001");
	expect_message("%p, %pS", 0x10, 0x20, 0, "0000000000000010, 0000000000000020");
}

static void test_addresses(void **state)
{
	const unsigned char v4[4] = { 192, 168, 0, 1 };
	const unsigned char v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	expect_message("%pI4 %pi4", PTR(v4), PTR(v4), 0, "192.168.0.1 192.168.000.001");
	expect_message("%pI6", PTR(v6), 0, 0, "2001:0db8:0000:0000:0000:0000:0000:0001");
	expect_message("%pi6", PTR(v6), 0, 0, "20010db8000000000000000000000001");
}

static void test_invalid_formats(void **state)
{
	static const struct {
		const char *fmt;
		const char *why;
	} invalid[] = {
		{ "%d %d %d %d", "Linux passes three arguments" },
		{ "%f", "no floating point" },
		{ "%q", "no such conversion" },
		{ "%hd", "no h modifier" },
		{ "%lllx", "at most ll" },
		{ "%zu", "no z modifier" },
		{ "%n", "no writes" },
		{ "%", "a conversion is missing" },
		{ "x%", "a conversion is missing" },
		{ "%5%", "a width makes it a conversion" },
		{ "%.3d", "no precision" },
		{ "%sx", "a string conversion ends at white space or punctuation" },
		{ "%pfoo", "so does a bare pointer" },
		{ "%pI5", "only IPv4 and IPv6 addresses" },
		{ "bell\x01", "only printable ASCII and white space" },
		{ "caf\xc3\xa9", "only ASCII" },
	};

	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		expect_invalid(invalid[i].fmt, strlen(invalid[i].fmt) + 1, invalid[i].why);
	}
	expect_invalid("abc", 3, "no NUL within fmt_size");
	expect_invalid(NULL, 0, "no format");
}

/* The format ends at its NUL even when fmt_size says more. */
static void test_size_beyond_nul(void **state)
{
	int64_t r0 = (int64_t)CALL5(CORE_HELPER_TRACE_PRINTK, PTR("ab\0%q"), 6, 0, 0, 0);

	assert_int_equal(r0, 2);
	assert_string_equal(captured.message, "ab");
}

/* Longer messages are cut at CORE_TRACE_PRINTK_MAX - 1; the full length is returned. */
static void test_truncation(void **state)
{
	char expect[2 * CORE_TRACE_PRINTK_MAX];
	int full = snprintf(expect, sizeof(expect), "%600d%600d", 1, 2);

	assert_int_equal(printk("%600d%600d", 1, 2, 0), full);
	assert_int_equal(captured.length, CORE_TRACE_PRINTK_MAX - 1);
	expect[CORE_TRACE_PRINTK_MAX - 1] = '\0';
	assert_string_equal(captured.message, expect);
}

/* With no sink set, messages go to stderr, one line each. */
static void test_default_sink_is_stderr(void **state)
{
	FILE *tmp = tmpfile();
	char text[256] = { 0 };
	int saved;

	assert_non_null(tmp);
	ebpf_set_trace_sink(NULL, NULL);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);

	printk("hello %d", 5, 0, 0);
	printk("line\n", 0, 0, 0);
	fflush(stderr);

	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	rewind(tmp);
	assert_true(fread(text, 1, sizeof(text) - 1, tmp) > 0);
	fclose(tmp);
	assert_string_equal(text, "bpf_trace_printk: hello 5\nbpf_trace_printk: line\n");
	assert_int_equal(captured.calls, 0);
}

#define THREADS	   4
#define PER_THREAD 2000

static void *print_many(void *arg)
{
	for (int i = 0; i < PER_THREAD; i++)
		printk("thread %d", (uint64_t)(uintptr_t)arg, 0, 0);
	return NULL;
}

/* The sink is called for one message at a time: its unsynchronised counter stays exact. */
static void test_sink_calls_are_serialised(void **state)
{
	pthread_t threads[THREADS];

	for (uintptr_t i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, print_many, (void *)i), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(threads[i], NULL);
	assert_int_equal(captured.calls, THREADS * PER_THREAD);
}

#define TRACE_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TRACE_TEST(test_integers),
		TRACE_TEST(test_flags_and_width),
		TRACE_TEST(test_char_and_percent),
		TRACE_TEST(test_strings),
		TRACE_TEST(test_unreadable_strings),
		TRACE_TEST(test_pointers),
		TRACE_TEST(test_addresses),
		TRACE_TEST(test_invalid_formats),
		TRACE_TEST(test_size_beyond_nul),
		TRACE_TEST(test_truncation),
		TRACE_TEST(test_default_sink_is_stderr),
		TRACE_TEST(test_sink_calls_are_serialised),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

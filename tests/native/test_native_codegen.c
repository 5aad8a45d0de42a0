/* SPDX-License-Identifier: MIT */
/*
 * The shapes of C that native mode emits for speed give the interpreter's results: 64-bit
 * division and remainder that take the 32-bit instruction when both operands fit, the remainder
 * clang writes out as a division, a multiply and a subtraction taken as one, and byte
 * loops that gcc vectorises behind a run-time overlap test (overlapping copies included, in the
 * input memory and on the stack, where a wrong test would show); and atomics with fetch, whose
 * operand register is their result, written out as native mode's own compare-and-swap loops.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>

#include "exec/exec.h"

#define MEM_SIZE 1024

/* One program prepared in both engines. */
struct both {
	const char *text;
	struct ebpf_inst *insns;
	size_t count;
	struct exec_program *interp, *native;
};

static struct exec_program *prepare(const struct both *b, enum exec_engine engine)
{
	struct exec_program *prog;
	char err[256] = "";

	if (exec_program_create(b->insns, b->count, engine, NULL, &prog, err, sizeof(err)))
		fail_msg("engine %d refused the program: %s\n%s", engine, err, b->text);
	return prog;
}

static void both_load(struct both *b, const char *text)
{
	b->text = text;
	if (ebpf_assemble(text, &b->insns, &b->count))
		fail_msg("assembling: %s\n%s", ebpf_last_error(), text);
	b->interp = prepare(b, EXEC_INTERP);
	b->native = prepare(b, EXEC_NATIVE);
}

static void both_free(struct both *b)
{
	exec_program_destroy(b->interp);
	exec_program_destroy(b->native);
	free(b->insns);
}

/* Runs the program (r1: a copy of mem, r2: its size) in both engines; checks that native
 * mode's r0 and memory equal the interpreter's and leaves native mode's memory in out. */
static uint64_t both_run(const struct both *b, const uint8_t *mem, uint8_t *out)
{
	uint8_t *want = malloc(MEM_SIZE);
	uint64_t r0, expected;

	assert_non_null(want);
	memcpy(want, mem, MEM_SIZE);
	memcpy(out, mem, MEM_SIZE);
	expected = exec_program_run(b->interp, (uint64_t)(uintptr_t)want, MEM_SIZE);
	r0 = exec_program_run(b->native, (uint64_t)(uintptr_t)out, MEM_SIZE);
	if (r0 != expected)
		fail_msg("native r0 %#" PRIx64 ", interpreter %#" PRIx64 "\n%s", r0, expected,
			 b->text);
	assert_memory_equal(out, want, MEM_SIZE);
	free(want);
	return r0;
}

/* One program, one input. */
static void run_once_both(const char *text, const uint8_t *mem)
{
	uint8_t out[MEM_SIZE];
	struct both b;

	both_load(&b, text);
	both_run(&b, mem, out);
	both_free(&b);
}

/* ---- division ------------------------------------------------------------------------------ */

/* Every 64-bit division and remainder of the words at mem[0] and mem[8], each result stored at
 * mem[16..48), r0 their mix. */
static const char division_prog[] = "ldxdw %r3, [%r1+0]\n"
				    "ldxdw %r4, [%r1+8]\n"
				    "mov %r0, %r3\n"
				    "div %r0, %r4\n"
				    "stxdw [%r1+16], %r0\n"
				    "mov %r5, %r3\n"
				    "mod %r5, %r4\n"
				    "stxdw [%r1+24], %r5\n"
				    "mov %r6, %r3\n"
				    "sdiv %r6, %r4\n"
				    "stxdw [%r1+32], %r6\n"
				    "mov %r7, %r3\n"
				    "smod %r7, %r4\n"
				    "stxdw [%r1+40], %r7\n"
				    "mul %r5, 31\n"
				    "xor %r0, %r5\n"
				    "xor %r0, %r6\n"
				    "add %r0, %r7\n"
				    "exit\n";

static void check_division(const struct both *b, uint64_t x, uint64_t y)
{
	uint8_t mem[MEM_SIZE] = { 0 }, out[MEM_SIZE];
	uint64_t want[4];

	memcpy(mem, &x, 8);
	memcpy(mem + 8, &y, 8);
	both_run(b, mem, out);
	/* Against RFC 9669's definition too, not only the interpreter. */
	want[0] = y ? x / y : 0;
	want[1] = y ? x % y : x;
	if (!y) {
		want[2] = 0;
		want[3] = x;
	} else if (y == UINT64_MAX) {
		want[2] = -x;
		want[3] = 0;
	} else {
		want[2] = (uint64_t)((int64_t)x / (int64_t)y);
		want[3] = (uint64_t)((int64_t)x % (int64_t)y);
	}
	assert_memory_equal(out + 16, want, sizeof(want));
}

static void test_division_of_every_width(void **state)
{
	static const uint64_t values[] = {
		0,
		1,
		3,
		7,
		100,
		0x7fffffff,
		0x80000000,
		0xffffffff,
		UINT64_C(0x100000000),
		UINT64_C(0x100000005),
		UINT64_C(0x7fffffffffffffff),
		UINT64_C(0x8000000000000000),
		UINT64_C(0xfffffffffffffff9), /* -7 */
		UINT64_MAX,		      /* -1 */
	};
	const size_t n = sizeof(values) / sizeof(values[0]);
	struct both b;

	(void)state;
	both_load(&b, division_prog);
	/* Both in 32 bits (the fast path), either above it, zero and -1 divisors, negative
	 * dividends and divisors of the signed forms. */
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			check_division(&b, values[i], values[j]);
	both_free(&b);
}

/* Trial division in a loop (the bench's prime count): the divisor and dividend have ranges
 * the compiler can see, so the 32-bit path is taken without a test. Counts the primes below
 * the word at mem[0] (at most 600). */
static const char primes_prog[] = "ldxw %r2, [%r1+0]\n"
				  "mov %r0, 0\n"
				  "mov %r3, 2\n"
				  "next:\n"
				  "jge %r3, %r2, done\n"
				  "jge %r3, 600, done\n"
				  "mov %r4, 2\n"
				  "try:\n"
				  "mov %r5, %r4\n"
				  "mul %r5, %r4\n"
				  "jgt %r5, %r3, prime\n"
				  "mov %r5, %r3\n"
				  "mod %r5, %r4\n"
				  "jeq %r5, 0, composite\n"
				  "add %r4, 1\n"
				  "jlt %r4, 64, try\n"
				  "prime:\n"
				  "add %r0, 1\n"
				  "composite:\n"
				  "add %r3, 1\n"
				  "ja next\n"
				  "done:\n"
				  "exit\n";

static void test_division_in_a_counted_loop(void **state)
{
	static const uint32_t limits[] = { 0, 2, 3, 10, 100, 541, 1000, UINT32_MAX };
	static const uint64_t primes_below[] = { 0, 0, 1, 4, 25, 99, 109, 109 };
	uint8_t mem[MEM_SIZE] = { 0 }, out[MEM_SIZE];
	struct both b;

	(void)state;
	both_load(&b, primes_prog);
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		memcpy(mem, &limits[i], 4);
		assert_int_equal(both_run(&b, mem, out), primes_below[i]);
	}
	both_free(&b);
}

/*
 * The remainder as clang writes it for BPF v1 (rx = ry; rx /= rz; rx *= rz; ry -= rx), which
 * native mode emits as one remainder, and its twins that must stay as written: a jump into
 * the middle, the difference taken into another register, a signed division. The words at
 * mem[0], mem[8] and mem[16] are a, b and c.
 */
static const char *const remainder_progs[] = {
	/* the shape: a % b */
	"ldxdw %r3, [%r1+0]\nldxdw %r4, [%r1+8]\n"
	"mov %r5, %r3\ndiv %r5, %r4\nmul %r5, %r4\nsub %r3, %r5\n"
	"mov %r0, %r3\nexit\n",
	/* b == 7 jumps to the multiply with r5 = c: a - 7c, not a % 7 */
	"ldxdw %r3, [%r1+0]\nldxdw %r4, [%r1+8]\nldxdw %r5, [%r1+16]\n"
	"jeq %r4, 7, mid\n"
	"mov %r5, %r3\ndiv %r5, %r4\nmid:\nmul %r5, %r4\nsub %r3, %r5\n"
	"mov %r0, %r3\nexit\n",
	/* c - (a / b) * b */
	"ldxdw %r3, [%r1+0]\nldxdw %r4, [%r1+8]\nldxdw %r6, [%r1+16]\n"
	"mov %r5, %r3\ndiv %r5, %r4\nmul %r5, %r4\nsub %r6, %r5\n"
	"mov %r0, %r6\nexit\n",
	/* signed: a - sdiv(a, b) * b */
	"ldxdw %r3, [%r1+0]\nldxdw %r4, [%r1+8]\n"
	"mov %r5, %r3\nsdiv %r5, %r4\nmul %r5, %r4\nsub %r3, %r5\n"
	"mov %r0, %r3\nexit\n",
};

static uint64_t remainder_expected(size_t prog, uint64_t a, uint64_t b, uint64_t c)
{
	switch (prog) {
	case 0:
		return b ? a % b : a;
	case 1:
		return b == 7 ? a - 7 * c : b ? a % b : a;
	case 2:
		return c - (b ? a / b : 0) * b;
	default:
		if (!b)
			return a;
		if (b == UINT64_MAX)
			return 0;
		return a - (uint64_t)((int64_t)a / (int64_t)b) * b;
	}
}

static void test_remainder_written_out(void **state)
{
	static const uint64_t values[] = { 0,
					   1,
					   7,
					   100,
					   0xffffffff,
					   UINT64_C(0x100000003),
					   UINT64_C(0xfffffffffffffff9),
					   UINT64_MAX };
	const size_t n = sizeof(values) / sizeof(values[0]);
	uint8_t mem[MEM_SIZE] = { 0 }, out[MEM_SIZE];

	(void)state;
	for (size_t p = 0; p < sizeof(remainder_progs) / sizeof(remainder_progs[0]); p++) {
		struct both b;

		both_load(&b, remainder_progs[p]);
		for (size_t i = 0; i < n; i++) {
			for (size_t j = 0; j < n; j++) {
				uint64_t c = values[(i + j) % n] ^ 0x5a5a;

				memcpy(mem, &values[i], 8);
				memcpy(mem + 8, &values[j], 8);
				memcpy(mem + 16, &c, 8);
				assert_int_equal(both_run(&b, mem, out),
						 remainder_expected(p, values[i], values[j], c));
			}
		}
		both_free(&b);
	}
}

/* ---- byte loops ---------------------------------------------------------------------------- */

static void fill(uint8_t *mem, uint32_t seed)
{
	for (size_t i = 0; i < MEM_SIZE; i++) {
		seed = seed * 1103515245u + 12345u;
		mem[i] = (uint8_t)(seed >> 16);
	}
}

/* The bench's copy loop: n bytes of the input, xor a key, to a stack buffer, hashed in words
 * from there (n a multiple of 8, at most 256). */
static void test_copy_input_to_stack(void **state)
{
	static const unsigned lengths[] = { 8, 24, 136, 256 };
	uint8_t mem[MEM_SIZE];
	char text[2048];

	(void)state;
	for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++) {
		snprintf(text, sizeof(text),
			 "ldxdw %%r4, [%%r1+0]\n"
			 "add %%r1, 8\n"
			 "mov %%r5, 0\n"
			 "copy:\n"
			 "mov %%r0, %%r1\n"
			 "add %%r0, %%r5\n"
			 "ldxb %%r0, [%%r0+0]\n"
			 "xor %%r0, %%r4\n"
			 "mov %%r6, %%r10\n"
			 "add %%r6, -256\n"
			 "add %%r6, %%r5\n"
			 "stxb [%%r6+0], %%r0\n"
			 "add %%r5, 1\n"
			 "jne %%r5, %u, copy\n"
			 "mov %%r5, 0\n"
			 "mov %%r0, %%r4\n"
			 "hash:\n"
			 "mov %%r3, %%r10\n"
			 "add %%r3, -256\n"
			 "add %%r3, %%r5\n"
			 "ldxdw %%r3, [%%r3+0]\n"
			 "xor %%r0, %%r3\n"
			 "mul %%r0, 0x1b3\n"
			 "add %%r5, 8\n"
			 "jne %%r5, %u, hash\n"
			 "exit\n",
			 lengths[l], lengths[l]);
		for (uint32_t seed = 1; seed <= 3; seed++) {
			fill(mem, seed);
			run_once_both(text, mem);
		}
	}
}

/*
 * A copy within the input: mem[dst + i] = mem[src + i] ^ key for i < n, src, dst and n read
 * from the input (so the overlap test runs at run time), the two ranges overlapping forwards
 * and backwards by less than a vector, apart, and the same.
 */
static const char copy_in_input_prog[] = "ldxb %r4, [%r1+1000]\n"
					 "ldxh %r6, [%r1+1002]\n"
					 "ldxh %r7, [%r1+1004]\n"
					 "ldxh %r8, [%r1+1006]\n"
					 "mov %r5, 0\n"
					 "copy:\n"
					 "mov %r3, %r1\n"
					 "add %r3, %r6\n"
					 "add %r3, %r5\n"
					 "ldxb %r0, [%r3+0]\n"
					 "xor %r0, %r4\n"
					 "mov %r3, %r1\n"
					 "add %r3, %r7\n"
					 "add %r3, %r5\n"
					 "stxb [%r3+0], %r0\n"
					 "add %r5, 1\n"
					 "jne %r5, %r8, copy\n"
					 "exit\n";

static void test_overlapping_copies_in_input(void **state)
{
	static const struct {
		uint16_t src, dst;
	} ranges[] = { { 0, 1 },  { 1, 0 },   { 0, 3 },	  { 5, 0 },  { 0, 15 },
		       { 17, 0 }, { 0, 300 }, { 300, 0 }, { 64, 64 } };
	static const uint16_t lengths[] = { 256, 37, 1 };
	uint8_t mem[MEM_SIZE], out[MEM_SIZE];
	struct both b;

	(void)state;
	both_load(&b, copy_in_input_prog);
	for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
		for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++) {
			fill(mem, (uint32_t)(r * 7 + l));
			memcpy(mem + 1002, &ranges[r].src, 2);
			memcpy(mem + 1004, &ranges[r].dst, 2);
			memcpy(mem + 1006, &lengths[l], 2);
			both_run(&b, mem, out);
		}
	}
	both_free(&b);
}

/* The same on the stack: the input copied to the stack, then moved within the stack by
 * `shift` bytes (forwards or back), then hashed. */
static void check_copy_on_stack(int shift)
{
	uint8_t mem[MEM_SIZE];
	char text[2048];

	snprintf(text, sizeof(text),
		 "mov %%r5, 0\n"
		 "in:\n"
		 "mov %%r3, %%r1\n"
		 "add %%r3, %%r5\n"
		 "ldxdw %%r0, [%%r3+0]\n"
		 "mov %%r3, %%r10\n"
		 "add %%r3, -512\n"
		 "add %%r3, %%r5\n"
		 "stxdw [%%r3+0], %%r0\n"
		 "add %%r5, 8\n"
		 "jne %%r5, 512, in\n"
		 "mov %%r5, 0\n"
		 "move:\n"
		 "mov %%r3, %%r10\n"
		 "add %%r3, -384\n"
		 "add %%r3, %%r5\n"
		 "ldxb %%r0, [%%r3+0]\n"
		 "add %%r0, 1\n"
		 "mov %%r3, %%r10\n"
		 "add %%r3, %d\n"
		 "add %%r3, %%r5\n"
		 "stxb [%%r3+0], %%r0\n"
		 "add %%r5, 1\n"
		 "jne %%r5, 256, move\n"
		 "mov %%r5, 0\n"
		 "mov %%r0, 0\n"
		 "hash:\n"
		 "mov %%r3, %%r10\n"
		 "add %%r3, -512\n"
		 "add %%r3, %%r5\n"
		 "ldxdw %%r3, [%%r3+0]\n"
		 "xor %%r0, %%r3\n"
		 "mul %%r0, 0x1b3\n"
		 "add %%r5, 8\n"
		 "jne %%r5, 512, hash\n"
		 "exit\n",
		 -384 + shift);
	fill(mem, (uint32_t)(shift + 1000));
	run_once_both(text, mem);
}

static void test_overlapping_copies_on_stack(void **state)
{
	static const int shifts[] = { 0, 1, -1, 3, -3, 15, -15, 16, -16, 100, -100 };

	(void)state;
	for (size_t s = 0; s < sizeof(shifts) / sizeof(shifts[0]); s++)
		check_copy_on_stack(shifts[s]);
}

/* ---- atomics with fetch -------------------------------------------------------------------- */

/*
 * An atomic with fetch reads and writes the same register, and gcc 12 for x86-64 expands the
 * and/or/xor ones (a cmpxchg loop there) writing the old value to the result before it takes
 * the operand from it when both are one variable: the stored value became the old one. The
 * shape that found it (the differential generator's), reduced: the fetch on one branch of a
 * join, so that the register before and after it share a variable. Each op with fetch, each
 * width, on one way of a branch, the operand loaded, shifted or computed (cmpxchg compares with
 * r0 and writes it, its relative).
 */
static const char *const fetch_ops[] = { "fetch add", "fetch and", "fetch or",
					 "fetch xor", "xchg",	   "cmpxchg" };

static void fetch_prog(char *text, size_t size, const char *op, bool w32, int shape)
{
	static const char *const operand[] = {
		"ldxdw %r2, [%r1+0]\n",
		"ldxw %r2, [%r1+0]\n"
		"arsh32 %r2, 3\n",
		"ldxdw %r2, [%r1+0]\n"
		"ldxdw %r4, [%r1+24]\n"
		"or %r2, %r4\n",
	};

	snprintf(text, size,
		 "%s"
		 "ldxdw %%r0, [%%r1+32]\n"
		 "ldxdw %%r3, [%%r1+8]\n"
		 "jset %%r3, 1, +1\n"
		 "lock %s%s [%%r1+16], %%r2\n"
		 "xor %%r0, %%r2\n"
		 "exit\n",
		 operand[shape], op, w32 ? "32" : "");
}

static void test_atomic_fetch_result_is_operand(void **state)
{
	uint8_t mem[MEM_SIZE] = { 0 };
	char text[512];

	(void)state;
	for (size_t op = 0; op < sizeof(fetch_ops) / sizeof(fetch_ops[0]); op++) {
		for (int w32 = 0; w32 <= 1; w32++) {
			for (int shape = 0; shape < 3; shape++) {
				fetch_prog(text, sizeof(text), fetch_ops[op], w32, shape);
				for (uint32_t seed = 1; seed <= 4; seed++) {
					fill(mem, seed * 7919 + op);
					/* both ways of the branch; cmpxchg's
					 * comparison true (the low half or all)
					 * and false */
					mem[8] = (uint8_t)(seed & 1);
					if (seed > 2)
						memcpy(mem + 32, mem + 16, seed == 3 ? 4 : 8);
					run_once_both(text, mem);
				}
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_division_of_every_width),
		cmocka_unit_test(test_division_in_a_counted_loop),
		cmocka_unit_test(test_remainder_written_out),
		cmocka_unit_test(test_copy_input_to_stack),
		cmocka_unit_test(test_overlapping_copies_in_input),
		cmocka_unit_test(test_overlapping_copies_on_stack),
		cmocka_unit_test(test_atomic_fetch_result_is_operand),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * The benchmark algorithms, written once: every bench/progs/<name>.bpf.c wraps one of them in a
 * sample_ext program, and bench/bench_native.c compiles the very same functions with the host
 * compiler (-O2) as the "native C" baseline. So both sides run the same source, bounds checks
 * included; only the compiler and the engine differ.
 *
 * Written for the verifier as much as for speed: every loop has a constant bound (the verifier
 * walks loops iteration by iteration, and its time grows faster than linearly with the trip
 * count: see bench/RESULTS.md, hence the modest sizes), the inputs decide the results so that
 * no compiler can fold them, and accumulators are 64-bit values seeded from the input, so that
 * every path through a loop body leaves the same abstract state and the verifier prunes them.
 */
#ifndef EXTBPF_BENCH_ALGOS_H
#define EXTBPF_BENCH_ALGOS_H

typedef unsigned char bu8;
typedef unsigned short bu16;
typedef unsigned int bu32;
typedef unsigned long long bu64;

/* clang must not unroll the BPF loops: the ALU loop's instruction count is read from its
 * structure (bench_exec.c), and unrolled loops only cost the verifier more. */
#ifdef __clang__
#define BENCH_NO_UNROLL _Pragma("clang loop unroll(disable)")
#else
#define BENCH_NO_UNROLL
#endif

#define BENCH_ALU_ITERS	  4096
#define BENCH_PRIME_MAX	  512
#define BENCH_CSUM_BYTES  65536
#define BENCH_STR_LEN	  32
#define BENCH_STR_COUNT	  256
#define BENCH_SWITCH_OPS  1024
#define BENCH_PKT_SLOT	  128 /* one captured frame: u16 caplen, u16 pad, 124 bytes */
#define BENCH_PKT_COUNT	  128
#define BENCH_PKT_SNAPLEN (BENCH_PKT_SLOT - 4)
#define BENCH_HASH_KEYS	  2048
#define BENCH_CALL_ITERS  512
#define BENCH_PORT_COUNT  1024
#define BENCH_COPY_BLOCK  256
#define BENCH_COPY_BLOCKS 4
#define BENCH_STACK_ITERS 256
#define BENCH_FIB_RUNS	  16
#define BENCH_FIB_MAX	  7 /* fib_6 recurses 6 frames deep: 7 with the entry, 8 allowed */

/* Input sizes (bytes of data the program gets through sample_ctx). */
#define BENCH_ALU_INPUT	   16
#define BENCH_PRIME_INPUT  4
#define BENCH_STR_INPUT	   (8 + BENCH_STR_LEN * (BENCH_STR_COUNT + 1))
#define BENCH_SWITCH_INPUT (8 + BENCH_SWITCH_OPS)
#define BENCH_PKT_INPUT	   (8 + BENCH_PKT_SLOT * BENCH_PKT_COUNT)
#define BENCH_HASH_INPUT   (8 + 4 * BENCH_HASH_KEYS)
#define BENCH_CALL_INPUT   (8 + 4 * BENCH_CALL_ITERS)
#define BENCH_PORT_INPUT   (8 + 2 * BENCH_PORT_COUNT)
#define BENCH_COPY_INPUT   (8 + BENCH_COPY_BLOCK * BENCH_COPY_BLOCKS)
#define BENCH_STACK_INPUT  (12 * 8)
#define BENCH_FIB_INPUT	   8
#define BENCH_TINY_INPUT   8

static inline __attribute__((always_inline)) bu64 bench_mix(bu64 acc, bu64 v)
{
	return (acc ^ v) * 0x100000001b3ull;
}

static inline __attribute__((always_inline)) bu32 bench_fold(bu64 v)
{
	return (bu32)(v ^ (v >> 32));
}

static inline __attribute__((always_inline)) bu32 bench_be16(const bu8 *p)
{
	return (bu32)p[0] << 8 | p[1];
}

static inline __attribute__((always_inline)) bu32 bench_be32(const bu8 *p)
{
	return (bu32)p[0] << 24 | (bu32)p[1] << 16 | (bu32)p[2] << 8 | p[3];
}

/*
 * ALU loop: a straight-line body of 64-bit arithmetic, BENCH_ALU_ITERS times. Its one basic
 * block is what the interpreter's ns-per-instruction figure is computed from.
 */
static inline __attribute__((always_inline)) bu32 bench_alu(const bu8 *data, const bu8 *end)
{
	bu64 x, y, z;

	if (data + BENCH_ALU_INPUT > end)
		return 0;
	x = *(const bu64 *)data;
	y = *(const bu64 *)(data + 8);
	z = x ^ y;
	BENCH_NO_UNROLL
	for (bu32 i = 0; i < BENCH_ALU_ITERS; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		y ^= x >> 29;
		y += y << 7;
		z -= y ^ (x >> 11);
		z = (z << 13) | (z >> 51);
		x += z & 0xff;
		y -= z;
	}
	return bench_fold(x ^ y ^ z);
}

/* Prime count by trial division: the primes below min(limit, BENCH_PRIME_MAX). */
static inline __attribute__((always_inline)) bu32 bench_primes(const bu8 *data, const bu8 *end)
{
	bu32 limit, count = 0;

	if (data + BENCH_PRIME_INPUT > end)
		return 0;
	limit = *(const bu32 *)data;
	BENCH_NO_UNROLL
	for (bu32 n = 2; n < BENCH_PRIME_MAX; n++) {
		bu32 prime = 1;

		if (n >= limit)
			break;
		BENCH_NO_UNROLL
		for (bu32 d = 2; d < 64; d++) {
			if (d * d > n)
				break;
			if (n % d == 0) {
				prime = 0;
				break;
			}
		}
		count += prime;
	}
	return count;
}

/*
 * RFC 1071 checksum of BENCH_CSUM_BYTES: 32-bit words summed into 64 bits, then folded; 16
 * words per iteration, written out, so that the verifier walks 1024 iterations, not 16384.
 */
#define BENCH_CSUM_ADD4(w, k)                                                                      \
	do {                                                                                       \
		sum += (w)[(k)];                                                                   \
		sum += (w)[(k) + 1];                                                               \
		sum += (w)[(k) + 2];                                                               \
		sum += (w)[(k) + 3];                                                               \
	} while (0)

static inline __attribute__((always_inline)) bu32 bench_checksum(const bu8 *buf)
{
	bu64 sum = 0;

	BENCH_NO_UNROLL
	for (bu32 i = 0; i < BENCH_CSUM_BYTES; i += 64) {
		const bu32 *w = (const bu32 *)(buf + i);

		BENCH_CSUM_ADD4(w, 0);
		BENCH_CSUM_ADD4(w, 4);
		BENCH_CSUM_ADD4(w, 8);
		BENCH_CSUM_ADD4(w, 12);
	}
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (bu32)(~sum & 0xffff);
}

/*
 * String compare: a needle against a table of BENCH_STR_COUNT NUL-padded strings of
 * BENCH_STR_LEN bytes, strcmp's way (stop at the first difference or the NUL). The outcome of
 * every comparison (-1, 0, 1) is mixed into a hash seeded by the input.
 */
static inline __attribute__((always_inline)) bu32 bench_strcmp(const bu8 *data, const bu8 *end)
{
	const bu8 *needle = data + 8, *table = data + 8 + BENCH_STR_LEN;
	bu64 acc;

	if (data + BENCH_STR_INPUT > end)
		return 0;
	acc = *(const bu64 *)data;
	BENCH_NO_UNROLL
	for (bu32 j = 0; j < BENCH_STR_COUNT; j++) {
		const bu8 *s = table + j * BENCH_STR_LEN;
		bu32 c = 1; /* 0 less, 1 equal, 2 greater */

		BENCH_NO_UNROLL
		for (bu32 k = 0; k < BENCH_STR_LEN; k++) {
			bu8 a = s[k], b = needle[k];

			if (a != b) {
				c = a < b ? 0 : 2;
				break;
			}
			if (!a)
				break;
		}
		acc = acc * 31 + c;
	}
	return bench_fold(acc);
}

/* Switch dispatch: a byte-code interpreter of 16 operations over an accumulator. */
static inline __attribute__((always_inline)) bu32 bench_switch(const bu8 *data, const bu8 *end)
{
	const bu8 *ops = data + 8;
	bu64 acc;

	if (data + BENCH_SWITCH_INPUT > end)
		return 0;
	acc = *(const bu64 *)data;
	BENCH_NO_UNROLL
	for (bu32 i = 0; i < BENCH_SWITCH_OPS; i++) {
		bu8 op = ops[i];

		switch (op & 15) {
		case 0:
			acc += op;
			break;
		case 1:
			acc ^= acc >> 7;
			break;
		case 2:
			acc *= 0x9e3779b97f4a7c15ull;
			break;
		case 3:
			acc -= i;
			break;
		case 4:
			acc = (acc << 9) | (acc >> 55);
			break;
		case 5:
			acc += acc << 3;
			break;
		case 6:
			acc ^= 0x5bd1e995;
			break;
		case 7:
			acc = ~acc;
			break;
		case 8:
			acc = (acc >> 17) | (acc << 47);
			break;
		case 9:
			acc *= 5;
			break;
		case 10:
			acc += 0x7f4a7c15;
			break;
		case 11:
			acc ^= acc << 21;
			break;
		case 12:
			acc -= op * 3;
			break;
		case 13:
			acc = acc * 3 + i;
			break;
		case 14:
			acc ^= (bu64)op << 40;
			break;
		default:
			acc = -acc;
			break;
		}
	}
	return bench_fold(acc);
}

/*
 * Packet parser over an in-memory capture: BENCH_PKT_COUNT frames in fixed slots (a u16 caplen,
 * 2 bytes of padding, up to BENCH_PKT_SNAPLEN bytes). Ethernet, one optional 802.1Q tag, IPv4
 * (with options) or IPv6, TCP/UDP ports; every frame's flow fields are mixed into a hash.
 *
 * The per-frame parser is a function of its own (a BPF subprogram): inlined, the registers
 * clang spills in one frame's path make the loop head's states differ between paths in stack
 * slots that are dead by then, and the verifier, which does not track stack liveness, then
 * cannot prune them (256 inlined frames exceed its complexity limit; see bench/RESULTS.md).
 */
static __attribute__((noinline, unused)) bu64 bench_parse_one(const bu8 *frame, bu32 caplen,
							      const bu8 *end)
{
	bu32 off = 14, etype, proto, l4, ports = 0;
	const bu8 *ip;
	bu64 addr;

	if (caplen < 14)
		return 1;
	etype = bench_be16(frame + 12);
	if (etype == 0x8100) {
		if (caplen < 18)
			return 2;
		etype = bench_be16(frame + 16);
		off = 18;
	}
	ip = frame + off;
	if (etype == 0x0800) {
		bu32 ihl;

		if (off + 20 > caplen)
			return 3;
		ihl = (ip[0] & 15) * 4;
		if (ihl < 20 || off + ihl > caplen)
			return 4;
		proto = ip[9];
		addr = (bu64)bench_be32(ip + 12) << 32 | bench_be32(ip + 16);
		l4 = off + ihl;
	} else if (etype == 0x86dd) {
		if (off + 40 > caplen)
			return 5;
		proto = ip[6];
		addr = (bu64)bench_be32(ip + 8) << 32 ^ bench_be32(ip + 20) ^
		       (bu64)bench_be32(ip + 24) << 16 ^ bench_be32(ip + 36);
		l4 = off + 40;
	} else {
		return etype << 8;
	}
	/* A variable offset: the pointer must be checked against the end again. */
	if ((proto == 6 || proto == 17) && l4 + 4 <= caplen) {
		const bu8 *l4p = frame + l4;

		if (l4p + 4 > end)
			return 6;
		ports = bench_be32(l4p);
	}
	return bench_mix(addr, (bu64)proto << 32 | ports);
}

static inline __attribute__((always_inline)) bu32 bench_packets(const bu8 *data, const bu8 *end)
{
	bu64 acc;

	if (data + BENCH_PKT_INPUT > end)
		return 0;
	acc = *(const bu64 *)data;
	BENCH_NO_UNROLL
	for (bu32 i = 0; i < BENCH_PKT_COUNT; i++) {
		const bu8 *slot = data + 8 + i * BENCH_PKT_SLOT;

		acc = bench_mix(acc, bench_parse_one(slot + 4, bench_be16(slot), end));
	}
	return bench_fold(acc);
}

/*
 * Local calls: three small functions called per input word, none of which touches the stack,
 * so what is measured is the cost of a call, its entry and its return.
 */
static __attribute__((noinline, unused)) bu64 bench_call_rotl(bu64 v, bu64 n)
{
	return (v << (n & 63)) | (v >> ((64 - n) & 63));
}

static __attribute__((noinline, unused)) bu64 bench_call_mix(bu64 acc, bu64 w)
{
	return (acc ^ w) * 0x100000001b3ull;
}

static __attribute__((noinline, unused)) bu64 bench_call_fold(bu64 acc, bu64 i)
{
	return acc + (acc >> 17) + i;
}

static inline __attribute__((always_inline)) bu32 bench_calls(const bu8 *data, const bu8 *end)
{
	const bu32 *words = (const bu32 *)(data + 8);
	bu64 acc;

	if (data + BENCH_CALL_INPUT > end)
		return 0;
	acc = *(const bu64 *)data;
	BENCH_NO_UNROLL
	for (bu32 i = 0; i < BENCH_CALL_ITERS; i++) {
		acc = bench_call_mix(acc, words[i]);
		acc = bench_call_rotl(acc, words[i] >> 27);
		acc = bench_call_fold(acc, i);
	}
	return bench_fold(acc);
}

/*
 * A compare tree: well-known ports to service numbers, sparse enough that no compiler makes
 * a jump table of it.
 */
static inline __attribute__((always_inline)) bu32 bench_port_class(bu32 port)
{
	switch (port) {
	case 20:
		return 1;
	case 21:
		return 2;
	case 22:
		return 3;
	case 25:
		return 4;
	case 53:
		return 5;
	case 67:
		return 6;
	case 80:
		return 7;
	case 110:
		return 8;
	case 123:
		return 9;
	case 143:
		return 10;
	case 161:
		return 11;
	case 443:
		return 12;
	case 993:
		return 13;
	case 3306:
		return 14;
	case 5432:
		return 15;
	case 6379:
		return 16;
	case 8080:
		return 17;
	case 11211:
		return 18;
	case 27017:
		return 19;
	default:
		return 0;
	}
}

static inline __attribute__((always_inline)) bu32 bench_ports(const bu8 *data, const bu8 *end)
{
	const bu16 *ports = (const bu16 *)(data + 8);
	bu64 acc;

	if (data + BENCH_PORT_INPUT > end)
		return 0;
	acc = *(const bu64 *)data;
	BENCH_NO_UNROLL
	for (bu32 i = 0; i < BENCH_PORT_COUNT; i++)
		acc = acc * 31 + bench_port_class(ports[i]);
	return bench_fold(acc);
}

/*
 * A copy loop: each block of the input is copied byte by byte into a stack buffer (masked with
 * a byte of the running hash, so that no compiler turns it into a memcpy call), then hashed in
 * words from there.
 */
static inline __attribute__((always_inline)) bu32 bench_copy(const bu8 *data, const bu8 *end)
{
	bu64 buf[BENCH_COPY_BLOCK / 8];
	bu8 *bytes = (bu8 *)buf;
	bu64 acc;

	if (data + BENCH_COPY_INPUT > end)
		return 0;
	acc = *(const bu64 *)data;
	BENCH_NO_UNROLL
	for (bu32 b = 0; b < BENCH_COPY_BLOCKS; b++) {
		const bu8 *src = data + 8 + b * BENCH_COPY_BLOCK;
		bu8 key = (bu8)acc;

		BENCH_NO_UNROLL
		for (bu32 i = 0; i < BENCH_COPY_BLOCK; i++)
			bytes[i] = src[i] ^ key;
		BENCH_NO_UNROLL
		for (bu32 k = 0; k < BENCH_COPY_BLOCK / 8; k++)
			acc = bench_mix(acc, buf[k]);
	}
	return bench_fold(acc);
}

/*
 * Stack-heavy code: twelve 64-bit accumulators live across a loop, more than eBPF has
 * registers for, so clang keeps some of them in stack slots.
 */
static inline __attribute__((always_inline)) bu32 bench_stack(const bu8 *data, const bu8 *end)
{
	const bu64 *w = (const bu64 *)data;
	bu64 a, b, c, d, e, f, g, h, p, q, r, t;

	if (data + BENCH_STACK_INPUT > end)
		return 0;
	a = w[0], b = w[1], c = w[2], d = w[3], e = w[4], f = w[5];
	g = w[6], h = w[7], p = w[8], q = w[9], r = w[10], t = w[11];
	BENCH_NO_UNROLL
	for (bu32 i = 0; i < BENCH_STACK_ITERS; i++) {
		a += b ^ i;
		b = (b << 7 | b >> 57) + c;
		c ^= d + e;
		d += e >> 3;
		e = (e << 13 | e >> 51) ^ f;
		f += g;
		g ^= h >> 5;
		h += p;
		p ^= q + a;
		q += r >> 11;
		r = (r << 29 | r >> 35) ^ t;
		t += a ^ h;
	}
	return bench_fold(a ^ b ^ c ^ d ^ e ^ f ^ g ^ h ^ p ^ q ^ r ^ t);
}

/*
 * Recursive fib in the only form a verifier accepts: one function per level of recursion, so
 * that the call graph has no cycle and is at most BENCH_FIB_MAX frames deep. fib_k(n) is exact
 * for n <= k + 1.
 */
static __attribute__((noinline, unused)) bu64 bench_fib_0(bu64 n)
{
	return n;
}

#define BENCH_FIB_LEVEL(k, below)                                                                  \
	static __attribute__((noinline, unused)) bu64 bench_fib_##k(bu64 n)                        \
	{                                                                                          \
		if (n < 2)                                                                         \
			return n;                                                                  \
		return bench_fib_##below(n - 1) + bench_fib_##below(n - 2);                        \
	}
BENCH_FIB_LEVEL(1, 0)
BENCH_FIB_LEVEL(2, 1)
BENCH_FIB_LEVEL(3, 2)
BENCH_FIB_LEVEL(4, 3)
BENCH_FIB_LEVEL(5, 4)
BENCH_FIB_LEVEL(6, 5)

static inline __attribute__((always_inline)) bu32 bench_fib(const bu8 *data, const bu8 *end)
{
	bu64 acc, seed;

	if (data + BENCH_FIB_INPUT > end)
		return 0;
	acc = seed = *(const bu64 *)data;
	BENCH_NO_UNROLL
	for (bu32 i = 0; i < BENCH_FIB_RUNS; i++)
		acc = bench_mix(acc, bench_fib_6((seed + i) % (BENCH_FIB_MAX + 1)));
	return bench_fold(acc);
}

/* A tiny program: what one invocation costs around almost no work. */
static inline __attribute__((always_inline)) bu32 bench_tiny(const bu8 *data, const bu8 *end)
{
	if (data + BENCH_TINY_INPUT > end)
		return 0;
	return bench_fold(*(const bu64 *)data);
}

#endif /* EXTBPF_BENCH_ALGOS_H */

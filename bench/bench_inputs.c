// SPDX-License-Identifier: MIT
/*
 * The inputs of the execution benchmarks, generated in memory from fixed seeds so that every
 * run (and every engine) sees the same bytes: strings sharing prefixes with the needle, a byte
 * code, a capture of Ethernet frames, a key stream with repeats.
 */
#include <string.h>

#include "bench_inputs.h"
#include "progs/bench_algos.h"

static void put_be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_u64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

void bench_input_alu(uint8_t *buf, size_t size)
{
	bench_fill_random(buf, size, 0xa1);
}

void bench_input_primes(uint8_t *buf, size_t size)
{
	uint32_t limit = BENCH_PRIME_MAX;

	memcpy(buf, &limit, sizeof(limit));
}

void bench_input_checksum(uint8_t *buf, size_t size)
{
	bench_fill_random(buf, size, 0xc5);
}

/* A lowercase string of len characters, NUL-padded to BENCH_STR_LEN. */
static void random_string(uint8_t *s, size_t from, size_t len, uint64_t *rng)
{
	for (size_t i = from; i < BENCH_STR_LEN; i++)
		s[i] = i < len ? (uint8_t)('a' + bench_rand(rng) % 26) : 0;
}

void bench_input_strcmp(uint8_t *buf, size_t size)
{
	uint64_t rng = 0x57;
	uint8_t *needle = buf + 8;

	put_u64(buf, bench_rand(&rng));
	random_string(needle, 0, 24, &rng);
	for (size_t j = 0; j < BENCH_STR_COUNT; j++) {
		uint8_t *s = buf + 8 + BENCH_STR_LEN * (j + 1);
		size_t shared = bench_rand(&rng) % 25;

		/* One in eight is the needle itself: those compare all 24 bytes and the NUL. */
		if (bench_rand(&rng) % 8 == 0)
			shared = 25;
		memcpy(s, needle, BENCH_STR_LEN);
		if (shared < 25)
			random_string(s, shared, 8 + bench_rand(&rng) % 23, &rng);
	}
}

void bench_input_switch(uint8_t *buf, size_t size)
{
	bench_fill_random(buf, size, 0x5d);
}

/* One frame into a slot: Ethernet (+ VLAN tag) + IPv4/IPv6 + TCP/UDP, or ARP, or a runt. */
static void make_frame(uint8_t *slot, uint64_t *rng)
{
	uint8_t *f = slot + 4;
	unsigned int kind = bench_rand(rng) % 20, off = 14, len;
	bool vlan = kind == 1 || kind == 2;
	bool v6 = kind >= 14 && kind < 18;

	bench_fill_random(f, BENCH_PKT_SNAPLEN, bench_rand(rng));
	if (kind == 19) { /* a runt */
		put_be16(slot, 10);
		return;
	}
	if (vlan) {
		put_be16(f + 12, 0x8100);
		off = 18;
	}
	if (kind == 18) { /* ARP */
		put_be16(f + off - 2, 0x0806);
		put_be16(slot, off + 28);
		return;
	}
	put_be16(f + off - 2, v6 ? 0x86dd : 0x0800);
	if (v6) {
		f[off + 6] = kind % 2 ? 6 : 17;
		len = off + 40 + 20;
	} else {
		unsigned int ihl = kind == 3 ? 8 : 5; /* one in twenty has IP options */

		f[off] = (uint8_t)(0x40 | ihl);
		f[off + 9] = kind % 3 == 0 ? 17 : kind % 7 == 0 ? 1 : 6;
		len = off + ihl * 4 + 20;
	}
	put_be16(slot, len + bench_rand(rng) % (BENCH_PKT_SNAPLEN - len + 1));
}

void bench_input_packets(uint8_t *buf, size_t size)
{
	uint64_t rng = 0x9a;

	put_u64(buf, bench_rand(&rng));
	for (size_t i = 0; i < BENCH_PKT_COUNT; i++)
		make_frame(buf + 8 + i * BENCH_PKT_SLOT, &rng);
}

/* 4096 keys drawn from 1000 distinct ones (the map holds 1024). */
void bench_input_hash(uint8_t *buf, size_t size)
{
	uint64_t rng = 0x4b;

	put_u64(buf, bench_rand(&rng));
	for (size_t i = 0; i < BENCH_HASH_KEYS; i++) {
		uint32_t key = (uint32_t)(bench_rand(&rng) % 1000) * 2654435761u;

		memcpy(buf + 8 + i * 4, &key, sizeof(key));
	}
}

/* Ports: half of them from the switch's cases (early, late and middle ones alike), half random. */
void bench_input_ports(uint8_t *buf, size_t size)
{
	static const uint16_t known[] = { 20,  21,   22,   25,   53,   67,	  80,	 110,	123, 143,
					  161, 443, 993, 3306, 5432, 6379, 8080, 11211, 27017 };
	uint64_t rng = 0x70;

	put_u64(buf, bench_rand(&rng));
	for (size_t i = 0; i < BENCH_PORT_COUNT; i++) {
		uint64_t r = bench_rand(&rng);
		uint16_t port = r % 2 ? known[(r >> 8) % (sizeof(known) / sizeof(known[0]))]
				      : (uint16_t)(r >> 16);

		memcpy(buf + 8 + i * 2, &port, sizeof(port));
	}
}

/* Random bytes from a fixed seed (the call, copy, stack, fib and tiny programs). */
void bench_input_random(uint8_t *buf, size_t size)
{
	bench_fill_random(buf, size, 0x3c);
}

/* SPDX-License-Identifier: MIT */
/* The execution benchmarks' inputs (bench_inputs.c); each fills buf[0..size) deterministically. */
#ifndef EXTBPF_BENCH_INPUTS_H
#define EXTBPF_BENCH_INPUTS_H

#include <stddef.h>
#include <stdint.h>

#include "bench.h"

void bench_input_alu(uint8_t *buf, size_t size);
void bench_input_primes(uint8_t *buf, size_t size);
void bench_input_checksum(uint8_t *buf, size_t size);
void bench_input_strcmp(uint8_t *buf, size_t size);
void bench_input_switch(uint8_t *buf, size_t size);
void bench_input_packets(uint8_t *buf, size_t size);
void bench_input_hash(uint8_t *buf, size_t size);
void bench_input_ports(uint8_t *buf, size_t size);
void bench_input_random(uint8_t *buf, size_t size);

#endif /* EXTBPF_BENCH_INPUTS_H */

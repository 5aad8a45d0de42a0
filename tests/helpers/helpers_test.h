/* SPDX-License-Identifier: MIT */
/* Calling a global helper as a program does: through the core's table, by Linux id. */
#ifndef EXTBPF_TESTS_HELPERS_TEST_H
#define EXTBPF_TESTS_HELPERS_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/helpers.h"

static inline uint64_t call5(uint32_t id, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
			     uint64_t r5)
{
	uint32_t count;
	const ebpf_helper_fn *table = core_global_helper_table(&count);

	assert_true(id < count);
	assert_non_null(table[id]);
	return table[id](r1, r2, r3, r4, r5);
}

#define CALL0(id)	   call5((id), 0, 0, 0, 0, 0)
#define CALL1(id, a)	   call5((id), (uint64_t)(a), 0, 0, 0, 0)
#define CALL2(id, a, b)	   call5((id), (uint64_t)(a), (uint64_t)(b), 0, 0, 0)
#define CALL3(id, a, b, c) call5((id), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), 0, 0)
#define CALL4(id, a, b, c, d)                                                                      \
	call5((id), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), 0)
#define CALL5(id, a, b, c, d, e)                                                                   \
	call5((id), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), (uint64_t)(e))

/* A pointer argument, as a register holds it. */
#define PTR(p) ((uint64_t)(uintptr_t)(p))

#endif /* EXTBPF_TESTS_HELPERS_TEST_H */

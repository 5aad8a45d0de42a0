/* SPDX-License-Identifier: MIT */
/*
 * The core's own functions called by name, offered to every program type: Linux's open-coded
 * numeric iterator (bpf_iter_num_new / _next / _destroy, kernel/bpf/bpf_iter.c), which
 * libbpf's bpf_for() and bpf_repeat() wrap. The iterator is 8 bytes of the program's stack
 * (struct bpf_iter_num { __u64 __opaque[1]; }) that only these functions touch: the verifier
 * (src/verifier/iter.c) refuses any other access to them, so the layout is ours.
 *
 * The value `next` returns a pointer to stays where it is until the next call: a program may
 * keep the pointer, and each value it read lies in [start, end).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "core/core.h"

/* Linux's BPF_MAX_LOOPS: the most values one iterator gives. */
#define ITER_NUM_MAX	 (1u << 23)
/* In `left`: the value was already returned once (the next call moves it first). */
#define ITER_NUM_STARTED (1u << 31)

struct iter_num {
	int32_t value; /* the value returned last, or the first to return */
	uint32_t left; /* values not returned yet, with ITER_NUM_STARTED */
};

_Static_assert(sizeof(struct iter_num) == 8, "struct bpf_iter_num is 8 bytes");

static uint64_t iter_num_new(uint64_t it, uint64_t start, uint64_t end, uint64_t r4, uint64_t r5)
{
	struct iter_num *s = (struct iter_num *)(uintptr_t)it;
	int64_t from = (int32_t)start, to = (int32_t)end;

	(void)r4;
	(void)r5;
	/* An iterator that failed to start gives nothing (next returns NULL), as Linux's. */
	memset(s, 0, sizeof(*s));
	if (from > to)
		return (uint64_t)(int64_t)-EINVAL;
	if (to - from > ITER_NUM_MAX)
		return (uint64_t)(int64_t)-E2BIG;
	s->value = (int32_t)from;
	s->left = (uint32_t)(to - from);
	return 0;
}

static uint64_t iter_num_next(uint64_t it, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct iter_num *s = (struct iter_num *)(uintptr_t)it;

	(void)r2;
	(void)r3;
	(void)r4;
	(void)r5;
	if (!(s->left & ~ITER_NUM_STARTED))
		return 0;
	if (s->left & ITER_NUM_STARTED)
		s->value++;
	s->left = (s->left - 1) | ITER_NUM_STARTED;
	return (uint64_t)(uintptr_t)&s->value;
}

static uint64_t iter_num_destroy(uint64_t it, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	(void)r2;
	(void)r3;
	(void)r4;
	(void)r5;
	memset((void *)(uintptr_t)it, 0, sizeof(struct iter_num));
	return 0;
}

/*
 * The verifier knows these three by name and checks their calls by its own rules (iterator
 * stack slots, src/verifier/iter.c), not by these argument types: no generic kind says "an
 * iterator slot". The prototypes count for the contract's hash.
 */
static const struct ebpf_helper_proto core_kfunc_protos[] = {
	{ .name = "bpf_iter_num_new",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_ANYTHING, EBPF_ARG_ANYTHING, EBPF_ARG_ANYTHING } },
	{ .name = "bpf_iter_num_next", .ret = EBPF_RET_INTEGER, .args = { EBPF_ARG_ANYTHING } },
	{ .name = "bpf_iter_num_destroy", .ret = EBPF_RET_VOID, .args = { EBPF_ARG_ANYTHING } },
};

static const ebpf_helper_fn core_kfunc_addresses[] = {
	iter_num_new,
	iter_num_next,
	iter_num_destroy,
};

const struct ebpf_helper_proto *core_own_kfunc_find(const char *name, ebpf_helper_fn *fn)
{
	for (size_t i = 0; i < sizeof(core_kfunc_protos) / sizeof(core_kfunc_protos[0]); i++) {
		if (strcmp(core_kfunc_protos[i].name, name))
			continue;
		if (fn)
			*fn = core_kfunc_addresses[i];
		return &core_kfunc_protos[i];
	}
	return NULL;
}

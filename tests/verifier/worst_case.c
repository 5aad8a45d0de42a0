// SPDX-License-Identifier: MIT
/* Generated worst cases for the verifier's own cost (see worst_case.h). */
#include <errno.h>
#include <stdlib.h>

#include "insn.h"
#include "vcases.h"
#include "worst_case.h"

static int wc_alloc(struct wc_prog *p, size_t n)
{
	p->insns = calloc(n, sizeof(*p->insns));
	p->count = n;
	return p->insns ? 0 : -ENOMEM;
}

void wc_free(struct wc_prog *p)
{
	free(p->insns);
	p->insns = NULL;
	p->count = 0;
}

/* The imm of a local call at insn `at` to insn `target`. */
static int32_t call_to(size_t at, size_t target)
{
	return (int32_t)((int64_t)target - (int64_t)at - 1);
}

int wc_straight_line(struct wc_prog *p, size_t n)
{
	size_t i;

	if (n < 2 || wc_alloc(p, n))
		return -ENOMEM;
	p->insns[0] = EBPF_MOV64_IMM(R0, 0);
	for (i = 1; i + 1 < n; i++)
		p->insns[i] = EBPF_ALU64_IMM(EBPF_ALU_ADD, R0, 1);
	p->insns[n - 1] = EBPF_EXIT();
	return 0;
}

int wc_branches(struct wc_prog *p, size_t n, int undecided)
{
	size_t i = 0;
	int32_t k = 1;

	if (n < 3 || wc_alloc(p, n))
		return -ENOMEM;
	p->insns[i++] = undecided ? EBPF_LDX_MEM(W, R2, R1, 0) : EBPF_MOV64_IMM(R2, 5);
	p->insns[i++] = EBPF_MOV64_IMM(R0, 0);
	/* k never 0: the fall-through sides refine nothing, so the taken ones are covered. */
	for (; i + 2 < n; i += 2, k = k % 0xffff + 1) {
		p->insns[i] = EBPF_JMP_IMM(EBPF_JMP_JEQ, R2, k, 1);
		p->insns[i + 1] = EBPF_MOV64_IMM(R3, k);
	}
	for (; i + 1 < n; i++)
		p->insns[i] = EBPF_MOV64_IMM(R0, 0);
	p->insns[n - 1] = EBPF_EXIT();
	return 0;
}

int wc_backward_chain(struct wc_prog *p, size_t n)
{
	size_t i;

	if (n < 6 || wc_alloc(p, n))
		return -ENOMEM;
	p->insns[0] = EBPF_MOV64_IMM(R6, 1);
	p->insns[1] = EBPF_JMP32_A((int32_t)(n - 3)); /* to the last instruction */
	p->insns[2] = EBPF_MOV64_REG(R0, R6);
	p->insns[3] = EBPF_EXIT();
	p->insns[4] = EBPF_JMP_A(-3); /* to 2 */
	for (i = 5; i < n; i++)
		p->insns[i] = EBPF_JMP_A(-2); /* to i - 1 */
	return 0;
}

int wc_subprogs_flat(struct wc_prog *p, size_t nsub)
{
	size_t main_len = nsub + 1, j;

	if (!nsub || wc_alloc(p, main_len + 2 * nsub))
		return -ENOMEM;
	for (j = 0; j < nsub; j++) {
		size_t callee = nsub - 1 - j;

		p->insns[j] = EBPF_CALL_REL(call_to(j, main_len + 2 * callee));
	}
	p->insns[nsub] = EBPF_EXIT(); /* r0 from the last call */
	for (j = 0; j < nsub; j++) {
		p->insns[main_len + 2 * j] = EBPF_MOV64_IMM(R0, 1);
		p->insns[main_len + 2 * j + 1] = EBPF_EXIT();
	}
	return 0;
}

int wc_subprog_chain(struct wc_prog *p, size_t nsub)
{
	size_t j, at;

	if (!nsub || wc_alloc(p, 2 + 2 * nsub))
		return -ENOMEM;
	p->insns[0] = EBPF_CALL_REL(call_to(0, 2 + 2 * (nsub - 1)));
	p->insns[1] = EBPF_EXIT();
	p->insns[2] = EBPF_MOV64_IMM(R0, 1);
	p->insns[3] = EBPF_EXIT();
	for (j = 1; j < nsub; j++) {
		at = 2 + 2 * j;
		p->insns[at] = EBPF_CALL_REL(call_to(at, at - 2));
		p->insns[at + 1] = EBPF_EXIT();
	}
	return 0;
}

#define FILL_INSNS (EBPF_STACK_SIZE / 8)

int wc_deep_calls(struct wc_prog *p, uint32_t depth, uint32_t iters)
{
	size_t i = 0, level, start;
	int s;

	if (depth < 1 || depth > EBPF_MAX_CALL_DEPTH)
		return -EINVAL;
	/* Each caller: fill, call, exit; the innermost: fill, the loop (5 instructions). */
	if (wc_alloc(p, depth * FILL_INSNS + 2 * (depth - 1) + 5))
		return -ENOMEM;
	for (level = 0; level < depth; level++) {
		for (s = 1; s <= FILL_INSNS; s++)
			p->insns[i++] = EBPF_ST_MEM(DW, R10, (int16_t)(-8 * s), (int32_t)level);
		if (level + 1 < depth) {
			start = i + 2;
			p->insns[i] = EBPF_CALL_REL(call_to(i, start));
			i++;
			p->insns[i++] = EBPF_EXIT();
			continue;
		}
		p->insns[i++] = EBPF_MOV64_IMM(R6, 0);
		p->insns[i++] = EBPF_ALU64_IMM(EBPF_ALU_ADD, R6, 1); /* the loop head */
		p->insns[i++] = EBPF_JMP_IMM(EBPF_JMP_JLT, R6, (int32_t)iters, -2);
		p->insns[i++] = EBPF_MOV64_IMM(R0, 0);
		p->insns[i++] = EBPF_EXIT();
	}
	return 0;
}

int wc_stack_loop(struct wc_prog *p, uint32_t iters)
{
	if (wc_alloc(p, 8))
		return -ENOMEM;
	p->insns[0] = EBPF_MOV64_IMM(R1, 0);
	p->insns[1] = EBPF_STX_MEM(DW, R10, R1, -8);
	p->insns[2] = EBPF_LDX_MEM(DW, R1, R10, -8); /* the loop head: r1 is dead here */
	p->insns[3] = EBPF_ALU64_IMM(EBPF_ALU_ADD, R1, 1);
	p->insns[4] = EBPF_STX_MEM(DW, R10, R1, -8);
	p->insns[5] = EBPF_JMP_IMM(EBPF_JMP_JLT, R1, (int32_t)iters, -4);
	p->insns[6] = EBPF_MOV64_IMM(R0, 0);
	p->insns[7] = EBPF_EXIT();
	return 0;
}

int wc_deep_diamonds(struct wc_prog *p, uint32_t depth, uint32_t diamonds)
{
	size_t i = 0, level;
	uint32_t k;
	int s;

	if (depth < 1 || depth > EBPF_MAX_CALL_DEPTH)
		return -EINVAL;
	if (wc_alloc(p, depth * (FILL_INSNS + 4) + 2 * (size_t)diamonds + 8 + 60))
		return -ENOMEM;
	for (level = 0; level < depth; level++) {
		/* r6: fp-8 of the outermost frame, handed down in r1 */
		if (level == 0) {
			p->insns[i++] = EBPF_MOV64_REG(R6, R10);
			p->insns[i++] = EBPF_ALU64_IMM(EBPF_ALU_ADD, R6, -8);
		} else {
			p->insns[i++] = EBPF_MOV64_REG(R6, R1);
		}
		for (s = 1; s <= FILL_INSNS; s++)
			p->insns[i++] = EBPF_ST_MEM(DW, R10, (int16_t)(-8 * s), (int32_t)level);
		if (level + 1 < depth) {
			p->insns[i++] = EBPF_MOV64_REG(R1, R6);
			p->insns[i] = EBPF_CALL_REL(call_to(i, i + 2));
			i++;
			p->insns[i++] = EBPF_EXIT();
			continue;
		}
		p->insns[i++] = EBPF_HELPER_CALL(H_PRANDOM); /* an unknown scalar */
		p->insns[i++] = EBPF_MOV64_REG(R7, R0);
		for (k = 1; k <= diamonds; k++) {
			p->insns[i++] = EBPF_JMP_IMM(EBPF_JMP_JEQ, R7, (int32_t)k, 1);
			/* Half a slot: the rest of it is read (liveness keeps it compared). */
			p->insns[i++] = EBPF_ST_MEM(W, R6, (int16_t)(-8 * (k % 60)), (int32_t)k);
		}
		/* Every slot the diamonds write is read afterwards. */
		for (s = 0; s < 60; s++)
			p->insns[i++] = EBPF_LDX_MEM(DW, R0, R6, (int16_t)(-8 * s));
		p->insns[i++] = EBPF_MOV64_IMM(R0, 0);
		p->insns[i++] = EBPF_EXIT();
	}
	p->count = i;
	return 0;
}

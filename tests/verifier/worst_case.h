/* SPDX-License-Identifier: MIT */
/*
 * Generated worst cases for the verifier's own cost: programs of up to a million instructions
 * shaped to make one phase (liveness, subprogram discovery, checkpoints, loop detection, pending
 * branches) as expensive as it can be. Shared by tests/verifier/test_verifier_budget.c (which
 * bounds the work counters) and bench/bench_verifier.c (which times them). All run as VT_PLAIN.
 */
#ifndef EXTBPF_TESTS_VERIFIER_WORST_CASE_H
#define EXTBPF_TESTS_VERIFIER_WORST_CASE_H

#include <stddef.h>
#include <stdint.h>

#include "isa/isa.h"

struct wc_prog {
	struct ebpf_inst *insns;
	size_t count;
};

/* r0 = 0; r0 += 1 ...; exit: n instructions (n >= 2). */
int wc_straight_line(struct wc_prog *p, size_t n);
/*
 * n instructions of `if r2 == i goto +1; r3 = i` pairs. r2 comes from the context (unknown) when
 * `undecided`, so every jump pushes a branch (r3 is dead: the branches prune each other); else
 * r2 is a constant and the walk follows one side of each.
 */
int wc_branches(struct wc_prog *p, size_t n, int undecided);
/*
 * Liveness's worst case: n instructions, the entry jumps to the last, and each instruction jumps
 * back to the one before it, down to a use of r6 set at the entry. Information crosses one
 * back-edge per sweep of a sweep-until-stable dataflow.
 */
int wc_backward_chain(struct wc_prog *p, size_t n);
/* The main function calls nsub subprograms (`r0 = 1; exit`), the last one first. */
int wc_subprogs_flat(struct wc_prog *p, size_t nsub);
/*
 * nsub subprograms, each called only by the one after it in the layout and the last by the main
 * function: discovery in layout order finds one per pass. Too deep to run (refused by the walk).
 */
int wc_subprog_chain(struct wc_prog *p, size_t nsub);
/*
 * depth frames (1..8), each filling its whole 512-byte stack, the innermost running a loop of
 * iters iterations: many checkpoints, all at full call depth.
 */
int wc_deep_calls(struct wc_prog *p, uint32_t depth, uint32_t iters);
/*
 * A loop of iters iterations whose counter lives only on the stack: at the loop head the live
 * registers are the same in every iteration.
 */
int wc_stack_loop(struct wc_prog *p, uint32_t iters);
/*
 * State comparison's worst case: depth frames of full stacks; the innermost, holding a pointer
 * to the outermost frame's stack, runs `diamonds` undecided branches whose fall-through side
 * writes half of a different slot of that stack each (a narrow store depends on the rest of
 * its slot, so stack liveness keeps the slots compared) and reads them all at the end. The paths multiply, and every comparison of two states
 * walks all the frames before finding the slot that differs.
 */
int wc_deep_diamonds(struct wc_prog *p, uint32_t depth, uint32_t diamonds);
void wc_free(struct wc_prog *p);

#endif /* EXTBPF_TESTS_VERIFIER_WORST_CASE_H */

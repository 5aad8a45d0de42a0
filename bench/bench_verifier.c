// SPDX-License-Identifier: MIT
/*
 * extbpf-bench-verifier: the verifier's own cost on generated worst cases of up to a million
 * instructions (tests/verifier/worst_case.c), against the budget of docs/verifier.md ("Budget").
 * Each case runs in a child process, so that the peak resident size printed is that case's own.
 * The work counters the tests bound (tests/verifier/test_verifier_budget.c) are printed too.
 *
 *   extbpf-bench-verifier [--quick]   (--quick: sizes divided by 100)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vcases.h"
#include "worst_case.h"

struct vcase_gen {
	const char *name;
	int (*gen)(struct wc_prog *p, size_t size);
	size_t size;
};

static int gen_straight(struct wc_prog *p, size_t n)
{
	return wc_straight_line(p, n);
}

static int gen_backward(struct wc_prog *p, size_t n)
{
	return wc_backward_chain(p, n);
}

static int gen_decided(struct wc_prog *p, size_t n)
{
	return wc_branches(p, n, 0);
}

static int gen_undecided(struct wc_prog *p, size_t n)
{
	return wc_branches(p, n, 1);
}

static int gen_flat(struct wc_prog *p, size_t n)
{
	return wc_subprogs_flat(p, n);
}

static int gen_chain(struct wc_prog *p, size_t n)
{
	return wc_subprog_chain(p, n);
}

static int gen_deep(struct wc_prog *p, size_t n)
{
	return wc_deep_calls(p, EBPF_MAX_CALL_DEPTH, (uint32_t)n);
}

static int gen_stack_loop(struct wc_prog *p, size_t n)
{
	return wc_stack_loop(p, (uint32_t)n);
}

static int gen_diamonds(struct wc_prog *p, size_t n)
{
	return wc_deep_diamonds(p, EBPF_MAX_CALL_DEPTH, (uint32_t)n);
}

static const struct vcase_gen cases[] = {
	{ "straight line", gen_straight, 1000000 },
	{ "backward jump chain", gen_backward, 1000000 },
	{ "decided branches", gen_decided, 1000000 },
	{ "undecided branches", gen_undecided, 16000 },
	{ "undecided branches", gen_undecided, 1000000 },
	{ "subprograms, flat", gen_flat, 300000 },
	{ "subprograms, chain", gen_chain, 450000 },
	{ "depth 8 full stacks, loop", gen_deep, 100000 },
	{ "depth 8 full stacks, loop", gen_deep, 600000 },
	{ "depth 8, diamonds", gen_diamonds, 2000 },
	{ "depth 8, diamonds", gen_diamonds, 100000 },
	{ "loop, counter on stack", gen_stack_loop, 240000 },
	{ "loop, counter on stack", gen_stack_loop, 400000 },
};

/* What the child reports to the parent. */
struct outcome {
	int error;
	size_t insns;
	double seconds;
	struct verifier_result res;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_case(const struct vcase_gen *c, size_t size, struct outcome *out)
{
	static struct vcase vc;
	struct verifier_input in;
	struct wc_prog p;
	double t0;

	if (c->gen(&p, size))
		return -ENOMEM;
	memset(&vc, 0, sizeof(vc));
	vc.type = VT_PLAIN;
	vt_input(&in, &vc);
	in.insns = p.insns;
	in.insn_count = p.count;
	out->insns = p.count;
	t0 = now_s();
	out->error = verifier_verify(&in, &out->res);
	out->seconds = now_s() - t0;
	wc_free(&p);
	return 0;
}

/* Runs the case in a child; returns its peak resident size in KiB, or -1. */
static long run_child(const struct vcase_gen *c, size_t size, struct outcome *out)
{
	int fds[2], status;
	struct rusage ru;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		struct outcome o = { 0 };

		close(fds[0]);
		if (run_case(c, size, &o) || write(fds[1], &o, sizeof(o)) != sizeof(o))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], out, sizeof(*out)) != sizeof(*out))
		out->error = -EIO;
	close(fds[0]);
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return ru.ru_maxrss;
}

static const char *verdict(int error)
{
	switch (error) {
	case 0:
		return "accepted";
	case -E2BIG:
		return "too complex";
	case -EACCES:
		return "refused";
	default:
		return "error";
	}
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && !strcmp(argv[1], "--quick");
	double load[3] = { 0 };
	size_t i;

	if (getloadavg(load, 3) < 0)
		load[0] = load[1] = load[2] = -1;
	printf("verifier worst cases (docs/verifier.md, Budget: 30 s and 1 GB for any input of up "
	       "to 1,000,000 instructions)\nload average %.2f %.2f %.2f\n\n",
	       load[0], load[1], load[2]);
	printf("%-27s %8s %11s %8s %9s %8s %9s %9s %9s %8s\n", "case", "size", "verdict", "seconds",
	       "max RSS", "states", "processed", "liveness", "compares", "kept");
	printf("%-27s %8s %11s %8s %9s %8s %9s %9s %9s %8s\n", "", "", "", "", "MiB", "MiB", "",
	       "steps", "", "");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct vcase_gen *c = &cases[i];
		size_t size = quick ? c->size / 100 : c->size;
		struct outcome o = { 0 };
		long rss = run_child(c, size, &o);

		if (rss < 0) {
			printf("%-27s %8zu failed to run\n", c->name, size);
			return 1;
		}
		printf("%-27s %8zu %11s %8.2f %9.1f %8.1f %9llu %9llu %9llu %8llu\n", c->name,
		       o.insns, verdict(o.error), o.seconds, rss / 1024.0,
		       o.res.peak_state_bytes / 1048576.0,
		       (unsigned long long)o.res.insns_processed,
		       (unsigned long long)o.res.liveness_steps,
		       (unsigned long long)o.res.states_compared,
		       (unsigned long long)o.res.states_kept);
		if (o.error && o.error != -E2BIG && o.error != -EACCES) {
			printf("  unexpected: %s\n", o.res.message);
			return 1;
		}
	}
	return 0;
}

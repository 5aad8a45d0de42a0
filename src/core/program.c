/* SPDX-License-Identifier: MIT */
/* Program objects: reference counts, accessors, tail-call lookup and the test run. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/btf_attach.h"
#include "core/core.h"
#include "core/error.h"
#include "core/rcu.h"
#include "core/run_slot.h"
#include "maps/maps.h"

void ebpf_program_acquire(struct ebpf_program *program)
{
	atomic_fetch_add(&program->refcount, 1);
}

/* Unlinks the program from its type, then frees it (no invocation can reach it any more: links
 * hold a reference, and program arrays too). */
void core_program_destroy(struct ebpf_program *program)
{
	struct core_progtype *type = program->type;

	core_id_remove(CORE_PROGRAM, program->id);
	if (type) {
		core_lock();
		for (struct ebpf_program **p = &type->programs; *p; p = &(*p)->type_next) {
			if (*p == program) {
				*p = program->type_next;
				break;
			}
		}
		core_unlock();
		core_progtype_put(type);
	}
	if (program->exec)
		exec_program_destroy(program->exec);
	for (size_t i = 0; i < program->map_count; i++)
		ebpf_map_release(program->maps[i]);
	free(program->maps);
	core_program_contract_free(program);
	core_program_kfuncs_free(program);
	free(program->type_helpers);
	free(program->global_helpers);
	free(program->ctx_calls);
	free(program->insns);
	free(program->xlated);
	free(program->portable);
	free(program->name);
	free(program->section);
	free(program->type_name);
	core_btf_blob_put(program->btf);
	free(program);
}

void ebpf_program_release(struct ebpf_program *program)
{
	if (program && atomic_fetch_sub(&program->refcount, 1) == 1)
		core_program_destroy(program);
}

const char *ebpf_program_name(const struct ebpf_program *program)
{
	return program->name;
}

const char *ebpf_program_section(const struct ebpf_program *program)
{
	return program->section;
}

const char *ebpf_program_type_name(const struct ebpf_program *program)
{
	return program->type_name;
}

enum ebpf_exec_mode ebpf_program_mode(const struct ebpf_program *program)
{
	return program->mode;
}

const struct ebpf_inst *ebpf_program_insns(const struct ebpf_program *program, size_t *count)
{
	if (count)
		*count = program->insn_count;
	return program->insns;
}

int ebpf_program_jited(const struct ebpf_program *program, const uint8_t **code, size_t *size,
		       const uint32_t **offsets)
{
	core_error_clear();
	if (!program->exec || exec_program_engine(program->exec) != EXEC_JIT)
		return core_error(-ENOENT, "program '%s' does not run in the JIT (mode %s)",
				  program->name,
				  program->mode == EBPF_MODE_INTERP   ? "interp"
				  : program->mode == EBPF_MODE_NATIVE ? "native"
								      : "none");
	*code = exec_program_jited(program->exec, size, offsets);
	return 0;
}

uint32_t ebpf_program_id(const struct ebpf_program *program)
{
	return program->id;
}

/* Inside an invocation (RCU read side): the array holds a reference on each program in it. */
const struct exec_program *core_tail_call(void *prog_array, uint32_t index)
{
	const struct ebpf_program *target = map_object_at(prog_array, index);

	if (!target || !atomic_load_explicit(&target->usable, memory_order_acquire))
		return NULL;
	return target->exec;
}

uint64_t core_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The options the caller's version of the structure has; the rest read as zero. */
static void copy_opts(struct ebpf_test_run_opts *dst, const struct ebpf_test_run_opts *src)
{
	size_t size = src->sz < sizeof(*dst) ? src->sz : sizeof(*dst);

	memset(dst, 0, sizeof(*dst));
	memcpy(dst, src, size);
}

static void copy_back(struct ebpf_test_run_opts *dst, const struct ebpf_test_run_opts *src)
{
	size_t size = dst->sz < sizeof(*dst) ? dst->sz : sizeof(*dst);

	memcpy(dst, src, size);
}

/*
 * A run of many repeats leaves the read-side critical section (and gives its per-CPU slot
 * back) every CORE_RUN_SECTION_RUNS runs, as Linux's test runs leave theirs when they must
 * reschedule: inside one section for all the repeats, nothing a program replaced could be
 * reclaimed before the end, and a hash map updated in a loop would grow by an element per run.
 * Between two sections the thread also waits while more than CORE_RUN_BACKLOG_MAX
 * reclamations are pending, so that a loop of updates cannot outrun the reclaimer for long.
 */
#define CORE_RUN_SECTION_RUNS 256u
#define CORE_RUN_BACKLOG_MAX  1024u

/* One read-side section of runs, holding a per-CPU slot. */
static uint64_t run_section(struct exec_program *exec, uint64_t r1, uint64_t r2, uint32_t n)
{
	uint64_t result = 0;

	core_rcu_read_lock();
	core_run_slot_enter();
	for (uint32_t i = 0; i < n; i++)
		result = exec_program_run(exec, r1, r2);
	core_run_slot_exit();
	core_rcu_read_unlock();
	return result;
}

uint64_t core_run_repeated(struct exec_program *exec, uint64_t r1, uint64_t r2, uint32_t repeat,
			   ebpf_run_progress_fn progress, void *arg, uint64_t *r0)
{
	uint64_t start = core_now_ns(), result = 0;
	uint32_t done = 0, next_progress = EBPF_RUN_PROGRESS_RUNS;

	if (!repeat)
		repeat = 1;
	while (done < repeat) {
		uint32_t block = repeat - done;

		if (block > CORE_RUN_SECTION_RUNS)
			block = CORE_RUN_SECTION_RUNS;
		if (progress && block > next_progress - done)
			block = next_progress - done;
		result = run_section(exec, r1, r2, block);
		done += block;
		core_rcu_throttle(CORE_RUN_BACKLOG_MAX);
		if (progress && done == next_progress && done < repeat) {
			progress(arg, done, repeat);
			next_progress += EBPF_RUN_PROGRESS_RUNS;
		}
	}
	*r0 = result;
	return (core_now_ns() - start) / repeat;
}

/* The program type stays in use (its extension loaded) for the whole run. */
static int test_run_typed(struct ebpf_program *program, struct core_progtype *type,
			  struct ebpf_test_run_opts *o)
{
	const struct ebpf_program_info *info = &type->info;
	void *ctx = NULL;
	int err;

	if (!info->context_create || !info->context_destroy)
		return core_error(-EOPNOTSUPP,
				  "program '%s': program type '%s' does not support test runs",
				  program->name, program->type_name);
	err = info->context_create(o->data_in, o->data_size_in, o->ctx_in, o->ctx_size_in, &ctx);
	if (err)
		return core_error(err, "program '%s': program type '%s' refused the test input: %s",
				  program->name, program->type_name, strerror(-err));
	o->duration_ns = core_run_repeated(program->exec, (uint64_t)(uintptr_t)ctx, 0, o->repeat,
					   o->progress, o->progress_arg, &o->retval);
	info->context_destroy(ctx, o->data_out, &o->data_size_out, o->ctx_out, &o->ctx_size_out);
	return 0;
}

int ebpf_program_test_run(struct ebpf_program *program, struct ebpf_test_run_opts *opts)
{
	struct ebpf_test_run_opts o;
	struct core_progtype *type;
	int err;

	core_error_clear();
	if (!program || !opts || opts->sz < offsetof(struct ebpf_test_run_opts, repeat))
		return core_error(-EINVAL, "test run: no program or options too small");
	if (!program->exec)
		return core_error(-EPERM, "program '%s': loaded for verification only, cannot run",
				  program->name);
	copy_opts(&o, opts);
	/* Holding the type rather than one read-side section over the run: an extension
	 * unloading meanwhile waits for the run to end (its programs turn dormant at once). */
	err = core_progtype_use_program(program, &type);
	if (err)
		return err;
	err = test_run_typed(program, type, &o);
	core_progtype_unuse(type);
	core_progtype_put(type);
	if (!err)
		copy_back(opts, &o);
	return err;
}

/* SPDX-License-Identifier: MIT */
/*
 * The native engine at run time: translate one program to C, compile it with the system C
 * compiler and load the shared object. Hosts that must not generate code at run time compile
 * ahead of time instead (`extbpf compile`); this path serves `--mode native` on raw programs and
 * the conformance suite, and shares the translation and the run-time glue with it.
 */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exec/native.h"
#include "isa/isa.h"

extern char **environ;

struct native_code {
	void *handle;
	native_entry_fn entry;
	struct native_env env;
	/* Relocation tables of a program compiled ahead of time (owned; NULL otherwise). */
	void **maps;
	uint64_t *values;
};

/* How long the C compiler may run, in seconds: EXTBPF_NATIVE_CC_TIMEOUT or the default. */
static int native_cc_timeout(unsigned long *seconds, char *err, size_t err_size)
{
	const char *s = getenv("EXTBPF_NATIVE_CC_TIMEOUT");
	char *end;

	*seconds = NATIVE_CC_TIMEOUT;
	if (!s || !*s)
		return 0;
	errno = 0;
	*seconds = strtoul(s, &end, 10);
	if (errno || *end || *seconds < 1 || *seconds > 86400)
		return exec_error(err, err_size, -EINVAL,
				  "EXTBPF_NATIVE_CC_TIMEOUT='%s' is not a number of seconds from 1 "
				  "to 86400",
				  s);
	return 0;
}

static uint64_t native_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Waits for the compiler; past the deadline its whole process group (the driver, cc1, as, ld)
 * is killed and reaped, and -ETIMEDOUT returned. */
static int native_cc_wait(pid_t pid, unsigned long seconds, int *status)
{
	const struct timespec nap = { .tv_nsec = 10 * 1000 * 1000 };
	const uint64_t deadline = native_now_ms() + (uint64_t)seconds * 1000;

	for (;;) {
		pid_t done = waitpid(pid, status, WNOHANG);

		if (done == pid)
			return 0;
		if (done < 0 && errno != EINTR)
			return -errno;
		if (native_now_ms() >= deadline)
			break;
		nanosleep(&nap, NULL);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return -ETIMEDOUT;
}

/* Large functions make the optimiser superlinear: -O2 only up to NATIVE_O2_MAX_INSNS. */
static const char *native_cc_opt_level(size_t insn_count)
{
	return insn_count <= NATIVE_O2_MAX_INSNS ? "-O2" : "-O1";
}

int native_cc(const char *c_path, const char *so_path, size_t insn_count, char *err,
	      size_t err_size)
{
	const char *cc = getenv("CC") && *getenv("CC") ? getenv("CC") : "cc";
	char *const argv[] = {
		(char *)cc,	(char *)native_cc_opt_level(insn_count),
		"-shared",	"-fPIC",
		"-w",		"-fno-strict-aliasing",
		"-o",		(char *)so_path,
		(char *)c_path, NULL,
	};
	posix_spawnattr_t attr;
	unsigned long seconds;
	pid_t pid;
	int status;
	int ret = native_cc_timeout(&seconds, err, err_size);

	if (ret)
		return ret;
	/* A process group of its own, so that a timeout kills every process it started. */
	ret = posix_spawnattr_init(&attr);
	if (!ret)
		ret = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	if (!ret)
		ret = posix_spawnattr_setpgroup(&attr, 0);
	if (!ret)
		ret = posix_spawnp(&pid, cc, NULL, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	if (ret)
		return exec_error(err, err_size, -ret, "cannot run the C compiler '%s': %s", cc,
				  strerror(ret));
	ret = native_cc_wait(pid, seconds, &status);
	if (ret || !WIFEXITED(status) || WEXITSTATUS(status))
		unlink(so_path); /* whatever a failed run left there is not a shared object */
	if (ret == -ETIMEDOUT)
		return exec_error(
		    err, err_size, ret,
		    "'%s' did not compile the translated program (%zu instructions) "
		    "within %lu s: use the JIT or the interpreter, or allow more time "
		    "with EXTBPF_NATIVE_CC_TIMEOUT",
		    cc, insn_count, seconds);
	if (ret)
		return exec_error(err, err_size, ret, "waiting for '%s': %s", cc, strerror(-ret));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return exec_error(err, err_size, -ENOEXEC,
				  "'%s' failed to compile the translated program %s", cc, c_path);
	return 0;
}

/* Tail calls from native code: the target runs to completion in place of the calling function
 * (frame `depth`), and its r0 is that function's. Returns 1 when it ran, 0 (with the error in
 * *r0, as the interpreter leaves it) when the tail call failed. */
static int native_tail_call(const struct native_env *env, struct native_state *state,
			    uint32_t depth, uint64_t ctx, uint64_t map, uint64_t index,
			    uint64_t *r0)
{
	const struct exec_program *self = env->runtime;
	const struct exec_program *target = NULL;
	int err;

	*r0 = (uint64_t)(int64_t)-E2BIG;
	if (!self->helpers.tail_call)
		return 0;
	if (state->tail_calls < EBPF_MAX_TAIL_CALLS)
		target = self->helpers.tail_call((void *)(uintptr_t)map, (uint32_t)index);
	err = exec_tail_call_error(target, state->tail_calls, depth);
	if (err) {
		*r0 = (uint64_t)(int64_t)err;
		return 0;
	}
	state->tail_calls++;
	if (target->engine == EXEC_NATIVE && target->engine_data) {
		const struct native_code *code = target->engine_data;

		state->depth = depth;
		*r0 = code->entry(ctx, 0, &code->env, state);
	} else {
		*r0 = exec_program_run(target, ctx, 0);
	}
	return 1;
}

/* bpf_for_each_map_elem from native code: the walk as the other engines run it (exec.h). */
static uint64_t native_for_each(const struct native_env *env, struct native_state *state,
				uint32_t depth, uint64_t map, uint64_t fn, uint64_t cb_ctx,
				uint64_t flags, uint64_t prog_ctx)
{
	const struct exec_program *self = env->runtime;
	struct exec_map_walk walk;
	void *value;

	if (flags)
		return (uint64_t)(int64_t)-EINVAL;
	if (!self->helpers.map_walk)
		return (uint64_t)(int64_t)-EOPNOTSUPP;
	memset(&walk, 0, offsetof(struct exec_map_walk, key));
	walk.map = (void *)(uintptr_t)map;
	while ((value = self->helpers.map_walk(&walk))) {
		uint64_t ret =
		    ((native_fn)(uintptr_t)fn)(map, (uintptr_t)walk.key, (uintptr_t)value, cb_ctx,
					       0, env, state, depth + 1, prog_ctx);

		if (ret || state->unwound)
			break;
	}
	return walk.visited;
}

static uint64_t native_callx(const struct native_env *env, struct native_state *state, uint64_t id,
			     uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	const struct exec_program *self = env->runtime;
	ebpf_helper_fn fn = NULL;

	switch (interp_resolve_helper(&self->helpers, id, &fn)) {
	case INTERP_CALL_PLAIN:
		return fn(r1, r2, r3, r4, r5);
	case INTERP_CALL_UNWIND:
		state->unwound = r1 == 0;
		return r1;
	default:
		return (uint64_t)-EINVAL;
	}
}

static void native_env_init(struct native_code *code, const struct exec_program *program)
{
	code->env = (struct native_env){
		.global = program->helpers.global,
		.global_count = program->helpers.global_count,
		.type = program->helpers.type,
		.type_count = program->helpers.type_count,
		.maps = code->maps,
		.values = code->values,
		.tail_call = native_tail_call,
		.callx = native_callx,
		.runtime = program,
		.kfunc = program->helpers.kfunc,
		.kfunc_count = program->helpers.kfunc_count,
		.for_each = native_for_each,
	};
}

/* Hands the compiled code to the program: exec_program_run calls the entry directly. */
static void native_publish(struct exec_program *program, struct native_code *code)
{
	program->engine_data = code;
	program->native_entry = code->entry;
	program->native_env = &code->env;
}

static void native_code_free(struct native_code *code)
{
	if (!code)
		return;
	if (code->handle)
		dlclose(code->handle);
	free(code->maps);
	free(code->values);
	free(code);
}

/* Each bound program opens the shared object itself: the dynamic loader counts the opens, so the
 * code stays mapped as long as any program of it lives, whatever its object does. */
int native_bind(struct exec_program *program, const struct exec_native_binding *binding, char *err,
		size_t err_size)
{
	struct native_code *code = calloc(1, sizeof(*code));
	size_t n = binding->count ? binding->count : 1;
	int ret = -ENOMEM;

	if (!code)
		return exec_error(err, err_size, ret, "out of memory");
	code->maps = calloc(n, sizeof(*code->maps));
	code->values = calloc(n, sizeof(*code->values));
	if (!code->maps || !code->values) {
		exec_error(err, err_size, ret, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < binding->count; i++) {
		code->maps[i] = binding->maps[i];
		code->values[i] = binding->values[i];
	}
	code->handle = dlopen(binding->so_path, RTLD_NOW | RTLD_LOCAL);
	if (!code->handle) {
		ret = exec_error(err, err_size, -ENOEXEC, "cannot load %s: %s", binding->so_path,
				 dlerror());
		goto fail;
	}
	code->entry = (native_entry_fn)dlsym(code->handle, binding->symbol);
	if (!code->entry) {
		ret = exec_error(err, err_size, -ENOEXEC, "%s has no function '%s'",
				 binding->so_path, binding->symbol);
		goto fail;
	}
	native_env_init(code, program);
	native_publish(program, code);
	return 0;
fail:
	native_code_free(code);
	return ret;
}

static int write_translation(const struct exec_program *program, const char *c_path, char *err,
			     size_t err_size)
{
	FILE *out = fopen(c_path, "w");
	int ret;

	if (!out)
		return exec_error(err, err_size, -errno, "cannot write %s: %s", c_path,
				  strerror(errno));
	native_write_prelude(out);
	ret = native_translate(program->insns, program->count, "ebpf_program", &program->helpers,
			       out, err, err_size);
	if (fclose(out) && !ret)
		ret = exec_error(err, err_size, -EIO, "cannot write %s", c_path);
	return ret;
}

int native_compile(struct exec_program *program, char *err, size_t err_size)
{
	char dir[] = "/tmp/extbpf-native-XXXXXX";
	char c_path[sizeof(dir) + 16], so_path[sizeof(dir) + 16];
	struct native_code *code = NULL;
	int ret;

	if (!mkdtemp(dir))
		return exec_error(err, err_size, -errno,
				  "cannot create a directory for native "
				  "code: %s",
				  strerror(errno));
	snprintf(c_path, sizeof(c_path), "%s/prog.c", dir);
	snprintf(so_path, sizeof(so_path), "%s/prog.so", dir);

	ret = write_translation(program, c_path, err, err_size);
	if (!ret)
		ret = native_cc(c_path, so_path, program->count, err, err_size);
	if (ret)
		goto out;
	code = calloc(1, sizeof(*code));
	if (!code) {
		ret = exec_error(err, err_size, -ENOMEM, "out of memory");
		goto out;
	}
	code->handle = dlopen(so_path, RTLD_NOW | RTLD_LOCAL);
	if (!code->handle) {
		ret = exec_error(err, err_size, -ENOEXEC, "cannot load native code: %s", dlerror());
		goto out;
	}
	code->entry = (native_entry_fn)dlsym(code->handle, "ebpf_program");
	if (!code->entry) {
		ret = exec_error(err, err_size, -ENOEXEC, "native code has no entry point");
		goto out;
	}
	native_env_init(code, program);
	native_publish(program, code);
	code = NULL;
out:
	native_code_free(code);
	unlink(c_path);
	unlink(so_path);
	rmdir(dir);
	return ret;
}

void native_set_helpers(struct exec_program *program)
{
	if (program->engine_data)
		native_env_init(program->engine_data, program);
}

void native_free(struct exec_program *program)
{
	native_code_free(program->engine_data);
	program->engine_data = NULL;
	program->native_entry = NULL;
	program->native_env = NULL;
}

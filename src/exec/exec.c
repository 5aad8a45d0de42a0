/* SPDX-License-Identifier: MIT */
/*
 * The engine-independent half of src/exec: every program is validated and pre-decoded for the
 * interpreter first (the checked mode needs that form whatever the engine), then handed to its
 * engine. A new engine adds one case to exec_engine_compile, exec_program_run and
 * exec_engine_free, and keeps its compiled form in program->engine_data.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "exec/exec_internal.h"
#include "exec/jit.h"
#include "exec/native.h"

int exec_error(char *err, size_t err_size, int ret, const char *fmt, ...)
{
	va_list ap;

	if (!err || !err_size)
		return ret;
	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
	return ret;
}

static const char *exec_engine_name(enum exec_engine engine)
{
	switch (engine) {
	case EXEC_INTERP:
		return "interpreter";
	case EXEC_JIT:
		return "JIT";
	case EXEC_NATIVE:
		return "native";
	}
	return "unknown";
}

static int exec_engine_compile(struct exec_program *program, char *err, size_t err_size)
{
	switch (program->engine) {
	case EXEC_INTERP:
		return 0; /* interp_prepare did all the work */
	case EXEC_JIT:
		if (!jit_available())
			break;
		return jit_compile(program, err, err_size);
	case EXEC_NATIVE:
		return native_compile(program, err, err_size);
	}
	return exec_error(err, err_size, -EOPNOTSUPP, "the %s engine is not available here",
			  exec_engine_name(program->engine));
}

/* Frees what exec_engine_compile made (the interpreter has no engine_data). */
static void exec_engine_free(struct exec_program *program)
{
	if (!program->engine_data)
		return;
	if (program->engine == EXEC_JIT)
		jit_free(program);
	else if (program->engine == EXEC_NATIVE)
		native_free(program);
}

/* Validates and pre-decodes a new program; the engine's own work is the caller's. */
static int exec_program_new(const struct ebpf_inst *insns, size_t count, enum exec_engine engine,
			    const struct exec_helpers *helpers, struct exec_program **program,
			    char *err, size_t err_size)
{
	static const struct exec_helpers no_helpers;
	struct exec_program *prog;
	int ret;

	*program = NULL;
	if (engine != EXEC_INTERP && engine != EXEC_JIT && engine != EXEC_NATIVE)
		return exec_error(err, err_size, -EINVAL, "unknown execution engine %d", engine);
	if (!insns && count)
		return exec_error(err, err_size, -EINVAL, "no instructions given");
	prog = calloc(1, sizeof(*prog));
	if (!prog)
		return exec_error(err, err_size, -ENOMEM, "out of memory");
	prog->engine = engine;
	prog->insns = insns;
	prog->count = count;
	prog->helpers = helpers ? *helpers : no_helpers;

	ret = interp_prepare(prog, err, err_size);
	if (ret) {
		exec_program_destroy(prog);
		return ret;
	}
	*program = prog;
	return 0;
}

int exec_program_create(const struct ebpf_inst *insns, size_t count, enum exec_engine engine,
			const struct exec_helpers *helpers, struct exec_program **program,
			char *err, size_t err_size)
{
	int ret = exec_program_new(insns, count, engine, helpers, program, err, err_size);

	if (!ret)
		ret = exec_engine_compile(*program, err, err_size);
	if (ret && *program) {
		exec_program_destroy(*program);
		*program = NULL;
	}
	return ret;
}

int exec_program_create_bound(const struct ebpf_inst *insns, size_t count,
			      const struct exec_helpers *helpers,
			      const struct exec_native_binding *binding,
			      struct exec_program **program, char *err, size_t err_size)
{
	int ret = exec_program_new(insns, count, EXEC_NATIVE, helpers, program, err, err_size);

	if (!ret)
		ret = native_bind(*program, binding, err, err_size);
	if (ret && *program) {
		exec_program_destroy(*program);
		*program = NULL;
	}
	return ret;
}

/*
 * Decoding resolved every helper call to an address (the interpreter's pre-decoded form, the
 * JIT's call targets, native code's tables): resolve them all again against the new tables.
 */
int exec_program_set_helpers(struct exec_program *program, const struct exec_helpers *tables,
			     char *err, size_t err_size)
{
	int ret;

	program->helpers.global = tables->global;
	program->helpers.global_count = tables->global_count;
	program->helpers.type = tables->type;
	program->helpers.type_count = tables->type_count;
	program->helpers.kfunc = tables->kfunc;
	program->helpers.kfunc_count = tables->kfunc_count;
	free(program->code);
	program->code = NULL;
	ret = interp_prepare(program, err, err_size);
	if (ret)
		return ret;
	switch (program->engine) {
	case EXEC_JIT:
		jit_free(program);
		return jit_compile(program, err, err_size);
	case EXEC_NATIVE:
		native_set_helpers(program);
		return 0;
	default:
		return 0;
	}
}

void exec_program_destroy(struct exec_program *program)
{
	if (!program)
		return;
	exec_engine_free(program);
	free(program->code);
	free(program);
}

enum exec_engine exec_program_engine(const struct exec_program *program)
{
	return program->engine;
}

bool exec_call_takes_ctx(const struct exec_helpers *helpers, size_t i)
{
	return helpers->ctx_calls && helpers->ctx_calls[i];
}

const uint8_t *exec_program_jited(const struct exec_program *program, size_t *size,
				  const uint32_t **offsets)
{
	return jit_code(program, size, offsets);
}

uint64_t exec_program_run(const struct exec_program *program, uint64_t r1, uint64_t r2)
{
	switch (program->engine) {
	case EXEC_JIT:
		return program->jit_entry(r1, r2);
	case EXEC_NATIVE:
		return program->native_entry(r1, r2, program->native_env, NULL);
	default:
		return interp_run(program, r1, r2);
	}
}

int exec_program_run_checked(const struct exec_program *program, uint64_t r1, uint64_t r2,
			     const struct exec_checked_opts *opts, uint64_t *r0, char *err,
			     size_t err_size)
{
	return interp_run_checked(program, r1, r2, opts, r0, err, err_size);
}

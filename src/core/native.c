/* SPDX-License-Identifier: MIT */
/*
 * Native mode ahead of time (eBPF for Windows' bpf2c): an ELF object's programs, verified, become
 * one C file and, through the system C compiler, one shared object. The shared object carries
 * the ELF object it came from (its maps and global data are created from it at load, as for any
 * object) and, per program, the hash of the program type contract it was verified against: when
 * the loaded extension offers another contract, the program must be verified and compiled again.
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/contract.h"
#include "core/core.h"
#include "core/helpers.h"
#include "isa/isa.h"
#include "core/error.h"
#include "exec/native.h"
#include "loader/loader.h"

/* ---- the contract hash -------------------------------------------------------------------- */

/* Everything the verifier reads of a program type: its context and its helpers' prototypes. */
/* The helper `id` names for a program of type info: the core's first, as the verifier finds it. */
static uint64_t hash_helper_call(uint64_t h, const struct ebpf_program_info *info, uint32_t id)
{
	const struct ebpf_helper_proto *proto = NULL;

	if (id < EBPF_PROGRAM_TYPE_HELPER_ID_BASE)
		proto = core_global_helper_proto(id);
	if (!proto)
		proto = core_type_helper_proto(info, id);
	h = core_hash_u64(h, id);
	return proto ? core_hash_helper(h, proto) : h;
}

/*
 * Only what prog's verification depended on: the type, its context layout and the prototypes
 * of the helpers and kfuncs prog calls (resolved already). A helper the extension adds later
 * changes nothing here, so its compiled images stay valid; a changed prototype of a called one
 * refuses them.
 */
uint64_t core_contract_hash(const struct ebpf_program *prog, const struct ebpf_program_info *info)
{
	uint64_t h = core_hash_u64(CORE_HASH_BASIS, NATIVE_ABI_VERSION);

	h = core_hash_str(h, info->name);
	h = core_hash(h, &info->program_type, sizeof(info->program_type));
	h = core_hash_context(h, info);
	for (size_t i = 0; i < prog->insn_count; i++) {
		const struct ebpf_inst *insn = &prog->insns[i];

		if (insn->code == EBPF_OP_CALL && insn->src_reg == EBPF_CALL_HELPER)
			h = hash_helper_call(h, info, (uint32_t)insn->imm);
	}
	for (uint32_t i = 0; i < prog->contract.kfunc_count; i++) {
		const struct core_used_kfunc *used = &prog->contract.kfuncs[i];

		if (used->name)
			h = core_hash_u64(core_hash_str(h, used->name), used->hash);
	}
	return h;
}

/* ---- compiling ---------------------------------------------------------------------------- */

static void write_bytes(FILE *out, const unsigned char *data, size_t size)
{
	for (size_t i = 0; i < size; i++)
		fprintf(out, "%s0x%02x,", i % 16 ? " " : "\n\t", data[i]);
}

static int write_programs(FILE *out, const struct ebpf_object *obj, char *err, size_t err_size)
{
	for (size_t i = 0; i < obj->program_count; i++) {
		const struct ebpf_program *prog = obj->programs[i];
		const struct exec_helpers calls = { .ctx_calls = prog->ctx_calls };
		char symbol[48];
		int ret;

		snprintf(symbol, sizeof(symbol), "extbpf_prog_%zu", i);
		/* No names here: text from the object goes only into escaped literals. */
		fprintf(out, "\n/* program %zu */\n", i);
		ret = native_translate(prog->portable, prog->insn_count, symbol, &calls, out, err,
				       err_size);
		if (ret)
			return core_error(ret, "section '%s': %s", prog->section, err);
	}
	return 0;
}

static void write_table(FILE *out, const struct ebpf_object *obj, const void *elf, size_t elf_size)
{
	fprintf(out, "\nstatic const struct native_program_entry programs[] = {\n");
	for (size_t i = 0; i < obj->program_count; i++) {
		const struct ebpf_program *prog = obj->programs[i];

		/* Names come from the object (ELF symbols and sections) and the extension: any
		 * bytes, written only as escaped string literals. */
		fputs("\t{ ", out);
		native_write_string(out, prog->name);
		fputs(", ", out);
		native_write_string(out, prog->section);
		fputs(", ", out);
		native_write_string(out, prog->type_name);
		fprintf(out, ", UINT64_C(0x%016llx), \"extbpf_prog_%zu\" },\n",
			(unsigned long long)core_contract_hash(prog, &prog->type->info), i);
	}
	fprintf(out, "};\nstatic const unsigned char elf[] = {");
	write_bytes(out, elf, elf_size);
	fprintf(out,
		"\n};\n__attribute__((visibility(\"default\"))) const struct native_object_table "
		"%s = { %d, %zu, programs, elf, sizeof(elf) };\n",
		NATIVE_OBJECT_SYMBOL, NATIVE_ABI_VERSION, obj->program_count);
}

static int write_c(const char *c_path, const struct ebpf_object *obj, const void *elf,
		   size_t elf_size)
{
	char err[256] = "";
	FILE *out = fopen(c_path, "w");
	int ret;

	if (!out)
		return core_error(-errno, "cannot write %s: %s", c_path, strerror(errno));
	native_write_prelude(out);
	ret = write_programs(out, obj, err, sizeof(err));
	if (!ret)
		write_table(out, obj, elf, elf_size);
	if (fclose(out) && !ret)
		ret = core_error(-EIO, "cannot write %s", c_path);
	return ret;
}

static int read_whole(const char *path, void **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	long len;
	int ret = 0;

	if (!f)
		return core_error(-errno, "object '%s': %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		ret = core_error(-EIO, "object '%s': cannot read it", path);
		goto out;
	}
	*data = malloc((size_t)len + 1);
	if (!*data) {
		ret = core_error(-ENOMEM, "object '%s': out of memory", path);
		goto out;
	}
	*size = fread(*data, 1, (size_t)len, f);
	if (*size != (size_t)len) {
		free(*data);
		ret = core_error(-EIO, "object '%s': short read", path);
	}
out:
	fclose(f);
	return ret;
}

static size_t total_insns(const struct ebpf_object *obj)
{
	size_t total = 0;

	for (size_t i = 0; i < obj->program_count; i++)
		total += obj->programs[i]->insn_count;
	return total;
}

int ebpf_object_compile_native(const char *path, const char *so_path,
			       const struct ebpf_object_open_opts *opts)
{
	char dir[] = "/tmp/extbpf-compile-XXXXXX";
	char c_path[sizeof(dir) + 16];
	struct ebpf_object_open_opts o = { .sz = sizeof(o) };
	struct ebpf_object *obj = NULL;
	char err[512] = "";
	void *elf = NULL;
	size_t elf_size = 0;
	int ret;

	core_error_clear();
	if (!path || !so_path)
		return core_error(-EINVAL, "compile: no input or no output path");
	if (opts)
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	o.sz = sizeof(o);
	o.mode = EBPF_MODE_INTERP; /* verified and prepared cheaply: only the translation counts */
	o.verify_only = false;
	ret = read_whole(path, &elf, &elf_size);
	if (ret)
		return ret;
	ret = ebpf_object_open_mem(elf, elf_size, path, &o, &obj);
	if (ret)
		goto out;
	if (!mkdtemp(dir)) {
		ret = core_error(-errno, "compile: cannot create a work directory: %s",
				 strerror(errno));
		goto out;
	}
	snprintf(c_path, sizeof(c_path), "%s/object.c", dir);
	ret = write_c(c_path, obj, elf, elf_size);
	if (!ret) {
		ret = native_cc(c_path, so_path, total_insns(obj), err, sizeof(err));
		if (ret)
			core_error(ret, "compile '%s': %s", path, err);
	}
	unlink(c_path);
	rmdir(dir);
out:
	if (obj)
		ebpf_object_close(obj);
	free(elf);
	return ret;
}

/* ---- loading ------------------------------------------------------------------------------ */

bool ebpf_object_is_native(const char *path)
{
	Elf64_Ehdr ehdr;
	FILE *f = fopen(path, "rb");
	bool native;

	if (!f)
		return false;
	native = fread(&ehdr, sizeof(ehdr), 1, f) == 1 && !memcmp(ehdr.e_ident, ELFMAG, SELFMAG) &&
		 ehdr.e_type == ET_DYN && ehdr.e_machine != EM_BPF;
	fclose(f);
	return native;
}

int ebpf_object_load_native(const char *so_path, const struct ebpf_object_open_opts *opts,
			    struct ebpf_object **object)
{
	struct ebpf_object_open_opts o = { .sz = sizeof(o) };
	const struct native_object_table *table;
	struct core_native_image image;
	struct loader_object *lo = NULL;
	struct ebpf_object *obj = NULL;
	char path[PATH_MAX], msg[512] = "";
	void *handle;
	int ret;

	core_error_clear();
	ret = core_runtime_start();
	if (ret)
		return ret;
	if (!so_path || !realpath(so_path, path))
		return core_error(-ENOENT, "native object '%s': %s", so_path ? so_path : "(null)",
				  strerror(errno));
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle)
		return core_error(-ENOEXEC, "native object '%s': %s", path, dlerror());
	table = dlsym(handle, NATIVE_OBJECT_SYMBOL);
	if (!table) {
		ret = core_error(-ENOEXEC, "'%s' is not an object made by extbpf compile", path);
		goto out;
	}
	if (table->abi_version != NATIVE_ABI_VERSION) {
		ret = core_error(-ESTALE,
				 "native object '%s' was made for native ABI %u, this runtime "
				 "has %d: compile it again",
				 path, table->abi_version, NATIVE_ABI_VERSION);
		goto out;
	}
	ret = loader_open_mem(table->elf, table->elf_size, path, &lo, msg, sizeof(msg));
	if (ret) {
		ret = core_error(ret, "native object '%s': %s", path, msg);
		goto out;
	}
	if (opts)
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	o.sz = sizeof(o);
	o.verify_only = false;
	image = (struct core_native_image){ .so_path = path, .table = table };
	ret = core_object_new(lo, path, &o, &obj);
	if (!ret)
		ret = core_object_load(obj, &image);
	if (!ret)
		*object = obj;
	else if (obj)
		ebpf_object_close(obj);
out:
	dlclose(handle); /* each program holds the shared object open itself */
	return ret;
}

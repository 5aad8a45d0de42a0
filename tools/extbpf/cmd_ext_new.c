// SPDX-License-Identifier: MIT
/*
 * extbpf ext new NAME: writes a compilable extension skeleton into the folder NAME (one program
 * type, one hook, an example program, two tests, fresh GUIDs) that builds against the installed
 * extbpf with find_package(extbpf). The templates below use @NAME@, @UPPER@ and @GUID1@..3@.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

struct skeleton_file {
	const char *name; /* @NAME@ replaced */
	const char *text;
};

/* clang-format off */
static const struct skeleton_file skeleton[] = {
	{
		"@NAME@_ext.h",
		"/* SPDX-License-Identifier: MIT */\n"
		"/*\n"
		" * The @NAME@ extension's contract with its programs and hosts (written by `extbpf ext new`).\n"
		" * Programs include it for the context; hosts for @NAME@_hook_fire and the GUIDs.\n"
		" */\n"
		"#ifndef @UPPER@_EXT_H\n"
		"#define @UPPER@_EXT_H\n"
		"\n"
		"/* What a program of type \"@NAME@\" (section \"@NAME@\") sees: the event's bytes, read-only. */\n"
		"struct @NAME@_ctx {\n"
		"\tunsigned long long data;     /* first byte */\n"
		"\tunsigned long long data_end; /* one past the last */\n"
		"\tunsigned int size;\t     /* data_end - data */\n"
		"\tunsigned int pad;\n"
		"};\n"
		"\n"
		"#ifndef __bpf__\n"
		"#include <stddef.h>\n"
		"#include <stdint.h>\n"
		"\n"
		"#include <extbpf/extension.h>\n"
		"\n"
		"/* Fresh GUIDs: keep them, they name the type and the hook for good. */\n"
		"#define @UPPER@_PROGRAM_TYPE_GUID NMR_GUID(@GUID1@)\n"
		"#define @UPPER@_ATTACH_TYPE_GUID  NMR_GUID(@GUID2@)\n"
		"\n"
		"/* Fires hook \"@NAME@_hook\" on data: every attached program runs in attach order. results (may be\n"
		" * NULL) gets up to *count results, *count how many ran, *verdict the first non-zero one.\n"
		" * 0, or -ENODEV when the extension is not loaded. `extbpf link attach --fire` calls it. */\n"
		"int @NAME@_hook_fire(void *data, size_t size, uint32_t uid, uint32_t *verdict, uint32_t *results,\n"
		"\t\t     size_t *count, uint64_t *counter);\n"
		"#endif\n"
		"\n"
		"#endif /* @UPPER@_EXT_H */\n",
	},
	{
		"@NAME@_ext.c",
		"// SPDX-License-Identifier: MIT\n"
		"/*\n"
		" * The @NAME@ extension (written by `extbpf ext new`): program type \"@NAME@\" and hook\n"
		" * \"@NAME@_hook\", registered with one call (ebpf_extension_register) and fired with one call\n"
		" * (ebpf_hook_invoke). Add helpers, context fields and hooks from here; docs/extensions.md of\n"
		" * extbpf describes every field.\n"
		" */\n"
		"#include <errno.h>\n"
		"#include <stddef.h>\n"
		"#include <stdlib.h>\n"
		"#include <string.h>\n"
		"\n"
		"#include <extbpf/extension.h>\n"
		"\n"
		"#include \"@NAME@_ext.h\"\n"
		"\n"
		"#define @UPPER@_MODULE_ID NMR_GUID(@GUID3@)\n"
		"\n"
		"/* ---- test runs (`extbpf run`): a context over a copy of the input, and back ---------------- */\n"
		"\n"
		"struct test_ctx {\n"
		"\tstruct @NAME@_ctx ctx; /* first: the program gets a pointer to it */\n"
		"\tunsigned char data[];\n"
		"};\n"
		"\n"
		"static int context_create(const void *data_in, size_t data_size_in, const void *ctx_in,\n"
		"\t\t\t  size_t ctx_size_in, void **ctx)\n"
		"{\n"
		"\tstruct test_ctx *t;\n"
		"\n"
		"\tif (ctx_in || ctx_size_in)\n"
		"\t\treturn -EINVAL; /* the context is built from the data alone */\n"
		"\tt = calloc(1, sizeof(*t) + data_size_in);\n"
		"\tif (!t)\n"
		"\t\treturn -ENOMEM;\n"
		"\tif (data_size_in)\n"
		"\t\tmemcpy(t->data, data_in, data_size_in);\n"
		"\tt->ctx.data = (uintptr_t)t->data;\n"
		"\tt->ctx.data_end = (uintptr_t)(t->data + data_size_in);\n"
		"\tt->ctx.size = (unsigned int)data_size_in;\n"
		"\t*ctx = t;\n"
		"\treturn 0;\n"
		"}\n"
		"\n"
		"static void context_destroy(void *ctx, void *data_out, size_t *data_size_out, void *ctx_out,\n"
		"\t\t\t    size_t *ctx_size_out)\n"
		"{\n"
		"\tstruct test_ctx *t = ctx;\n"
		"\n"
		"\t(void)ctx_out; /* nothing of the context goes back to the host */\n"
		"\tif (data_size_out) {\n"
		"\t\tif (data_out)\n"
		"\t\t\tmemcpy(data_out, t->data,\n"
		"\t\t\t       t->ctx.size < *data_size_out ? t->ctx.size : *data_size_out);\n"
		"\t\t*data_size_out = t->ctx.size;\n"
		"\t}\n"
		"\tif (ctx_size_out)\n"
		"\t\t*ctx_size_out = 0;\n"
		"\tfree(t);\n"
		"}\n"
		"\n"
		"/* ---- the program type ------------------------------------------------------------------- */\n"
		"\n"
		"static const struct ebpf_section_prefix sections[] = { { .prefix = \"@NAME@\" } };\n"
		"\n"
		"static const struct ebpf_program_info program_info = {\n"
		"\t.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),\n"
		"\t.name = \"@NAME@\",\n"
		"\t.program_type = @UPPER@_PROGRAM_TYPE_GUID,\n"
		"\t.sections = sections,\n"
		"\t.section_count = 1,\n"
		"\t.context = {\n"
		"\t\t.size = sizeof(struct @NAME@_ctx),\n"
		"\t\t.data = offsetof(struct @NAME@_ctx, data),\n"
		"\t\t.data_end = offsetof(struct @NAME@_ctx, data_end),\n"
		"\t\t.meta = -1,\n"
		"\t},\n"
		"\t.context_create = context_create,\n"
		"\t.context_destroy = context_destroy,\n"
		"};\n"
		"\n"
		"/* ---- the hook --------------------------------------------------------------------------- */\n"
		"\n"
		"static const struct ebpf_attach_provider_data hook_data = {\n"
		"\t.header = EBPF_EXTENSION_HEADER(struct ebpf_attach_provider_data,\n"
		"\t\t\t\t\tEBPF_ATTACH_PROVIDER_DATA_VERSION),\n"
		"\t.name = \"@NAME@_hook\",\n"
		"\t.attach_type = @UPPER@_ATTACH_TYPE_GUID,\n"
		"\t.program_type = @UPPER@_PROGRAM_TYPE_GUID,\n"
		"};\n"
		"\n"
		"/* Static: the runtime keeps the hook's links in it while the extension is loaded. */\n"
		"static struct ebpf_hook @NAME@_hook = { .data = &hook_data };\n"
		"\n"
		"struct fire {\n"
		"\tuint32_t *results;\n"
		"\tsize_t capacity, ran;\n"
		"\tuint32_t verdict;\n"
		"};\n"
		"\n"
		"static int collect(void *arg, uint32_t result)\n"
		"{\n"
		"\tstruct fire *f = arg;\n"
		"\n"
		"\tif (f->ran < f->capacity)\n"
		"\t\tf->results[f->ran] = result;\n"
		"\tif (!f->verdict)\n"
		"\t\tf->verdict = result;\n"
		"\tf->ran++;\n"
		"\treturn 0; /* every program runs */\n"
		"}\n"
		"\n"
		"int @NAME@_hook_fire(void *data, size_t size, uint32_t uid, uint32_t *verdict, uint32_t *results,\n"
		"\t\t     size_t *count, uint64_t *counter)\n"
		"{\n"
		"\tstruct @NAME@_ctx ctx = {\n"
		"\t\t.data = (uintptr_t)data,\n"
		"\t\t.data_end = (uintptr_t)data + size,\n"
		"\t\t.size = (unsigned int)size,\n"
		"\t};\n"
		"\tstruct fire f = { .results = results, .capacity = results && count ? *count : 0 };\n"
		"\tint ran = ebpf_hook_invoke(&@NAME@_hook, &ctx, collect, &f);\n"
		"\n"
		"\t(void)uid;\n"
		"\tif (ran < 0)\n"
		"\t\treturn ran;\n"
		"\tif (count)\n"
		"\t\t*count = f.ran;\n"
		"\tif (verdict)\n"
		"\t\t*verdict = f.verdict;\n"
		"\tif (counter)\n"
		"\t\t*counter = 0;\n"
		"\treturn 0;\n"
		"}\n"
		"\n"
		"/* ---- load and unload: one registration call ---------------------------------------------- */\n"
		"\n"
		"static const struct ebpf_program_info *const program_types[] = { &program_info };\n"
		"static struct ebpf_hook *const hooks[] = { &@NAME@_hook };\n"
		"\n"
		"static const struct ebpf_extension_registration registration = {\n"
		"\t.header = EBPF_EXTENSION_HEADER(struct ebpf_extension_registration,\n"
		"\t\t\t\t\tEBPF_EXTENSION_REGISTRATION_VERSION),\n"
		"\t.module_id = @UPPER@_MODULE_ID,\n"
		"\t.program_types = program_types,\n"
		"\t.program_type_count = 1,\n"
		"\t.hooks = hooks,\n"
		"\t.hook_count = 1,\n"
		"};\n"
		"\n"
		"static int @NAME@_load(nmr_registrar_t *registrar, void **state)\n"
		"{\n"
		"\tstruct ebpf_extension_providers *providers;\n"
		"\tint err = ebpf_extension_register(registrar, &registration, &providers);\n"
		"\n"
		"\tif (!err)\n"
		"\t\t*state = providers;\n"
		"\treturn err;\n"
		"}\n"
		"\n"
		"static void @NAME@_unload(void *state)\n"
		"{\n"
		"\tebpf_extension_deregister(state); /* returns once no program of ours runs */\n"
		"}\n"
		"\n"
		"EBPF_EXTENSION_DEFINE(@NAME@, \"@NAME@: one program type and one hook\", @NAME@_load, @NAME@_unload)\n",
	},
	{
		"@NAME@.bpf.c",
		"// SPDX-License-Identifier: MIT\n"
		"/* A program of type \"@NAME@\": returns the event's size once it has read its first byte. */\n"
		"#include <linux/bpf.h>\n"
		"#include <bpf/bpf_helpers.h>\n"
		"\n"
		"#include \"@NAME@_ext.h\"\n"
		"\n"
		"SEC(\"@NAME@\")\n"
		"int @NAME@_prog(struct @NAME@_ctx *ctx)\n"
		"{\n"
		"\tunsigned char *data = (unsigned char *)(unsigned long)ctx->data;\n"
		"\tunsigned char *end = (unsigned char *)(unsigned long)ctx->data_end;\n"
		"\n"
		"\tif (data + 1 > end)\n"
		"\t\treturn 0; /* the verifier insists on this bounds check */\n"
		"\treturn data[0] ? ctx->size : 0;\n"
		"}\n"
		"\n"
		"char LICENSE[] SEC(\"license\") = \"Dual MIT/GPL\";\n",
	},
	{
		"CMakeLists.txt",
		"# The @NAME@ extension (written by `extbpf ext new`), built against an installed extbpf:\n"
		"#   cmake -S . -B build -DCMAKE_PREFIX_PATH=<extbpf prefix> && cmake --build build\n"
		"#   ctest --test-dir build\n"
		"cmake_minimum_required(VERSION 3.20)\n"
		"project(@NAME@ LANGUAGES C)\n"
		"find_package(extbpf REQUIRED)\n"
		"find_program(CLANG NAMES clang clang-14 REQUIRED)\n"
		"\n"
		"# The extension: @NAME@.so, for `extbpf ... --ext build/@NAME@.so` or ebpf_extension_load.\n"
		"add_library(@NAME@ MODULE @NAME@_ext.c)\n"
		"set_target_properties(@NAME@ PROPERTIES PREFIX \"\" C_STANDARD 11)\n"
		"target_link_libraries(@NAME@ PRIVATE extbpf::extbpf)\n"
		"\n"
		"# The example program, compiled as for Linux.\n"
		"add_custom_command(OUTPUT @NAME@.bpf.o\n"
		"\tCOMMAND ${CLANG} -O2 -g -target bpf -I${CMAKE_CURRENT_SOURCE_DIR}\n"
		"\t\t-I/usr/include/${CMAKE_LIBRARY_ARCHITECTURE}\n"
		"\t\t-c ${CMAKE_CURRENT_SOURCE_DIR}/@NAME@.bpf.c -o @NAME@.bpf.o\n"
		"\tDEPENDS @NAME@.bpf.c @NAME@_ext.h VERBATIM)\n"
		"add_custom_target(@NAME@_programs ALL DEPENDS @NAME@.bpf.o)\n"
		"\n"
		"# The tests: a test run of the program, and the hook fired with it attached.\n"
		"enable_testing()\n"
		"set(input ${CMAKE_CURRENT_SOURCE_DIR}/test_input.txt)\n"
		"add_test(NAME @NAME@_run COMMAND ${EXTBPF_EXECUTABLE} run @NAME@.bpf.o\n"
		"\t--ext $<TARGET_FILE:@NAME@> --data ${input})\n"
		"set_tests_properties(@NAME@_run PROPERTIES PASS_REGULAR_EXPRESSION \"retval 6 \")\n"
		"add_test(NAME @NAME@_hook COMMAND ${EXTBPF_EXECUTABLE} link attach @NAME@.bpf.o\n"
		"\t--attach @NAME@_hook --ext $<TARGET_FILE:@NAME@> --fire ${input})\n"
		"set_tests_properties(@NAME@_hook PROPERTIES PASS_REGULAR_EXPRESSION \"results \\\\[6\\\\]\")\n",
	},
	{
		"README.md",
		"# @NAME@: an extbpf extension\n"
		"\n"
		"Written by `extbpf ext new @NAME@`: program type `@NAME@` (section `@NAME@`), hook\n"
		"`@NAME@_hook`, fresh GUIDs in `@NAME@_ext.h`, an example program and two tests.\n"
		"\n"
		"```sh\n"
		"cmake -S . -B build -DCMAKE_PREFIX_PATH=<where extbpf is installed>\n"
		"cmake --build build && ctest --test-dir build\n"
		"extbpf run build/@NAME@.bpf.o --ext build/@NAME@.so --data test_input.txt\n"
		"extbpf link attach build/@NAME@.bpf.o --attach @NAME@_hook --ext build/@NAME@.so --fire test_input.txt\n"
		"```\n"
		"\n"
		"Install `@NAME@.so` into `pkg-config --variable=extensiondir extbpf` and every extbpf tool and\n"
		"host loading the default directory finds it. Next steps: helpers (`helpers`, `helper_addresses`\n"
		"in `program_info`), writable context fields (`context.writable`), attach parameters\n"
		"(`hook_data.params_size`): see extbpf's docs/extensions.md.\n",
	},
	{
		"test_input.txt",
		"hello\n",
	},
};
/* clang-format on */

#define EXT_NAME_MAX 32

/* A C identifier in lower case: it names the folder, the files, the type and the symbols. */
static bool valid_name(const char *name)
{
	size_t len = strlen(name);

	if (!len || len > EXT_NAME_MAX || !(islower((unsigned char)name[0]) || name[0] == '_'))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!islower((unsigned char)name[i]) && !isdigit((unsigned char)name[i]) &&
		    name[i] != '_')
			return false;
	}
	return true;
}

/* NMR_GUID's arguments for a random (version 4) GUID. */
static int random_guid(char *out, size_t size)
{
	uint8_t b[16];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -errno;
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, size,
		 "0x%02x%02x%02x%02x, 0x%02x%02x, 0x%02x%02x, 0x%02x%02x, "
		 "0x%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
	return 0;
}

struct substitution {
	const char *key;
	const char *value;
};

/* text with every key replaced, to out. */
static int expand(FILE *out, const char *text, const struct substitution *subst, size_t n)
{
	while (*text) {
		size_t i;

		for (i = 0; i < n; i++) {
			size_t len = strlen(subst[i].key);

			if (!strncmp(text, subst[i].key, len)) {
				fputs(subst[i].value, out);
				text += len;
				break;
			}
		}
		if (i == n)
			fputc(*text++, out);
	}
	return ferror(out) ? -EIO : 0;
}

static int write_file(const char *dir, const struct skeleton_file *f,
		      const struct substitution *subst, size_t n)
{
	char name[128], path[4096];
	FILE *out, *name_out = fmemopen(name, sizeof(name), "w");
	int err;

	if (!name_out)
		return -errno;
	expand(name_out, f->name, subst, n);
	fclose(name_out);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	out = fopen(path, "wx");
	if (!out) {
		cli_error("ext", "cannot write '%s': %s", path, strerror(errno));
		return -errno;
	}
	err = expand(out, f->text, subst, n);
	if (fclose(out) && !err)
		err = -errno;
	if (err)
		cli_error("ext", "cannot write '%s': %s", path, strerror(-err));
	return err;
}

int cli_ext_new(const char *name)
{
	char upper[EXT_NAME_MAX + 1], guids[3][64];
	const size_t files = sizeof(skeleton) / sizeof(skeleton[0]);

	if (!valid_name(name))
		return cli_usage_error(&cli_verb_ext,
				       "'%s' is not a valid extension name (a lower-case C "
				       "identifier of at most %d characters)",
				       name, EXT_NAME_MAX);
	for (size_t i = 0; i <= strlen(name); i++)
		upper[i] = (char)toupper((unsigned char)name[i]);
	for (int i = 0; i < 3; i++) {
		if (random_guid(guids[i], sizeof(guids[i]))) {
			cli_error("ext", "no random bytes for the GUIDs: %s", strerror(errno));
			return EXIT_REFUSED;
		}
	}
	if (mkdir(name, 0777)) {
		cli_error("ext", "cannot create the folder '%s': %s", name, strerror(errno));
		return errno == EEXIST ? EXIT_USAGE : EXIT_REFUSED;
	}
	const struct substitution subst[] = {
		{ "@NAME@", name },	 { "@UPPER@", upper },	  { "@GUID1@", guids[0] },
		{ "@GUID2@", guids[1] }, { "@GUID3@", guids[2] },
	};
	for (size_t i = 0; i < files; i++) {
		if (write_file(name, &skeleton[i], subst, sizeof(subst) / sizeof(subst[0])))
			return EXIT_REFUSED;
	}
	printf("wrote extension '%s' in %s/: %s_ext.h, %s_ext.c, %s.bpf.c, CMakeLists.txt, "
	       "README.md, test_input.txt\n"
	       "build and test it: cmake -S %s -B %s/build -DCMAKE_PREFIX_PATH=<extbpf prefix> && "
	       "cmake --build %s/build && ctest --test-dir %s/build\n",
	       name, name, name, name, name, name, name, name, name);
	return EXIT_OK;
}

/* SPDX-License-Identifier: MIT */
/* extbpf ext list: what the loaded extensions offer (program types, hooks, helpers). */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <extbpf/extbpf.h>

#include "cli.h"

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: extbpf ext list [-j] [--ext PATH]...\n"
	    "       extbpf ext new NAME\n"
	    "\n"
	    "ext new writes a compilable extension skeleton into the folder NAME: program type\n"
	    "NAME, hook NAME_hook, fresh GUIDs, an example program and two tests, built with\n"
	    "find_package(extbpf) against the installed runtime (see its README.md).\n"
	    "\n"
	    "Loads the extensions of the default directory (%s, or $EXTBPF_EXTENSION_DIR)\n"
	    "and those given with --ext, then lists the extensions, the program types they\n"
	    "offer (section prefixes, context, helpers with prototypes) and their attach types.\n"
	    "\n"
	    "  -j, --json     JSON output\n"
	    "  --ext PATH     also load this extension (repeatable)\n",
	    ebpf_extension_default_dir() ? ebpf_extension_default_dir() : "?");
}

/* ---- formatting -------------------------------------------------------------------------- */

static const char *arg_name(enum ebpf_arg_type arg)
{
	static const char *const names[] = {
		[EBPF_ARG_DONTCARE] = "",
		[EBPF_ARG_ANYTHING] = "anything",
		[EBPF_ARG_CONST_SIZE] = "size",
		[EBPF_ARG_CONST_SIZE_OR_ZERO] = "size_or_zero",
		[EBPF_ARG_PTR_TO_CTX] = "ctx",
		[EBPF_ARG_CONST_MAP_PTR] = "map",
		[EBPF_ARG_PTR_TO_MAP_KEY] = "map_key",
		[EBPF_ARG_PTR_TO_MAP_VALUE] = "map_value",
		[EBPF_ARG_PTR_TO_UNINIT_MAP_VALUE] = "uninit_map_value",
		[EBPF_ARG_PTR_TO_MEM] = "mem",
		[EBPF_ARG_PTR_TO_MEM_OR_NULL] = "mem_or_null",
		[EBPF_ARG_PTR_TO_UNINIT_MEM] = "uninit_mem",
		[EBPF_ARG_PTR_TO_LONG] = "long_ptr",
		[EBPF_ARG_PTR_TO_CONST_STR] = "const_str",
		[EBPF_ARG_PTR_TO_ALLOC_MEM] = "alloc_mem",
		[EBPF_ARG_PTR_TO_STACK_OR_NULL] = "stack_or_null",
		[EBPF_ARG_PTR_TO_SPIN_LOCK] = "spin_lock",
		[EBPF_ARG_PTR_TO_MAP_VALUE_OR_NULL] = "map_value_or_null",
		[EBPF_ARG_PTR_TO_BTF_ID_OR_NULL] = "btf_ptr_or_null",
		[EBPF_ARG_PTR_TO_FUNC] = "func",
		[EBPF_ARG_PTR_TO_CALLBACK_CTX] = "callback_ctx",
		[EBPF_ARG_PTR_TO_CTX_OR_NULL] = "ctx_or_null",
		[EBPF_ARG_PTR_TO_TIMER] = "timer",
		[EBPF_ARG_PTR_TO_BTF_ID_NULLABLE] = "btf_ptr_nullable",
		[EBPF_ARG_PTR_TO_INT] = "int_ptr",
		[EBPF_ARG_PTR_TO_SOCK_COMMON] = "sock_common",
		[EBPF_ARG_PTR_TO_SOCKET_OR_NULL] = "socket_or_null",
	};

	if ((size_t)arg < sizeof(names) / sizeof(names[0]) && names[arg])
		return names[arg];
	return "?";
}

static const char *ret_name(enum ebpf_return_type ret)
{
	switch (ret) {
	case EBPF_RET_INTEGER:
		return "long";
	case EBPF_RET_VOID:
		return "void";
	case EBPF_RET_PTR_TO_MAP_VALUE_OR_NULL:
		return "map_value_or_null";
	case EBPF_RET_PTR_TO_ALLOC_MEM_OR_NULL:
		return "alloc_mem_or_null";
	case EBPF_RET_PTR_TO_MAP_VALUE:
		return "map_value";
	case EBPF_RET_PTR_TO_BTF_ID_OR_NULL:
		return "btf_id_or_null";
	case EBPF_RET_PTR_TO_SOCKET_OR_NULL:
		return "sock_or_null";
	case EBPF_RET_PTR_TO_SOCK_COMMON_OR_NULL:
		return "sock_common_or_null";
	case EBPF_RET_PTR_TO_TCP_SOCK_OR_NULL:
		return "tcp_sock_or_null";
	}
	return "?";
}

/* "long sample_find(ctx, mem, size)" */
static void format_proto(const struct ebpf_helper_proto *p, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s %s(", ret_name(p->ret), p->name ? p->name : "?");

	for (int i = 0; i < 5 && p->args[i] != EBPF_ARG_DONTCARE && n > 0 && (size_t)n < size; i++)
		n += snprintf(buf + n, size - n, "%s%s", i ? ", " : "", arg_name(p->args[i]));
	if (n > 0 && (size_t)n < size)
		snprintf(buf + n, size - n, ")");
}

/* ---- the three lists --------------------------------------------------------------------- */

struct list_state {
	FILE *out;
	bool json;
	int count; /* items printed so far in the current list (for JSON commas) */
};

static int print_extension(const struct ebpf_extension *ext, void *arg)
{
	struct list_state *s = arg;
	const char *path = ebpf_extension_path(ext);

	if (!s->json) {
		fprintf(s->out, "  %-16s %s\n  %-16s %s\n", ebpf_extension_name(ext),
			ebpf_extension_description(ext), "",
			path ? path : "(linked into the host)");
		return 0;
	}
	fprintf(s->out, "%s\n    {\"name\": ", s->count++ ? "," : "");
	cli_json_string(s->out, ebpf_extension_name(ext));
	fprintf(s->out, ", \"description\": ");
	cli_json_string(s->out, ebpf_extension_description(ext));
	fprintf(s->out, ", \"path\": ");
	if (path)
		cli_json_string(s->out, path);
	else
		fprintf(s->out, "null");
	fprintf(s->out, "}");
	return 0;
}

static void print_type_text(FILE *out, const struct ebpf_program_info *info, const char *ext,
			    const char *guid)
{
	fprintf(out, "  %s  (%s, extension %s)\n    sections:", info->name, guid, ext);
	for (uint32_t i = 0; i < info->section_count; i++) {
		fprintf(out, " %s", info->sections[i].prefix);
		if (info->sections[i].refused)
			fprintf(out, " (refused: %s)", info->sections[i].refused);
	}
	fprintf(out, "\n    context: %u bytes, data %d, data_end %d, meta %d; test run: %s\n",
		info->context.size, info->context.data, info->context.data_end, info->context.meta,
		info->context_create ? "yes" : "no");
	for (uint32_t i = 0; i < info->helper_count; i++) {
		char proto[256];

		format_proto(&info->helpers[i], proto, sizeof(proto));
		fprintf(out, "    helper %u: %s\n", info->helpers[i].id, proto);
	}
}

static void print_type_json(FILE *out, const struct ebpf_program_info *info, const char *ext,
			    const char *guid)
{
	fprintf(out, "    {\"name\": ");
	cli_json_string(out, info->name);
	fprintf(out, ", \"guid\": \"%s\", \"extension\": ", guid);
	cli_json_string(out, ext);
	fprintf(out, ", \"sections\": [");
	for (uint32_t i = 0; i < info->section_count; i++) {
		fprintf(out, "%s{\"prefix\": ", i ? ", " : "");
		cli_json_string(out, info->sections[i].prefix);
		if (info->sections[i].refused) {
			fprintf(out, ", \"refused\": ");
			cli_json_string(out, info->sections[i].refused);
		}
		fprintf(out, "}");
	}
	fprintf(out, "], \"context_size\": %u, \"test_run\": %s, \"helpers\": [",
		info->context.size, info->context_create ? "true" : "false");
	for (uint32_t i = 0; i < info->helper_count; i++) {
		char proto[256];

		format_proto(&info->helpers[i], proto, sizeof(proto));
		fprintf(out, "%s{\"id\": %u, \"name\": ", i ? ", " : "", info->helpers[i].id);
		cli_json_string(out, info->helpers[i].name);
		fprintf(out, ", \"prototype\": ");
		cli_json_string(out, proto);
		fprintf(out, "}");
	}
	fprintf(out, "]}");
}

static int print_type(const struct ebpf_program_info *info, void *arg)
{
	struct list_state *s = arg;
	const struct ebpf_extension *ext = ebpf_program_type_extension(info);
	const char *ext_name = ext ? ebpf_extension_name(ext) : "(host)";
	char guid[NMR_GUID_STRING_SIZE];

	nmr_guid_format(&info->program_type, guid);
	if (!s->json) {
		print_type_text(s->out, info, ext_name, guid);
		return 0;
	}
	fprintf(s->out, "%s\n", s->count++ ? "," : "");
	print_type_json(s->out, info, ext_name, guid);
	return 0;
}

struct type_lookup {
	const nmr_guid_t *guid;
	const char *name;
};

static int find_type(const struct ebpf_program_info *info, void *arg)
{
	struct type_lookup *l = arg;

	if (!nmr_guid_equal(&info->program_type, l->guid))
		return 0;
	l->name = info->name;
	return 1;
}

static int print_attach_type(const struct ebpf_attach_provider_data *data, void *arg)
{
	struct list_state *s = arg;
	struct type_lookup l = { .guid = &data->program_type };
	char guid[NMR_GUID_STRING_SIZE], type_guid[NMR_GUID_STRING_SIZE];

	ebpf_foreach_program_type(find_type, &l);
	nmr_guid_format(&data->attach_type, guid);
	if (!l.name)
		l.name = nmr_guid_format(&data->program_type, type_guid);
	if (!s->json) {
		fprintf(s->out, "  %s  (%s)\n    runs program type %s; parameters: %u bytes\n",
			data->name, guid, l.name, data->params_size);
		return 0;
	}
	fprintf(s->out, "%s\n    {\"name\": ", s->count++ ? "," : "");
	cli_json_string(s->out, data->name);
	fprintf(s->out, ", \"guid\": \"%s\", \"program_type\": ", guid);
	cli_json_string(s->out, l.name);
	fprintf(s->out, ", \"params_size\": %u}", data->params_size);
	return 0;
}

static void list(bool json)
{
	struct list_state s = { .out = stdout, .json = json };

	printf(json ? "{\"extensions\": [" : "extensions:\n");
	ebpf_foreach_extension(print_extension, &s);
	s.count = 0;
	printf(json ? "\n  ],\n  \"program_types\": [" : "program types:\n");
	ebpf_foreach_program_type(print_type, &s);
	s.count = 0;
	printf(json ? "\n  ],\n  \"attach_types\": [" : "attach types:\n");
	ebpf_foreach_attach_type(print_attach_type, &s);
	printf(json ? "\n  ]\n}\n" : "");
}

/* ---- the verb ---------------------------------------------------------------------------- */

static int run(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "ext", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	const char *extra[64];
	int n_extra = 0, opt, status = EXIT_OK;
	bool json = false;

	if (argc == 3 && !strcmp(argv[1], "new"))
		return cli_ext_new(argv[2]);
	if (argc >= 2 && !strcmp(argv[1], "new"))
		return cli_usage_error(&cli_verb_ext, "ext new takes one NAME");
	if (argc < 2 || strcmp(argv[1], "list"))
		return cli_usage_error(&cli_verb_ext, "expected 'list' or 'new NAME'");
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc - 1, argv + 1, ":j", options, NULL)) != -1) {
		if (opt == 'j')
			json = true;
		else if (opt == 'e' && n_extra < 64)
			extra[n_extra++] = optarg;
		else if (opt == 'e')
			return cli_usage_error(&cli_verb_ext, "more than 64 --ext");
		else
			return cli_getopt_error(&cli_verb_ext, options, opt, argv + 1);
	}
	if (optind < argc - 1)
		return cli_usage_error(&cli_verb_ext, "unexpected argument '%s'", argv[optind + 1]);
	/* A missing default directory is not an error: there may be only --ext ones. */
	if (ebpf_extension_load_dir(NULL) && !n_extra)
		cli_error("ext", "%s", ebpf_last_error());
	for (int i = 0; i < n_extra; i++) {
		if (ebpf_extension_load(extra[i], NULL)) {
			cli_error("ext", "%s", ebpf_last_error());
			status = EXIT_USAGE;
		}
	}
	if (status == EXIT_OK)
		list(json);
	ebpf_runtime_shutdown();
	return status;
}

const struct cli_verb cli_verb_ext = {
	.name = "ext",
	.summary = "list extensions, program types, hooks and helpers; start a new extension",
	.run = run,
	.usage = usage,
};

// SPDX-License-Identifier: MIT
/*
 * The configuration a tool built on libbpf gives its object between open and load, as options
 * of the object verbs: --attach-target PROG=FUNC or PROG=OBJ:FUNC (bpf_program__set_attach_target,
 * a kernel function or a function of a BPF program),
 * --map-size MAP=N and --map-value-size MAP=N (bpf_map__set_max_entries / set_value_size),
 * --set NAME=VALUE (a global variable, `const volatile` ones included, in --map's value syntax).
 * The object is parsed, configured, then loaded (ebpf_object_parse .. ebpf_object_load).
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CONFIG_VALUE_MAX 4096

static const char *option_name(int opt)
{
	switch (opt) {
	case CLI_OPT_ATTACH_TARGET:
		return "--attach-target";
	case CLI_OPT_MAP_SIZE:
		return "--map-size";
	case CLI_OPT_MAP_VALUE_SIZE:
		return "--map-value-size";
	default:
		return "--set";
	}
}

static const char *option_form(int opt)
{
	switch (opt) {
	case CLI_OPT_ATTACH_TARGET:
		return "PROG=FUNC";
	case CLI_OPT_MAP_SIZE:
	case CLI_OPT_MAP_VALUE_SIZE:
		return "MAP=N";
	default:
		return "NAME=VALUE";
	}
}

int cli_add_config_arg(const struct cli_verb *verb, struct cli_object_args *a, int opt,
		       const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg || !eq[1])
		return cli_option_error(verb, "%s '%s': write %s", option_name(opt), arg,
					option_form(opt));
	if (a->config_count == CLI_MAX_CONFIG_ARGS)
		return cli_option_error(verb, "more than %d configuration options",
					CLI_MAX_CONFIG_ARGS);
	a->configs[a->config_count].opt = opt;
	a->configs[a->config_count].arg = arg;
	a->config_count++;
	return 0;
}

/* A map size: a decimal or 0x-prefixed 32-bit number. */
static int parse_u32(const char *text, uint32_t *value)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)text[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 0);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*value = (uint32_t)v;
	return 0;
}

static int set_global(const char *verb, struct ebpf_object *obj, const char *name,
		      const char *value, const char *where)
{
	unsigned char *bytes;
	size_t size;
	int ret;

	if (!ebpf_object_global(obj, name, &size)) {
		cli_error(verb, "%s: %s", where, ebpf_last_error());
		return EXIT_USAGE;
	}
	if (size > CONFIG_VALUE_MAX) {
		cli_error(verb, "%s: the variable is %zu bytes, more than %d", where, size,
			  CONFIG_VALUE_MAX);
		return EXIT_USAGE;
	}
	bytes = malloc(size ? size : 1);
	if (!bytes) {
		cli_error(verb, "out of memory");
		return EXIT_USAGE;
	}
	ret = cli_parse_map_bytes(verb, where, "value", value, (uint32_t)size, bytes);
	if (!ret && ebpf_object_set_global(obj, name, bytes, size)) {
		cli_error(verb, "%s: %s", where, ebpf_last_error());
		ret = EXIT_USAGE;
	}
	free(bytes);
	return ret;
}

/*
 * --attach-target PROG=OBJ:FUNC: PROG attaches to function FUNC of program FUNC in object OBJ
 * (libbpf's attach_prog_fd), typed by OBJ's BTF. That program of OBJ is verified; the
 * configuration keeps the program, so the object is closed again here.
 */
static int set_prog_target(const char *verb, const struct cli_object_args *a,
			   struct ebpf_object *obj, const char *prog, const char *target,
			   const char *where)
{
	const char *colon = strrchr(target, ':');
	struct ebpf_object_open_opts opts = {
		.sz = sizeof(opts),
		.verify_only = true,
		.btf_path = a->btf,
		.kconfig_path = a->kconfig,
	};
	struct ebpf_object *tobj;
	struct ebpf_program *tprog;
	char path[4096];
	int err;

	if (colon == target || !colon[1] || (size_t)(colon - target) >= sizeof(path)) {
		cli_error(verb, "%s: write PROG=FUNC or PROG=OBJ:FUNC", where);
		return EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%.*s", (int)(colon - target), target);
	opts.only_program = colon + 1; /* the others may need targets of their own */
	if (ebpf_object_open(path, &opts, &tobj)) {
		cli_error(verb, "%s: the target object: %s", where, ebpf_last_error());
		return EXIT_USAGE;
	}
	tprog = ebpf_object_find_program(tobj, colon + 1);
	if (!tprog) {
		cli_error(verb, "%s: object '%s' has no program '%s'", where, path, colon + 1);
		ebpf_object_close(tobj);
		return EXIT_USAGE;
	}
	err = ebpf_object_set_attach_target(obj, prog, tprog, colon + 1);
	ebpf_object_close(tobj);
	if (err) {
		cli_error(verb, "%s: %s", where, ebpf_last_error());
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int apply_config(const char *verb, const struct cli_object_args *a, struct ebpf_object *obj,
			int opt, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char name[256], where[320];
	uint32_t n = 0;
	int err;

	snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
	snprintf(where, sizeof(where), "%s %s", option_name(opt), arg);
	if (opt == CLI_OPT_SET)
		return set_global(verb, obj, name, eq + 1, where);
	if (opt == CLI_OPT_ATTACH_TARGET && strchr(eq + 1, ':'))
		return set_prog_target(verb, a, obj, name, eq + 1, where);
	if (opt == CLI_OPT_ATTACH_TARGET) {
		err = ebpf_object_set_attach_target(obj, name, NULL, eq + 1);
	} else if (parse_u32(eq + 1, &n)) {
		cli_error(verb, "%s: '%s' is not a number of 32 bits", where, eq + 1);
		return EXIT_USAGE;
	} else if (opt == CLI_OPT_MAP_SIZE) {
		err = ebpf_object_set_map_max_entries(obj, name, n);
	} else {
		err = ebpf_object_set_map_value_size(obj, name, n);
	}
	if (err) {
		cli_error(verb, "%s: %s", where, ebpf_last_error());
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cli_configure_object(const char *verb, const struct cli_object_args *a, struct ebpf_object *obj)
{
	for (size_t i = 0; i < a->config_count; i++) {
		int ret = apply_config(verb, a, obj, a->configs[i].opt, a->configs[i].arg);

		if (ret)
			return ret;
	}
	return EXIT_OK;
}

/*
 * A map definition the load would refuse for a zero size is unusable input (exit 2) as any
 * malformed object is, not a program's refusal: told before the load, by the loader's own rule
 * (ebpf_object_map_def's unset), with the option that sets the size.
 */
static int check_map_defs(const char *verb, const struct cli_object_args *a,
			  const struct ebpf_object *obj)
{
	struct ebpf_object_map_def def = { .sz = sizeof(def) };

	for (size_t i = 0; !ebpf_object_map_def(obj, i, &def); i++) {
		const char *zero = NULL;

		if (def.unset & EBPF_MAP_DEF_UNSET_MAX_ENTRIES)
			zero = "max_entries is zero (--map-size sets it)";
		else if (def.unset & EBPF_MAP_DEF_UNSET_KEY_SIZE)
			zero = "key size is zero";
		else if (def.unset & EBPF_MAP_DEF_UNSET_VALUE_SIZE)
			zero = "value size is zero (--map-value-size sets it)";
		if (zero) {
			cli_error(verb, "%s: map '%s': %s", a->path, def.name, zero);
			return EXIT_USAGE;
		}
	}
	return EXIT_OK;
}

int cli_prepare_object(const char *verb, const struct cli_object_args *a,
		       const struct ebpf_object_open_opts *opts, struct ebpf_object **object)
{
	struct ebpf_object *obj = NULL;
	int ret;

	if (ebpf_object_parse(a->path, opts, &obj))
		return EXIT_REFUSED;
	ret = cli_configure_object(verb, a, obj);
	if (!ret)
		ret = check_map_defs(verb, a, obj);
	if (ret) {
		ebpf_object_close(obj);
		return ret;
	}
	*object = obj;
	return EXIT_OK;
}

int cli_open_configured(const char *verb, const struct cli_object_args *a,
			const struct ebpf_object_open_opts *opts, struct ebpf_object **object)
{
	struct ebpf_object *obj;
	int ret = cli_prepare_object(verb, a, opts, &obj);

	if (ret)
		return ret;
	if (ebpf_object_load(obj)) {
		/* Closing keeps the message of what failed. */
		ebpf_object_close(obj);
		return EXIT_REFUSED;
	}
	*object = obj;
	return EXIT_OK;
}

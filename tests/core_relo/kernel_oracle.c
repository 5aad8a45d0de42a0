// SPDX-License-Identifier: MIT
/*
 * The running kernel as the oracle of which programs of an object are loadable: each program is
 * loaded into the kernel alone (libbpf, every other program's autoload off), with the object
 * configured as its tool configures it (the options test_libbpf_tools.sh passes to extbpf
 * verify: --map-size MAP=N, --map-value-size MAP=N, --attach-target PROG=FUNC). One line a
 * program: "<object> <program> loaded", "refused <errno>", or "no-verdict <errno>" where the
 * kernel refused before verifying (EPERM for trampoline programs, which this kernel does not
 * attach; a map it cannot create).
 *
 * usage: kernel_oracle OBJECT [OPTION NAME=VALUE]...
 * Exits 77 when the kernel cannot be asked (no bpf()), 2 on a bad argument, 0 otherwise.
 */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "oracle_maps.h"

#define SKIP 77

struct option {
	const char *kind; /* --map-size, --map-value-size, --attach-target */
	char name[128];
	const char *value;
};

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

static int parse_option(const char *kind, const char *arg, struct option *o)
{
	const char *eq = strchr(arg, '=');

	if (strcmp(kind, "--map-size") && strcmp(kind, "--map-value-size") &&
	    strcmp(kind, "--attach-target")) {
		fprintf(stderr, "kernel_oracle: unknown option '%s'\n", kind);
		return -EINVAL;
	}
	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(o->name) || !eq[1]) {
		fprintf(stderr, "kernel_oracle: %s '%s': expected NAME=VALUE\n", kind, arg);
		return -EINVAL;
	}
	o->kind = kind;
	memcpy(o->name, arg, (size_t)(eq - arg));
	o->name[eq - arg] = '\0';
	o->value = eq + 1;
	return 0;
}

static int configure(struct bpf_object *obj, const struct option *opts, int n)
{
	for (int i = 0; i < n; i++) {
		const struct option *o = &opts[i];
		unsigned long v = strtoul(o->value, NULL, 0);
		struct bpf_program *p;
		struct bpf_map *m;

		if (!strcmp(o->kind, "--attach-target")) {
			p = bpf_object__find_program_by_name(obj, o->name);
			if (!p || bpf_program__set_attach_target(p, 0, o->value))
				return -ENOENT;
			continue;
		}
		m = bpf_object__find_map_by_name(obj, o->name);
		if (!m)
			return -ENOENT;
		if (!strcmp(o->kind, "--map-size"))
			bpf_map__set_max_entries(m, (__u32)v);
		else
			bpf_map__set_value_size(m, (__u32)v);
	}
	oracle_size_maps(obj);
	return 0;
}

/* Loads program `index` of the object alone: 0, or the negative errno of the load. */
static int load_one(const char *path, int index, const struct option *opts, int n, char *name,
		    size_t name_size)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *p;
	int i = 0, err;

	if (!obj)
		return -errno;
	bpf_object__for_each_program(p, obj)
	{
		bpf_program__set_autoload(p, i == index);
		if (i++ == index)
			snprintf(name, name_size, "%s", bpf_program__name(p));
	}
	err = i <= index ? -ENOENT : configure(obj, opts, n);
	if (!err)
		err = bpf_object__load(obj);
	bpf_object__close(obj);
	return err;
}

static bool trampoline(enum bpf_attach_type t)
{
	return t == BPF_TRACE_FENTRY || t == BPF_TRACE_FEXIT || t == BPF_MODIFY_RETURN ||
	       t == BPF_LSM_MAC || t == BPF_TRACE_ITER;
}

static int program_count(const char *path, enum bpf_attach_type *types, int cap)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *p;
	int n = 0;

	if (!obj)
		return -errno;
	bpf_object__for_each_program(p, obj)
	{
		if (n < cap)
			types[n] = bpf_program__expected_attach_type(p);
		n++;
	}
	bpf_object__close(obj);
	return n < cap ? n : cap;
}

int main(int argc, char **argv)
{
	enum bpf_attach_type types[256];
	struct option opts[64];
	char name[128], *copy;
	const char *object;
	int n = 0, count, err;

	if (argc < 2 || argc % 2) {
		fprintf(stderr, "usage: kernel_oracle OBJECT [OPTION NAME=VALUE]...\n");
		return 2;
	}
	for (int i = 2; i + 1 < argc; i += 2) {
		if (n == (int)(sizeof(opts) / sizeof(opts[0])) ||
		    parse_option(argv[i], argv[i + 1], &opts[n++]))
			return 2;
	}
	libbpf_set_print(quiet);
	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SOCKET_FILTER, NULL) != 1) {
		printf("skipped: the kernel refuses bpf() here\n");
		return SKIP;
	}
	copy = strdup(argv[1]);
	if (!copy)
		return 2;
	object = basename(copy);
	count = program_count(argv[1], types, (int)(sizeof(types) / sizeof(types[0])));
	for (int i = 0; i < count; i++) {
		err = load_one(argv[1], i, opts, n, name, sizeof(name));
		if (!err)
			printf("%s %s loaded\n", object, name);
		else if (err == -EPERM && trampoline(types[i]))
			printf("%s %s no-verdict %d\n", object, name, -err);
		else
			printf("%s %s refused %d\n", object, name, -err);
	}
	if (count < 0)
		printf("%s - no-verdict %d\n", object, -count);
	free(copy);
	return 0;
}

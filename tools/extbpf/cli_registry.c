// SPDX-License-Identifier: MIT
/*
 * extbpf prog list, map list, link list (without an object): what running hosts published in
 * the registry under the pin root (ebpf_registry_publish; `xdp run --pin-maps` publishes), one
 * line an object with its process, as bpftool lists the kernel's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct registry_list {
	enum ebpf_registry_kind kind;
	bool json;
	unsigned int count;
	uint32_t pid; /* --pid: only this process's objects, 0 for every process's */
};

static void print_json(const struct ebpf_registry_entry *e, bool first)
{
	printf("%s\n  {\"pid\": %u, \"id\": %u, \"name\": ", first ? "" : ",", e->pid, e->id);
	cli_json_string(stdout, e->name);
	if (e->kind == EBPF_REGISTRY_PROGRAM) {
		printf(", \"type\": ");
		cli_json_string(stdout, e->type);
		printf(", \"run_cnt\": %" PRIu64 ", \"run_time_ns\": %" PRIu64 "}", e->run_count,
		       e->run_time_ns);
	} else if (e->kind == EBPF_REGISTRY_MAP) {
		printf(", \"type\": ");
		cli_json_string(stdout, e->type);
		printf(", \"key_size\": %u, \"value_size\": %u, \"max_entries\": %u, "
		       "\"shared\": %s}",
		       e->key_size, e->value_size, e->max_entries, e->shared ? "true" : "false");
	} else {
		printf(", \"prog_id\": %u, \"dormant\": %s, \"detached\": %s, \"priority\": %d, "
		       "\"position\": %u, \"prev_id\": %u, \"next_id\": %u}",
		       e->program_id, e->dormant ? "true" : "false", e->detached ? "true" : "false",
		       e->priority, e->position, e->prev_id, e->next_id);
	}
}

/* A link: its program, then where it runs in its hook's chain (or why it does not run). */
static void print_link_text(const struct ebpf_registry_entry *e)
{
	printf("prog %u (%s)", e->program_id, e->name);
	if (e->position)
		printf("  pos %u  prio %d  prev %u  next %u", e->position, e->priority, e->prev_id,
		       e->next_id);
	printf("%s%s\n", e->detached ? "  detached" : "", e->dormant ? "  dormant" : "");
}

static void print_text(const struct ebpf_registry_entry *e)
{
	printf("pid %u  %u: ", e->pid, e->id);
	if (e->kind == EBPF_REGISTRY_PROGRAM)
		printf("%s  name %s  run_cnt %" PRIu64 "  run_time_ns %" PRIu64 "\n", e->type,
		       e->name, e->run_count, e->run_time_ns);
	else if (e->kind == EBPF_REGISTRY_MAP)
		printf("%s  name %s  key %uB  value %uB  max_entries %u%s\n", e->type, e->name,
		       e->key_size, e->value_size, e->max_entries, e->shared ? "  shared" : "");
	else
		print_link_text(e);
}

static int print_entry(const struct ebpf_registry_entry *e, void *arg)
{
	struct registry_list *l = arg;

	if (e->kind != l->kind || (l->pid && e->pid != l->pid))
		return 0;
	if (l->json)
		print_json(e, l->count == 0);
	else
		print_text(e);
	l->count++;
	return 0;
}

/* --pid's value: a process id above 0. */
static int cli_parse_pid(const struct cli_verb *verb, const char *arg, uint32_t *pid)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (!*arg || *end || !v || v > UINT32_MAX || arg[0] == '-')
		return cli_usage_error(verb, "--pid '%s': not a process id", arg);
	*pid = (uint32_t)v;
	return 0;
}

int cli_registry_list(const struct cli_verb *verb, int argc, char **argv,
		      enum ebpf_registry_kind kind)
{
	struct registry_list l = { .kind = kind };
	const char *root = NULL;
	int err = 0;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			l.json = true;
		else if (!strcmp(argv[i], "--pin-root") && i + 1 < argc)
			root = argv[++i];
		else if (!strcmp(argv[i], "--pid") && i + 1 < argc)
			err = cli_parse_pid(verb, argv[++i], &l.pid);
		else
			return cli_usage_error(verb, "%s list: unexpected argument '%s'",
					       verb->name, argv[i]);
		if (err)
			return err;
	}
	if (root && ebpf_set_pin_root(root))
		return cli_usage_error(verb, "--pin-root: %s", ebpf_last_error());
	if (l.json)
		putchar('[');
	err = ebpf_registry_foreach(print_entry, &l);
	if (l.json)
		printf("%s]\n", l.count ? "\n" : "");
	if (err) {
		cli_error(verb->name, "%s", ebpf_last_error());
		return EXIT_REFUSED;
	}
	if (!l.json && !l.count)
		printf("(no running host published any)\n");
	return EXIT_OK;
}

bool cli_registry_wanted(int argc, char **argv)
{
	/* 'list' with no object: only options follow. */
	if (argc < 2 || strcmp(argv[1], "list"))
		return false;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--pin-root") || !strcmp(argv[i], "--pid")) {
			i++;
			continue;
		}
		if (argv[i][0] != '-')
			return false;
	}
	return true;
}

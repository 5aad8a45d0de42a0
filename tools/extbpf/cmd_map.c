// SPDX-License-Identifier: MIT
/*
 * extbpf map list|dump|lookup|update|delete: the maps of an object, opened within the command.
 *
 * Every command is one process and the runtime lives in it, so a map holds what the object
 * gives it when opened (global data, initialised arrays, program arrays) plus what this command
 * does; an update lasts until the command exits. To see what a program does to its maps, run it
 * with `extbpf run ... --dump-maps`. Keys and values go in as --map takes them (cli_maparg.c)
 * and come out as hex bytes, as bpftool's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "cli.h"

enum map_action {
	MAP_LIST,
	MAP_DUMP,
	MAP_LOOKUP,
	MAP_UPDATE,
	MAP_DELETE,
	MAP_PUSH,
	MAP_POP,
	MAP_PEEK,
};

static const char *const action_names[] = {
	[MAP_LIST] = "list",	 [MAP_DUMP] = "dump",	  [MAP_LOOKUP] = "lookup",
	[MAP_UPDATE] = "update", [MAP_DELETE] = "delete", [MAP_PUSH] = "push",
	[MAP_POP] = "pop",	 [MAP_PEEK] = "peek",
};

enum { OPT_KEY = CLI_OPT_VERB_BASE, OPT_VALUE, OPT_FLAGS, OPT_PIN_ROOT };

struct map_args {
	struct cli_object_args obj;
	enum map_action action;
	const char *map;
	const char *key;
	const char *value;
	uint64_t flags;
	const char *pin_root;
	bool pinned; /* obj.path is a shared map's pin, not an object */
};

static void map_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: extbpf map list FILE.o [-j] [--ext PATH]...\n"
	    "       extbpf map dump FILE.o MAP [-j]\n"
	    "       extbpf map lookup FILE.o MAP --key KEY [-j]\n"
	    "       extbpf map update FILE.o MAP --key KEY --value VALUE [--flags "
	    "any|noexist|exist]\n"
	    "       extbpf map delete FILE.o MAP --key KEY\n"
	    "       extbpf map push FILE.o MAP --value VALUE [--flags any|exist]\n"
	    "       extbpf map pop|peek FILE.o MAP\n"
	    "       extbpf map dump|lookup|update|delete|push|pop|peek PIN [--key ..] [--value ..] "
	    "[--pin-root DIR]\n"
	    "\n"
	    "With PIN (no MAP): the shared map pinned there by a running host ('extbpf xdp run\n"
	    "--pin-maps DIR', a host's ebpf_map_create_opts.pin_path); a relative PIN is under\n"
	    "the pin root (--pin-root DIR, default /run/extbpf). Changes are the host's at once:\n"
	    "its programs see them, and they outlive this command.\n"
	    "\n"
	    "Opens FILE.o (verifying its programs, running none) and works on its map MAP, as\n"
	    "the object creates it: global data (.rodata, .data, .bss), initialised arrays and\n"
	    "program arrays. Changes last until the command exits, each command being a process\n"
	    "of its own; 'extbpf run FILE.o ... --dump-maps' shows what a program wrote.\n"
	    "Keys and values, exactly the map's key or value size, as --map takes them:\n"
	    "  hex bytes with spaces     '01 00 00 00', '0x01 0x00 0x00 0x00'\n"
	    "  hex bytes without spaces  starting with 0 or holding a-f: '07000000', 'ff';\n"
	    "                            or with colons: '00:00:00:00'\n"
	    "  an integer (1, 2, 4 or 8 bytes, host order): decimal starting 1-9 or '0',\n"
	    "                            or 0x-prefixed: '8080', '0x1f90' (no octal)\n"
	    "  an IPv4/IPv6 address, a MAC, ADDRESS/PREFIXLEN (an LPM trie key)\n"
	    "So '10' is ten and '0a' the byte 0x0a. Per-CPU maps take one value (set on every\n"
	    "CPU) or every CPU's value one after the other as hex bytes; they give one value\n"
	    "per CPU. Queue and stack\n"
	    "maps have no keys: push adds a value (--flags exist: dropping the oldest when\n"
	    "full), pop takes the next one, peek shows it; dump pops every element of an\n"
	    "object's map, and refuses a pinned one (it would take a running host's values).\n"
	    "dump shows a global-data map with BTF\n"
	    "(.data, .bss, .rodata) as its variables: name, type and value (-j: {name: value}).\n"
	    "\n"
	    "  --key KEY      the key, exactly the map's key size\n"
	    "  --value VALUE  the value, exactly the map's value size\n"
	    "  --flags F      any (default), noexist (create only) or exist (replace only)\n"
	    "  --section S, --type T   as for 'extbpf prog'\n"
	    "  -j, --json     JSON output (bytes as [\"0x01\", ...], as bpftool)\n"
	    "  --ext PATH     also load this extension (repeatable)\n"
	    "  --pin-root DIR where relative PINs are (default /run/extbpf)\n"
	    "\n"
	    "Exit codes: 0 success, 1 no such element or the update failed, 2 bad arguments,\n"
	    "unusable input or no such map.\n");
}

static int parse_flags(const char *text, uint64_t *flags)
{
	if (!strcmp(text, "any"))
		*flags = EBPF_ANY;
	else if (!strcmp(text, "noexist"))
		*flags = EBPF_NOEXIST;
	else if (!strcmp(text, "exist"))
		*flags = EBPF_EXIST;
	else
		return cli_usage_error(&cli_verb_map, "unknown --flags '%s' (any, noexist, exist)",
				       text);
	return 0;
}

static int map_option(int opt, const char *arg, void *args)
{
	struct map_args *a = args;

	switch (opt) {
	case OPT_KEY:
		a->key = arg;
		return 0;
	case OPT_VALUE:
		a->value = arg;
		return 0;
	case OPT_FLAGS:
		return parse_flags(arg, &a->flags);
	case OPT_PIN_ROOT:
		a->pin_root = arg;
		return 0;
	}
	return cli_object_option(&cli_verb_map, opt, arg, &a->obj);
}

/* What each action needs, checked before anything is loaded. */
static int map_check_args(const struct map_args *a)
{
	bool keyed = a->action == MAP_LOOKUP || a->action == MAP_UPDATE || a->action == MAP_DELETE;
	bool valued = a->action == MAP_UPDATE || a->action == MAP_PUSH;

	if (a->pin_root && a->pin_root[0] != '/')
		return cli_usage_error(&cli_verb_map, "--pin-root %s: not an absolute directory",
				       a->pin_root);
	if (a->action == MAP_LIST && a->map)
		return cli_usage_error(&cli_verb_map, "unexpected argument '%s'", a->map);
	if (keyed && !a->key)
		return cli_usage_error(&cli_verb_map, "map %s: --key KEY is needed",
				       action_names[a->action]);
	if (!keyed && a->key)
		return cli_usage_error(&cli_verb_map, "map %s takes no --key",
				       action_names[a->action]);
	if (valued != !!a->value)
		return cli_usage_error(
		    &cli_verb_map, "--value is for 'map update' and 'map push' and needed there");
	if (a->action == MAP_PUSH && a->flags == EBPF_NOEXIST)
		return cli_usage_error(&cli_verb_map, "map push: --flags any or exist");
	return 0;
}

static bool is_elf(const char *path)
{
	char magic[4] = "";
	FILE *f = fopen(path, "rbe");
	bool elf = f && fread(magic, 1, 4, f) == 4 &&
		   !memcmp(magic,
			   "\x7f"
			   "ELF",
			   4);

	if (f)
		fclose(f);
	return elf;
}

static int map_parse(int argc, char **argv, struct map_args *a)
{
	static const struct option options[] = {
		CLI_OBJECT_OPTIONS,
		{ "key", required_argument, NULL, OPT_KEY },
		{ "value", required_argument, NULL, OPT_VALUE },
		{ "flags", required_argument, NULL, OPT_FLAGS },
		{ "pin-root", required_argument, NULL, OPT_PIN_ROOT },
		{ NULL, 0, NULL, 0 },
	};
	int ret;

	ret =
	    cli_parse_object_argv(&cli_verb_map, argc, argv, options, map_option, a, &a->obj.path);
	if (ret)
		return ret;
	if (optind < argc)
		a->map = argv[optind++];
	if (optind < argc)
		return cli_usage_error(&cli_verb_map, "unexpected argument '%s'", argv[optind]);
	if (a->obj.mode != EBPF_MODE_DEFAULT)
		return cli_usage_error(&cli_verb_map, "--mode: map runs no program");
	/* One operand, and not to list: a pin, as bpftool's 'map dump pinned PATH' (an object
	 * alone still lacks its map's name). */
	a->pinned = a->action != MAP_LIST && !a->map;
	if (a->pinned && is_elf(a->obj.path))
		return cli_usage_error(&cli_verb_map, "map %s: no map name",
				       action_names[a->action]);
	if (a->pinned)
		a->map = a->obj.path;
	return map_check_args(a);
}

/* ---- dump -------------------------------------------------------------------------------- */

static void print_value_json(FILE *out, const struct ebpf_map *map, const uint8_t *value)
{
	uint32_t size = ebpf_map_value_size(map);

	if (!cli_map_is_percpu(map)) {
		fprintf(out, "\"value\": ");
		cli_json_bytes(out, value, size);
		return;
	}
	fprintf(out, "\"values\": [");
	for (uint32_t cpu = 0; cpu < ebpf_num_possible_cpus(); cpu++) {
		fprintf(out, "%s{\"cpu\": %u, \"value\": ", cpu ? ", " : "", cpu);
		cli_json_bytes(out, value + cpu * cli_map_cpu_stride(map), size);
		fputc('}', out);
	}
	fputc(']', out);
}

static void print_value_text(FILE *out, const struct ebpf_map *map, const uint8_t *value)
{
	uint32_t size = ebpf_map_value_size(map);

	if (!cli_map_is_percpu(map)) {
		fprintf(out, "value: ");
		cli_print_bytes(out, value, size);
		return;
	}
	for (uint32_t cpu = 0; cpu < ebpf_num_possible_cpus(); cpu++) {
		fprintf(out, "\n  value (CPU %02u): ", cpu);
		cli_print_bytes(out, value + cpu * cli_map_cpu_stride(map), size);
	}
}

/* key NULL for queue and stack maps. */
static void print_element(FILE *out, const struct ebpf_map *map, const void *key,
			  const uint8_t *value, bool json, bool first)
{
	if (json) {
		fprintf(out, "%s{", first ? "" : ",\n ");
		if (key) {
			fprintf(out, "\"key\": ");
			cli_json_bytes(out, key, ebpf_map_key_size(map));
			fprintf(out, ", ");
		}
		print_value_json(out, map, value);
		fputc('}', out);
		return;
	}
	if (key) {
		fprintf(out, "key: ");
		cli_print_bytes(out, key, ebpf_map_key_size(map));
		fprintf(out, "  ");
	}
	print_value_text(out, map, value);
	fputc('\n', out);
}

static bool map_is_keyless(const struct ebpf_map *map)
{
	return ebpf_map_type(map) == EBPF_MAP_TYPE_QUEUE ||
	       ebpf_map_type(map) == EBPF_MAP_TYPE_STACK;
}

/* Walks the keys; an element deleted meanwhile is skipped. Returns the count or -errno. */
static long dump_keyed(FILE *out, struct ebpf_map *map, uint8_t *key, uint8_t *next, uint8_t *value,
		       bool json)
{
	long n = 0;
	int err;

	for (err = ebpf_map_get_next_key(map, NULL, next); !err;
	     err = ebpf_map_get_next_key(map, key, next)) {
		memcpy(key, next, ebpf_map_key_size(map));
		if (ebpf_map_lookup_elem(map, key, value))
			continue;
		print_element(out, map, key, value, json, n == 0);
		n++;
	}
	return err == -ENOENT ? n : err;
}

static long dump_keyless(FILE *out, struct ebpf_map *map, uint8_t *value, bool json)
{
	long n = 0;

	while (!ebpf_map_lookup_and_delete_elem(map, NULL, value)) {
		print_element(out, map, NULL, value, json, n == 0);
		n++;
	}
	return n;
}

/* A global-data map's one value, as the variables it holds. */
static int dump_globals(FILE *out, struct ebpf_map *map, const struct btf *btf, bool json)
{
	uint32_t key = 0;
	uint8_t *value = malloc(ebpf_map_value_size(map) + 1);
	int err = value ? ebpf_map_lookup_elem(map, &key, value) : -ENOMEM;

	if (!err) {
		cli_print_globals(out, btf, ebpf_map_name(map), value, ebpf_map_value_size(map),
				  json, "  ");
		fputs(json ? "\n" : "", out);
	}
	free(value);
	if (err) {
		cli_error("map", "map '%s': cannot read: %s", ebpf_map_name(map), strerror(-err));
		return EXIT_REFUSED;
	}
	return EXIT_OK;
}

/* Ring buffers and perf event arrays hold records a reader consumes, not elements. */
static bool map_has_records(const struct ebpf_map *map)
{
	enum ebpf_map_type type = ebpf_map_type(map);

	return type == EBPF_MAP_TYPE_RINGBUF || type == EBPF_MAP_TYPE_PERF_EVENT_ARRAY;
}

int cli_map_dump(FILE *out, struct ebpf_map *map, const struct btf *btf, bool json)
{
	size_t key_size = ebpf_map_key_size(map) ? ebpf_map_key_size(map) : 1;
	uint8_t *key = malloc(key_size), *next = malloc(key_size);
	uint8_t *value = malloc(cli_map_host_value_size(map) + 1);
	long n = -ENOMEM;

	if (cli_is_global_data(btf, ebpf_map_name(map)) && ebpf_map_max_entries(map) == 1) {
		free(key);
		free(next);
		free(value);
		return dump_globals(out, map, btf, json);
	}
	if (json)
		fputc('[', out);
	if (map_has_records(map)) {
		n = 0; /* records are consumed, not looked up */
	} else if (key && next && value) {
		n = map_is_keyless(map) ? dump_keyless(out, map, value, json)
					: dump_keyed(out, map, key, next, value, json);
	}
	if (json)
		fprintf(out, "]\n");
	else if (map_has_records(map))
		fprintf(out, "(a %s: its records are consumed by a reader, not listed)\n",
			ebpf_map_type(map) == EBPF_MAP_TYPE_RINGBUF ? "ring buffer"
								    : "perf event array");
	else if (n >= 0)
		fprintf(out, "Found %ld element%s\n", n, n == 1 ? "" : "s");
	free(key);
	free(next);
	free(value);
	if (n < 0) {
		cli_error("map", "map '%s': cannot iterate: %s", ebpf_map_name(map),
			  strerror((int)-n));
		return EXIT_REFUSED;
	}
	return EXIT_OK;
}

int cli_dump_object_maps(FILE *out, const struct ebpf_object *obj, const struct btf *btf, bool json)
{
	struct ebpf_map *map = NULL;
	int ret = EXIT_OK;
	bool first = true;

	if (json)
		fprintf(out, ",\n \"maps\": [");
	while ((map = ebpf_object_next_map(obj, map))) {
		if (json) {
			fprintf(out, "%s{\"name\": ", first ? "" : ",\n  ");
			cli_json_string(out, ebpf_map_name(map));
			fprintf(out, ", \"elements\": ");
		} else {
			fputc('\n', out);
			cli_print_map_summary(out, map, false);
		}
		ret |= cli_map_dump(out, map, btf, json);
		if (json)
			fputc('}', out);
		first = false;
	}
	if (json)
		fputc(']', out);
	return ret;
}

/* ---- single elements --------------------------------------------------------------------- */

/* push, pop and peek: the values of a queue or stack, which has no keys. */
static int map_queue_op(const struct map_args *a, struct ebpf_map *map)
{
	uint8_t *value = calloc(1, ebpf_map_value_size(map) + 1);
	char where[300];
	int ret = EXIT_REFUSED, err;

	if (!map_is_keyless(map)) {
		free(value);
		cli_error("map", "map %s: '%s' is a %s map, not a queue or stack",
			  action_names[a->action], a->map, ebpf_map_type_name(map));
		return EXIT_USAGE;
	}
	if (!value)
		goto out;
	snprintf(where, sizeof(where), "map '%s'", a->map);
	if (a->action == MAP_PUSH) {
		ret = cli_parse_map_bytes("map", where, "value", a->value, ebpf_map_value_size(map),
					  value);
		if (ret)
			goto out;
		err = ebpf_map_update_elem(map, NULL, value, a->flags);
	} else if (a->action == MAP_POP) {
		err = ebpf_map_lookup_and_delete_elem(map, NULL, value);
	} else {
		err = ebpf_map_lookup_elem(map, NULL, value);
	}
	if (err) {
		cli_error("map", "%s of map '%s' failed: %s", action_names[a->action], a->map,
			  err == -ENOENT  ? "the map is empty"
			  : err == -E2BIG ? "the map is full (--flags exist drops the oldest)"
					  : ebpf_last_error());
		ret = EXIT_REFUSED;
		goto out;
	}
	ret = EXIT_OK;
	if (a->action != MAP_PUSH) {
		print_element(stdout, map, NULL, value, a->obj.json, true);
		if (a->obj.json)
			putchar('\n');
	}
out:
	free(value);
	return ret;
}

static int map_key_op(const struct map_args *a, struct ebpf_map *map)
{
	uint8_t *key = malloc(ebpf_map_key_size(map) + 1);
	uint8_t *value = calloc(1, cli_map_host_value_size(map) + 1);
	char where[300];
	int ret = EXIT_REFUSED, err;

	if (!key || !value)
		goto out;
	snprintf(where, sizeof(where), "map '%s'", a->map);
	ret = cli_parse_map_bytes("map", where, "key", a->key, ebpf_map_key_size(map), key);
	if (!ret && a->action == MAP_UPDATE)
		ret = cli_parse_map_value("map", where, a->value, map, value);
	if (ret)
		goto out;
	if (a->action == MAP_LOOKUP)
		err = ebpf_map_lookup_elem(map, key, value);
	else if (a->action == MAP_UPDATE)
		err = ebpf_map_update_elem(map, key, value, a->flags);
	else
		err = ebpf_map_delete_elem(map, key);
	if (err) {
		cli_error("map", "%s of map '%s' failed: %s", action_names[a->action], a->map,
			  err == -ENOENT ? "no such element" : ebpf_last_error());
		ret = EXIT_REFUSED;
		goto out;
	}
	if (a->action != MAP_DELETE)
		print_element(stdout, map, key, value, a->obj.json, true);
	if (a->action != MAP_DELETE && a->obj.json)
		putchar('\n');
out:
	free(key);
	free(value);
	return ret;
}

static int map_element(const struct map_args *a, struct ebpf_map *map)
{
	if (a->action == MAP_PUSH || a->action == MAP_POP || a->action == MAP_PEEK)
		return map_queue_op(a, map);
	return map_key_op(a, map);
}

static void map_list(const struct ebpf_object *obj, bool json)
{
	const struct ebpf_map *map = NULL;
	bool first = true;

	if (json)
		putchar('[');
	while ((map = ebpf_object_next_map(obj, map))) {
		if (json)
			printf("%s\n  ", first ? "" : ",");
		cli_print_map_summary(stdout, map, json);
		first = false;
	}
	if (json)
		printf("\n]\n");
}

static int map_act(struct ebpf_object *obj, void *arg)
{
	const struct map_args *a = arg;
	struct ebpf_map *map;

	if (a->action == MAP_LIST) {
		map_list(obj, a->obj.json);
		return EXIT_OK;
	}
	map = ebpf_object_find_map(obj, a->map);
	if (!map) {
		cli_error("map", "%s: no map named '%s' (see 'extbpf map list %s')", a->obj.path,
			  a->map, a->obj.path);
		return EXIT_USAGE;
	}
	if (a->action == MAP_DUMP) {
		struct btf *btf = cli_btf_load(a->obj.path);
		int ret = cli_map_dump(stdout, map, btf, a->obj.json);

		btf__free(btf);
		return ret;
	}
	return map_element(a, map);
}

/* A pinned shared map: opened from its file, changed in place for whoever else maps it. */
static int map_pinned(const struct map_args *a)
{
	struct ebpf_map *map;
	int ret;

	if (a->pin_root && ebpf_set_pin_root(a->pin_root)) {
		cli_error("map", "--pin-root: %s", ebpf_last_error());
		return EXIT_USAGE;
	}
	if (ebpf_map_open_pinned(a->map, &map)) {
		cli_error("map", "%s", ebpf_last_error());
		return EXIT_USAGE;
	}
	if (a->action == MAP_DUMP && map_is_keyless(map)) {
		cli_error("map",
			  "map dump: '%s' is a shared %s: a dump pops every value, a running "
			  "host's too; 'map peek' shows the next one, 'map pop' takes it",
			  a->map, ebpf_map_type_name(map));
		ebpf_map_release(map);
		return EXIT_USAGE;
	}
	ret = a->action == MAP_DUMP ? cli_map_dump(stdout, map, NULL, a->obj.json)
				    : map_element(a, map);
	ebpf_map_release(map);
	return ret;
}

static int map_run(int argc, char **argv)
{
	struct map_args a = { .flags = EBPF_ANY };
	size_t i;
	int ret;

	if (cli_registry_wanted(argc, argv))
		return cli_registry_list(&cli_verb_map, argc, argv, EBPF_REGISTRY_MAP);
	for (i = 0; argc >= 2 && i < sizeof(action_names) / sizeof(action_names[0]); i++) {
		if (!strcmp(argv[1], action_names[i]))
			break;
	}
	if (argc < 2 || i == sizeof(action_names) / sizeof(action_names[0]))
		return cli_usage_error(&cli_verb_map,
				       "expected 'list', 'dump', 'lookup', 'update', 'delete', "
				       "'push', 'pop' or 'peek'");
	a.action = (enum map_action)i;
	ret = map_parse(argc - 1, argv + 1, &a);
	if (ret)
		return ret;
	if (a.pinned)
		return map_pinned(&a);
	a.obj.map_storage = true; /* the maps' contents are what this verb shows */
	return cli_with_object("map", &a.obj, true, map_act, &a);
}

const struct cli_verb cli_verb_map = {
	.name = "map",
	.summary = "list, dump, look up, update, delete, push or pop the elements of maps",
	.run = map_run,
	.usage = map_usage,
};

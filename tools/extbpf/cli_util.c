// SPDX-License-Identifier: MIT
/*
 * What the verbs that work on ELF objects share: extensions to load, execution modes, hex
 * arguments, JSON and hex-dump output, map and program descriptions.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <extbpf/extbpf.h>

#include "cli.h"

int cli_load_extensions(const char *verb, const struct cli_object_args *a)
{
	int status = EXIT_OK;

	/* The default directory may be missing when every extension comes from --ext. */
	if (ebpf_extension_load_dir(NULL) && !a->ext_count)
		cli_warning(verb, "%s", ebpf_last_error());
	for (size_t i = 0; i < a->ext_count; i++) {
		if (ebpf_extension_load(a->ext[i], NULL)) {
			cli_error(verb, "%s", ebpf_last_error());
			status = EXIT_USAGE;
		}
	}
	return status;
}

static const struct {
	const char *name;
	enum ebpf_exec_mode mode;
} modes[] = {
	{ "default", EBPF_MODE_DEFAULT },
	{ "interp", EBPF_MODE_INTERP },
	{ "jit", EBPF_MODE_JIT },
	{ "native", EBPF_MODE_NATIVE },
};

int cli_parse_mode(const char *name, enum ebpf_exec_mode *mode)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (!strcmp(name, modes[i].name)) {
			*mode = modes[i].mode;
			return 0;
		}
	}
	return -EINVAL;
}

const char *cli_mode_name(enum ebpf_exec_mode mode)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (modes[i].mode == mode)
			return modes[i].name;
	}
	return "?";
}

static int type_exists_cb(const struct ebpf_program_info *info, void *arg)
{
	return !strcmp(info->name, arg);
}

bool cli_program_type_exists(const char *name)
{
	return ebpf_foreach_program_type(type_exists_cb, (void *)name) > 0;
}

int cli_object_option(const struct cli_verb *verb, int opt, const char *arg,
		      struct cli_object_args *a)
{
	switch (opt) {
	case CLI_OPT_SECTION:
		a->section = arg;
		return 0;
	case CLI_OPT_TYPE:
		a->type = arg;
		return 0;
	case CLI_OPT_MODE:
		if (cli_parse_mode(arg, &a->mode))
			return cli_usage_error(verb, "unknown mode '%s' (interp, jit or native)",
					       arg);
		return 0;
	case CLI_OPT_EXT:
		if (a->ext_count == CLI_MAX_EXT)
			return cli_usage_error(verb, "more than %d --ext", CLI_MAX_EXT);
		a->ext[a->ext_count++] = arg;
		return 0;
	case CLI_OPT_JSON:
		a->json = true;
		return 0;
	case CLI_OPT_BTF:
		a->btf = arg;
		return 0;
	case CLI_OPT_KCONFIG:
		a->kconfig = arg;
		return 0;
	case CLI_OPT_ATTACH_TARGET:
	case CLI_OPT_MAP_SIZE:
	case CLI_OPT_MAP_VALUE_SIZE:
	case CLI_OPT_SET:
		return cli_add_config_arg(verb, a, opt, arg);
	}
	return cli_usage_error(verb, "unknown option");
}

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* Edits (insert, delete, replace, swap two neighbours) from a to b, as a typo makes them;
 * anything beyond limit is limit + 1. */
static size_t edit_distance(const char *a, const char *b, size_t limit)
{
	enum { MAX = 48 };
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d[MAX + 1][MAX + 1];

	if (la > MAX || lb > MAX)
		return limit + 1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t v = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
					d[i - 1][j - 1] + (a[i - 1] != b[j - 1]));

			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    (size_t)d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb] > limit ? limit + 1 : d[la][lb];
}

const char *cli_closest(const char *word, const char *const *names, size_t n)
{
	size_t limit = strlen(word) <= 4 ? 1 : 2, best = limit + 1;
	const char *found = NULL;

	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(word, names[i], limit);

		/* A prefix is what a user starts typing: "--sec" means "--section". */
		if (d > limit && strlen(word) >= 3 && !strncmp(word, names[i], strlen(word)))
			d = limit;
		if (d < best) {
			best = d;
			found = names[i];
		}
	}
	return found;
}

/* The option's name as typed, without dashes and any "=value". */
static void option_word(const char *arg, char *word, size_t size)
{
	size_t len;

	while (*arg == '-')
		arg++;
	len = strcspn(arg, "=");
	if (len >= size)
		len = size - 1;
	memcpy(word, arg, len);
	word[len] = '\0';
}

int cli_unknown_option(const struct cli_verb *verb, const char *arg, const char *const *names)
{
	const char *close;
	char word[64];
	size_t n = 0;

	while (names[n])
		n++;
	option_word(arg, word, sizeof(word));
	close = strncmp(arg, "--", 2) ? NULL : cli_closest(word, names, n);
	if (close)
		return cli_option_error(verb, "unknown option '%s' (did you mean '--%s'?)", arg,
					close);
	return cli_option_error(verb, "unknown option '%s'", arg);
}

int cli_getopt_error(const struct cli_verb *verb, const struct option *options, int opt,
		     char **argv)
{
	const char *arg = argv[optind - 1], *names[64], *close;
	char word[64];
	size_t n = 0;

	if (opt == ':')
		return cli_option_error(verb, "%s needs a value", arg);
	for (; options[n].name && n < sizeof(names) / sizeof(names[0]); n++)
		names[n] = options[n].name;
	option_word(arg, word, sizeof(word));
	/* A short option getopt did not know: argv holds the whole cluster ("-x"). */
	close = strncmp(arg, "--", 2) ? NULL : cli_closest(word, names, n);
	if (close)
		return cli_option_error(verb, "unknown option '%s' (did you mean '--%s'?)", arg,
					close);
	return cli_option_error(verb, "unknown option '%s'", arg);
}

int cli_mode_arg(const struct cli_verb *verb, const char *name, enum ebpf_exec_mode *mode)
{
	/* "default" is what leaving --mode out means, not a value to give it. */
	if (!strcmp(name, "default") || cli_parse_mode(name, mode))
		return cli_usage_error(verb, "unknown mode '%s' (interp, jit or native)", name);
	return 0;
}

int cli_parse_object_argv(const struct cli_verb *verb, int argc, char **argv,
			  const struct option *options, cli_option_fn option, void *args,
			  const char **path)
{
	int opt, ret = 0;

	opterr = 0;
	optind = 1;
	while (!ret && (opt = getopt_long(argc, argv, ":j", options, NULL)) != -1) {
		if (opt == ':' || opt == '?')
			ret = cli_getopt_error(verb, options, opt, argv);
		else
			ret = option(opt, optarg, args);
	}
	if (ret)
		return ret;
	if (optind == argc)
		return cli_usage_error(verb, "no object file");
	*path = argv[optind++];
	return 0;
}

const char *cli_duration(uint64_t ns, char *buf, size_t size)
{
	if (ns < 10000)
		snprintf(buf, size, "%" PRIu64 " ns", ns);
	else if (ns < 10000000)
		snprintf(buf, size, "%.1f us", ns / 1e3);
	else if (ns < 1000000000ull)
		snprintf(buf, size, "%.1f ms", ns / 1e6);
	else if (ns < 120000000000ull)
		snprintf(buf, size, "%.2f s", ns / 1e9);
	else
		snprintf(buf, size, "%" PRIu64 " min %02" PRIu64 " s",
			 (uint64_t)(ns / 60000000000ull), (uint64_t)(ns / 1000000000ull % 60));
	return buf;
}

int cli_check_output(const char *verb, const char *path)
{
	char dir[PATH_MAX];
	struct stat st;
	char *slash;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		cli_error(verb, "output '%s' is a directory", path);
		return EXIT_USAGE;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		return EXIT_OK; /* the current directory */
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		cli_error(verb, "cannot write '%s': the folder '%s' does not exist", path, dir);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cli_with_object(const char *verb, const struct cli_object_args *a, bool verify_only,
		    cli_object_fn act, void *arg)
{
	struct ebpf_object *obj;
	int ret;

	ret = cli_load_extensions(verb, a);
	if (!ret)
		ret = cli_open_object(verb, a, verify_only, &obj);
	if (!ret) {
		ret = act(obj, arg);
		ebpf_object_close(obj);
	}
	ebpf_runtime_shutdown();
	return ret;
}

struct program_count {
	const char *section;
	size_t matched;
	size_t total;
	bool every_program;    /* all are loaded, not only --section's */
	const char *unclaimed; /* a loaded section no program type claims, or NULL */
	char unclaimed_buf[256];
};

static int count_program(const struct ebpf_object_program_info *info, void *arg)
{
	struct program_count *c = arg;

	bool optional = info->section[0] == '?';
	bool named = c->section && (!strcmp(c->section, info->section) ||
				    !strcmp(c->section, info->section + optional) ||
				    !strcmp(c->section, info->name));
	/* libbpf's SEC("?...") programs are loaded only when named: an unknown type among them
	 * (a struct_ops twin in a selftest object) does not make the others unusable. */
	bool loaded = named || ((!c->section || c->every_program) && !optional);

	c->total++;
	c->matched += !c->section || named;
	if (loaded && !c->unclaimed && !ebpf_section_claimed(info->type_section)) {
		snprintf(c->unclaimed_buf, sizeof(c->unclaimed_buf), "%s", info->type_section);
		c->unclaimed = c->unclaimed_buf;
	}
	return 0;
}

static int check_type(const char *verb, const struct cli_object_args *a)
{
	if (a->type && !cli_program_type_exists(a->type)) {
		cli_error(verb, "%s: unknown program type '%s' (see 'extbpf ext list')", a->path,
			  a->type);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* --btf and --kconfig name files: one that cannot be read is unusable input, not a refusal. */
static int check_readable(const char *verb, const char *option, const char *path)
{
	FILE *f;

	if (!path)
		return EXIT_OK;
	f = fopen(path, "r");
	if (!f) {
		cli_error(verb, "%s '%s': %s", option, path, strerror(errno));
		return EXIT_USAGE;
	}
	fclose(f);
	return EXIT_OK;
}

/* The configuration options and the map sizes they leave: unusable input when wrong. */
static int check_config(const char *verb, const struct cli_object_args *a)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .verify_only = true };
	struct ebpf_object *obj;
	int ret = cli_prepare_object(verb, a, &opts, &obj);

	if (ret == EXIT_REFUSED) {
		cli_error(verb, "%s", ebpf_last_error());
		return EXIT_USAGE;
	}
	if (!ret)
		ebpf_object_close(obj);
	return ret;
}

int cli_check_object(const char *verb, const struct cli_object_args *a)
{
	struct program_count c = { .section = a->section, .every_program = a->whole_object };

	if (check_readable(verb, "--btf", a->btf) || check_readable(verb, "--kconfig", a->kconfig))
		return EXIT_USAGE;
	/* A native object's programs are known once it is opened: ebpf_object_open checks it. */
	if (ebpf_object_is_native(a->path))
		return check_type(verb, a);
	if (ebpf_object_programs(a->path, count_program, &c)) {
		cli_error(verb, "%s", ebpf_last_error());
		return EXIT_USAGE;
	}
	if (a->section && !c.matched) {
		cli_error(verb, "%s: no program in a section or function named '%s'", a->path,
			  a->section);
		return EXIT_USAGE;
	}
	/* Unusable input, not a refusal: no loaded extension offers the program's type. */
	if (c.unclaimed && !a->type) {
		cli_error(verb,
			  "%s: section '%s': no loaded extension provides program type for section "
			  "prefix '%.*s' ('extbpf ext list' lists them)",
			  a->path, c.unclaimed, (int)strcspn(c.unclaimed, "/"), c.unclaimed);
		return EXIT_USAGE;
	}
	return check_type(verb, a) ? EXIT_USAGE : check_config(verb, a);
}

int cli_open_object(const char *verb, const struct cli_object_args *a, bool verify_only,
		    struct ebpf_object **object)
{
	struct ebpf_object_open_opts opts = {
		.sz = sizeof(opts),
		.mode = a->mode,
		.program_type = a->type,
		.only_program = a->whole_object ? NULL : a->section,
		.verify_only = verify_only,
		.btf_path = a->btf,
		.kconfig_path = a->kconfig,
		.keep_map_storage = a->map_storage,
	};
	/* Unusable input (not an object, no such section or type) is told apart from a refusal
	 * by parsing first: only the second is the program's fault. */
	int ret = cli_check_object(verb, a);

	if (ret)
		return ret;
	/* A native object was configured when it was compiled. */
	if (ebpf_object_is_native(a->path) && !a->config_count)
		ret = ebpf_object_open(a->path, &opts, object) ? EXIT_REFUSED : EXIT_OK;
	else
		ret = cli_open_configured(verb, a, &opts, object);
	if (ret == EXIT_REFUSED)
		cli_error(verb, "%s", ebpf_last_error());
	return ret;
}

/* ---- hex in and out ---------------------------------------------------------------------- */

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int cli_parse_hex(const char *text, uint8_t **bytes, size_t *size)
{
	size_t len = strlen(text), n = 0;
	uint8_t *out = malloc(len / 2 + 1);
	int high = -1;

	if (!out)
		return -ENOMEM;
	for (const char *p = text; *p; p++) {
		int d;

		if (isspace((unsigned char)*p) || *p == ':')
			continue;
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && high < 0) {
			p++;
			continue;
		}
		d = hex_digit((unsigned char)*p);
		if (d < 0)
			goto bad;
		if (high < 0) {
			high = d;
			continue;
		}
		out[n++] = (uint8_t)(high << 4 | d);
		high = -1;
	}
	if (high >= 0 || !n)
		goto bad;
	*bytes = out;
	*size = n;
	return 0;
bad:
	free(out);
	return -EINVAL;
}

void cli_hex_dump(FILE *out, const void *data, size_t size, size_t limit)
{
	const uint8_t *p = data;
	size_t shown = size < limit ? size : limit;

	for (size_t off = 0; off < shown; off += 16) {
		fprintf(out, "  %04zx:", off);
		for (size_t i = off; i < off + 16; i++) {
			if (i < shown)
				fprintf(out, " %02x", p[i]);
			else
				fputs("   ", out);
		}
		fputs("  ", out);
		for (size_t i = off; i < off + 16 && i < shown; i++)
			fputc(isprint(p[i]) ? p[i] : '.', out);
		fputc('\n', out);
	}
	if (shown < size)
		fprintf(out, "  ... %zu more bytes\n", size - shown);
}

void cli_print_bytes(FILE *out, const void *data, size_t size)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < size; i++)
		fprintf(out, "%s%02x", i ? " " : "", p[i]);
}

/* ---- JSON -------------------------------------------------------------------------------- */

void cli_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void cli_json_bytes(FILE *out, const void *data, size_t size)
{
	const uint8_t *p = data;

	fputc('[', out);
	for (size_t i = 0; i < size; i++)
		fprintf(out, "%s\"0x%02x\"", i ? "," : "", p[i]);
	fputc(']', out);
}

/* ---- descriptions ------------------------------------------------------------------------ */

const char *cli_map_type_name(enum ebpf_map_type type)
{
	switch (type) {
	case EBPF_MAP_TYPE_HASH:
		return "hash";
	case EBPF_MAP_TYPE_ARRAY:
		return "array";
	case EBPF_MAP_TYPE_PROG_ARRAY:
		return "prog_array";
	case EBPF_MAP_TYPE_PERF_EVENT_ARRAY:
		return "perf_event_array";
	case EBPF_MAP_TYPE_PERCPU_HASH:
		return "percpu_hash";
	case EBPF_MAP_TYPE_PERCPU_ARRAY:
		return "percpu_array";
	case EBPF_MAP_TYPE_LRU_HASH:
		return "lru_hash";
	case EBPF_MAP_TYPE_LRU_PERCPU_HASH:
		return "lru_percpu_hash";
	case EBPF_MAP_TYPE_LPM_TRIE:
		return "lpm_trie";
	case EBPF_MAP_TYPE_ARRAY_OF_MAPS:
		return "array_of_maps";
	case EBPF_MAP_TYPE_HASH_OF_MAPS:
		return "hash_of_maps";
	case EBPF_MAP_TYPE_DEVMAP:
		return "devmap";
	case EBPF_MAP_TYPE_SOCKMAP:
		return "sockmap";
	case EBPF_MAP_TYPE_CPUMAP:
		return "cpumap";
	case EBPF_MAP_TYPE_XSKMAP:
		return "xskmap";
	case EBPF_MAP_TYPE_SOCKHASH:
		return "sockhash";
	case EBPF_MAP_TYPE_STACK_TRACE:
		return "stack_trace";
	case EBPF_MAP_TYPE_CGROUP_STORAGE:
		return "cgroup_storage";
	case EBPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
		return "percpu_cgroup_storage";
	case EBPF_MAP_TYPE_SK_STORAGE:
		return "sk_storage";
	case EBPF_MAP_TYPE_INODE_STORAGE:
		return "inode_storage";
	case EBPF_MAP_TYPE_TASK_STORAGE:
		return "task_storage";
	case EBPF_MAP_TYPE_CGRP_STORAGE:
		return "cgrp_storage";
	case EBPF_MAP_TYPE_QUEUE:
		return "queue";
	case EBPF_MAP_TYPE_STACK:
		return "stack";
	case EBPF_MAP_TYPE_DEVMAP_HASH:
		return "devmap_hash";
	case EBPF_MAP_TYPE_RINGBUF:
		return "ringbuf";
	case EBPF_MAP_TYPE_UNSPEC:
		break;
	}
	return "unknown";
}

bool cli_map_is_percpu(const struct ebpf_map *map)
{
	enum ebpf_map_type type = ebpf_map_type(map);

	return type == EBPF_MAP_TYPE_PERCPU_HASH || type == EBPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == EBPF_MAP_TYPE_LRU_PERCPU_HASH;
}

size_t cli_map_cpu_stride(const struct ebpf_map *map)
{
	return ((size_t)ebpf_map_value_size(map) + 7) & ~(size_t)7;
}

size_t cli_map_host_value_size(const struct ebpf_map *map)
{
	if (cli_map_is_percpu(map))
		return cli_map_cpu_stride(map) * ebpf_num_possible_cpus();
	return ebpf_map_value_size(map);
}

void cli_print_map_summary(FILE *out, const struct ebpf_map *map, bool json)
{
	if (json) {
		fprintf(out, "{\"id\": %u, \"name\": ", ebpf_map_id(map));
		cli_json_string(out, ebpf_map_name(map));
		fprintf(out,
			", \"type\": \"%s\", \"key_size\": %u, \"value_size\": %u, "
			"\"max_entries\": %u, \"flags\": %u}",
			cli_map_type_name(ebpf_map_type(map)), ebpf_map_key_size(map),
			ebpf_map_value_size(map), ebpf_map_max_entries(map), ebpf_map_flags(map));
		return;
	}
	fprintf(out, "map %u '%s': %s, key %u bytes, value %u bytes, max_entries %u",
		ebpf_map_id(map), ebpf_map_name(map), cli_map_type_name(ebpf_map_type(map)),
		ebpf_map_key_size(map), ebpf_map_value_size(map), ebpf_map_max_entries(map));
	if (ebpf_map_flags(map))
		fprintf(out, ", flags 0x%x", ebpf_map_flags(map));
	fputc('\n', out);
}

void cli_print_program_summary(FILE *out, const struct ebpf_program *prog, bool loaded, bool json)
{
	const char *mode = loaded ? cli_mode_name(ebpf_program_mode(prog)) : "none";
	size_t count;

	ebpf_program_insns(prog, &count);
	if (json) {
		fprintf(out, "{\"id\": %u, \"name\": ", ebpf_program_id(prog));
		cli_json_string(out, ebpf_program_name(prog));
		fprintf(out, ", \"section\": ");
		cli_json_string(out, ebpf_program_section(prog));
		fprintf(out, ", \"type\": ");
		cli_json_string(out, ebpf_program_type_name(prog));
		fprintf(out, ", \"insns\": %zu, \"mode\": \"%s\"}", count, mode);
		return;
	}
	fprintf(out, "prog %u '%s': section '%s', type %s, %zu insns, mode %s\n",
		ebpf_program_id(prog), ebpf_program_name(prog), ebpf_program_section(prog),
		ebpf_program_type_name(prog), count, mode);
}

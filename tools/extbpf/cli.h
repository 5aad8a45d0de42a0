/* SPDX-License-Identifier: MIT */
/* What every verb of the extbpf tool shares: exit codes, the verb table, small file helpers. */
#ifndef EXTBPF_CLI_H
#define EXTBPF_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <getopt.h>

#include <extbpf/extbpf.h>

struct btf; /* libbpf's <bpf/btf.h> */

/* Exit codes, documented in docs/extbpf.1. */
#define EXIT_OK	     0 /* success */
#define EXIT_REFUSED 1 /* the work failed: a program refused, a run or lookup failed */
#define EXIT_USAGE   2 /* bad arguments or unusable input */

struct cli_verb {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv); /* argv[0] is the verb */
	void (*usage)(FILE *out);
};

/* The verbs, each in cmd_<name>.c. */
extern const struct cli_verb cli_verb_asm;
extern const struct cli_verb cli_verb_disasm;
extern const struct cli_verb cli_verb_ext;
extern const struct cli_verb cli_verb_run;
extern const struct cli_verb cli_verb_xdp;
extern const struct cli_verb cli_verb_verify;
extern const struct cli_verb cli_verb_prog;
extern const struct cli_verb cli_verb_map;
extern const struct cli_verb cli_verb_link;
extern const struct cli_verb cli_verb_compile;
extern const struct cli_verb cli_verb_gen;

/* Reports an error on stderr as "extbpf <verb>: <message>"; with -j on the command line, on
 * stdout as {"error": "<message>"}. */
void cli_error(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* prog|map|link list without an object (cli_registry.c): what running hosts published. */
bool cli_registry_wanted(int argc, char **argv);
int cli_registry_list(const struct cli_verb *verb, int argc, char **argv,
		      enum ebpf_registry_kind kind);
/* "extbpf <verb>: warning: <message>" on stderr, also with -j (the work goes on). */
void cli_warning(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reads a whole file into a malloc'ed buffer (NUL-terminated beyond size). 0 or -errno
 * (-EISDIR for a directory). */
int cli_read_file(const char *path, void **data, size_t *size);
/* True when argv holds -h or --help. */
bool cli_wants_help(int argc, char **argv);
/* Shared handling of a bad argument: the error (see cli_error), the verb's usage on stderr,
 * EXIT_USAGE. */
int cli_usage_error(const struct cli_verb *verb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A bad option: the error and one line pointing at --help (not the whole usage), EXIT_USAGE. */
int cli_option_error(const struct cli_verb *verb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The name among names[0..n) closest to word (a typo away: at most 2 edits, fewer for short
 * words), or NULL. */
const char *cli_closest(const char *word, const char *const *names, size_t n);

/* ---- Verbs on ELF objects (cli_util.c) --------------------------------------------------- */

#define CLI_MAX_EXT	    16
#define CLI_MAX_MAP_ARGS    64
#define CLI_MAX_CONFIG_ARGS 256

/* The options every object verb accepts, with the same spelling and meaning everywhere. */
enum {
	CLI_OPT_JSON = 'j',
	CLI_OPT_SECTION = 0x100,   /* --section S: one program, by section or function name */
	CLI_OPT_TYPE,		   /* --type T: force the program type */
	CLI_OPT_MODE,		   /* --mode interp|jit|native */
	CLI_OPT_EXT,		   /* --ext PATH: load an extension besides the default directory */
	CLI_OPT_BTF,		   /* --btf FILE: the kernel BTF CO-RE relocates against */
	CLI_OPT_KCONFIG,	   /* --kconfig FILE: the kernel config of __kconfig externs */
	CLI_OPT_ATTACH_TARGET,	   /* --attach-target PROG=FUNC (cli_config.c) */
	CLI_OPT_MAP_SIZE,	   /* --map-size MAP=N */
	CLI_OPT_MAP_VALUE_SIZE,	   /* --map-value-size MAP=N */
	CLI_OPT_SET,		   /* --set NAME=VALUE: a global variable */
	CLI_OPT_VERB_BASE = 0x200, /* a verb's own long options start here */
};

/* clang-format off */
#define CLI_OBJECT_OPTIONS                                                                         \
	{ "json", no_argument, NULL, CLI_OPT_JSON },                                               \
	{ "section", required_argument, NULL, CLI_OPT_SECTION },                                   \
	{ "type", required_argument, NULL, CLI_OPT_TYPE },                                         \
	{ "mode", required_argument, NULL, CLI_OPT_MODE },                                         \
	{ "ext", required_argument, NULL, CLI_OPT_EXT },                                           \
	{ "btf", required_argument, NULL, CLI_OPT_BTF },                                           \
	{ "kconfig", required_argument, NULL, CLI_OPT_KCONFIG },                                   \
	{ "attach-target", required_argument, NULL, CLI_OPT_ATTACH_TARGET },                       \
	{ "map-size", required_argument, NULL, CLI_OPT_MAP_SIZE },                                 \
	{ "map-value-size", required_argument, NULL, CLI_OPT_MAP_VALUE_SIZE },                     \
	{ "set", required_argument, NULL, CLI_OPT_SET }
/* clang-format on */

struct cli_object_args {
	const char *path; /* the ELF object */
	const char *section;
	const char *type;
	enum ebpf_exec_mode mode;
	const char *ext[CLI_MAX_EXT];
	size_t ext_count;
	bool json;
	const char *btf;     /* --btf */
	const char *kconfig; /* --kconfig */
	bool map_storage;    /* opened to verify only, but with the maps' storage (extbpf map) */
	/* --section only picks the program to act on; every program of the object is loaded, so
	 * that tail calls into the others work (run). Else only --section's program is loaded. */
	bool whole_object;
	/* --map NAME=KEY:VALUE (run, link attach, xdp run): applied once the object is open. */
	const char *maps[CLI_MAX_MAP_ARGS];
	size_t map_count;
	/* --attach-target, --map-size, --map-value-size, --set: applied between parse and load. */
	struct {
		int opt; /* CLI_OPT_ATTACH_TARGET, ... */
		const char *arg;
	} configs[CLI_MAX_CONFIG_ARGS];
	size_t config_count;
};

/* Handles one of CLI_OBJECT_OPTIONS; 0 or EXIT_USAGE (after the usage message). */
int cli_object_option(const struct cli_verb *verb, int opt, const char *arg,
		      struct cli_object_args *a);
/* getopt_long over options returned ':' or '?': one line naming the option (with a "did you
 * mean" when one of options is close) and EXIT_USAGE. */
int cli_getopt_error(const struct cli_verb *verb, const struct option *options, int opt,
		     char **argv);
/* The same for a verb that parses argv itself: names are its long options without dashes,
 * NULL-terminated. */
int cli_unknown_option(const struct cli_verb *verb, const char *arg, const char *const *names);
/* --mode's value for a verb that parses it itself: interp, jit or native; 0 or EXIT_USAGE. */
int cli_mode_arg(const struct cli_verb *verb, const char *name, enum ebpf_exec_mode *mode);
/* One option of a verb's own (opt from getopt_long, arg its value): 0 or EXIT_USAGE. */
typedef int (*cli_option_fn)(int opt, const char *arg, void *args);
/* Parses argv (argv[0] the verb or its action) with getopt_long, hands every option to option,
 * then takes the object file: 0 with optind past it, or EXIT_USAGE (message printed). */
int cli_parse_object_argv(const struct cli_verb *verb, int argc, char **argv,
			  const struct option *options, cli_option_fn option, void *args,
			  const char **path);
/* What a verb does with an opened object: EXIT_OK, EXIT_REFUSED or EXIT_USAGE. */
typedef int (*cli_object_fn)(struct ebpf_object *obj, void *arg);
/* Where a verb writes a file: the folder must exist and path must not be one. EXIT_OK or
 * EXIT_USAGE with a message naming the path. */
int cli_check_output(const char *verb, const char *path);
/* Loads the extensions, opens the object, calls act on it, closes it and shuts the runtime
 * down: act's result, or the loading's or opening's (see cli_open_object). */
int cli_with_object(const char *verb, const struct cli_object_args *a, bool verify_only,
		    cli_object_fn act, void *arg);
/* Loads the default extension directory and every --ext; EXIT_OK or EXIT_USAGE. */
int cli_load_extensions(const char *verb, const struct cli_object_args *a);
/* Parses the object, checks --section and --type: EXIT_OK or EXIT_USAGE (message printed). */
int cli_check_object(const char *verb, const struct cli_object_args *a);
/* cli_check_object, then ebpf_object_open: EXIT_OK, EXIT_USAGE, or EXIT_REFUSED when a program
 * is refused (the verifier's diagnostic printed). */
int cli_open_object(const char *verb, const struct cli_object_args *a, bool verify_only,
		    struct ebpf_object **object);
int cli_parse_mode(const char *name, enum ebpf_exec_mode *mode);

/* ---- Configuration between parse and load (cli_config.c) ---------------------------------- */

/* Records one --attach-target, --map-size, --map-value-size or --set (opt) after checking its
 * NAME=VALUE form: 0 or EXIT_USAGE. */
int cli_add_config_arg(const struct cli_verb *verb, struct cli_object_args *a, int opt,
		       const char *arg);
/* Applies every recorded configuration to a parsed object: EXIT_OK, or EXIT_USAGE with a
 * message naming the option and what was wrong (no such program, map or variable; a value
 * that does not fit). */
int cli_configure_object(const char *verb, const struct cli_object_args *a,
			 struct ebpf_object *obj);
/* Parses a->path with opts and configures it, not loaded yet: EXIT_OK; EXIT_USAGE (a bad
 * configuration, or a map size still zero: message printed); EXIT_REFUSED (the parse failed:
 * ebpf_last_error() says why, nothing printed). */
int cli_prepare_object(const char *verb, const struct cli_object_args *a,
		       const struct ebpf_object_open_opts *opts, struct ebpf_object **object);
/* cli_prepare_object, then the load: EXIT_REFUSED when it fails (not printed either). */
int cli_open_configured(const char *verb, const struct cli_object_args *a,
			const struct ebpf_object_open_opts *opts, struct ebpf_object **object);
/* extbpf ext new NAME (cmd_ext_new.c): the extension skeleton in folder NAME. */
int cli_ext_new(const char *name);
/* extbpf disasm --jited (cmd_disasm_jited.c): the JIT's machine code per instruction. */
int cli_disasm_jited(struct cli_object_args *a);
const char *cli_mode_name(enum ebpf_exec_mode mode);
bool cli_program_type_exists(const char *name);

/* --map NAME=KEY:VALUE (cli_maparg.c): updates the object's map. EXIT_OK, EXIT_USAGE (bad
 * argument, no such map, message printed) or EXIT_REFUSED (the update failed). */
int cli_apply_map_arg(const char *verb, const struct ebpf_object *obj, const char *arg);
/* Every --map of a, in order: the first failure's code, or EXIT_OK. */
int cli_apply_map_args(const char *verb, const struct ebpf_object *obj,
		       const struct cli_object_args *a);
/* One key or value (what: "key" or "value") of exactly size bytes in the syntax of --map
 * (cli_maparg.c); errors name where ("--map NAME", "map 'NAME'"). 0 or EXIT_USAGE. */
int cli_parse_map_bytes(const char *verb, const char *where, const char *what, const char *text,
			uint32_t size, unsigned char *out);
/* A value of map into out (cli_map_host_value_size bytes): per-CPU maps get it on every CPU
 * unless text holds every CPU's value as hex bytes. 0 or EXIT_USAGE. */
int cli_parse_map_value(const char *verb, const char *where, const char *text,
			const struct ebpf_map *map, unsigned char *out);
/* Records one --map for a verb: 0 or EXIT_USAGE (too many). */
int cli_add_map_arg(const struct cli_verb *verb, struct cli_object_args *a, const char *arg);

/* A duration for people: "87 ns", "12.3 us", "45.6 ms", "3.21 s", "2 min 05 s". */
const char *cli_duration(uint64_t ns, char *buf, size_t size);

/* "01 02 0a", "01020a", "0x01 0x02": a malloc'ed array of at least one byte, or -EINVAL. */
int cli_parse_hex(const char *text, uint8_t **bytes, size_t *size);
/* Offset, 16 hex bytes, their printable characters; at most limit bytes, then a count. */
void cli_hex_dump(FILE *out, const void *data, size_t size, size_t limit);
/* "01 02 0a" */
void cli_print_bytes(FILE *out, const void *data, size_t size);
void cli_json_string(FILE *out, const char *s);
/* bpftool's form: ["0x01","0x02"] */
void cli_json_bytes(FILE *out, const void *data, size_t size);

const char *cli_map_type_name(enum ebpf_map_type type);
/* Per-CPU maps: one value per CPU, one after the other, for the host. */
bool cli_map_is_percpu(const struct ebpf_map *map);
/* What the host reads or writes for one value (value_size times the CPUs for per-CPU maps). */
size_t cli_map_host_value_size(const struct ebpf_map *map);
/* Bytes between two CPUs' values in a per-CPU map's host value (value_size rounded up to 8). */
size_t cli_map_cpu_stride(const struct ebpf_map *map);
/* One line (or one JSON object) describing a map or a program; a program not loaded for
 * execution (verify-only) has mode "none". */
void cli_print_map_summary(FILE *out, const struct ebpf_map *map, bool json);
void cli_print_program_summary(FILE *out, const struct ebpf_program *prog, bool loaded, bool json);
/* Every element of a map (cmd_map.c): text as bpftool's, or one JSON array; a global-data map
 * described by btf (may be NULL) as its variables instead. */
int cli_map_dump(FILE *out, struct ebpf_map *map, const struct btf *btf, bool json);
/* Every map of an object, each with its summary (text) or as a ',"maps": [...]' member to
 * append to an open JSON object. EXIT_OK or EXIT_REFUSED. */
int cli_dump_object_maps(FILE *out, const struct ebpf_object *obj, const struct btf *btf,
			 bool json);

/* ---- Typed values from the object's BTF (cli_btf.c) ------------------------------------- */

#define CLI_MAX_RINGBUFS      16
#define CLI_RECORD_DUMP_LIMIT 256
/* The .BTF of the ELF object at path, or NULL (none: values are shown as bytes). Free it with
 * btf__free. */
struct btf *cli_btf_load(const char *path);
/* True when map_name (".data", ".bss", ".rodata", ...) has a DATASEC in btf. */
bool cli_is_global_data(const struct btf *btf, const char *map_name);
/* Each variable of the map: "<indent>name = (type)value" lines, or one JSON {name: value}. */
void cli_print_globals(FILE *out, const struct btf *btf, const char *map_name, const uint8_t *value,
		       size_t size, bool json, const char *indent);
/* Readers of every ring buffer and perf event array of an object. A record of map NAME is typed
 * by the struct or union NAME declares with __type(value, T), else by a struct or union
 * NAME_record of btf, hex otherwise; perf event arrays add the ring (cpu) and lost counts.
 * EXIT_OK or EXIT_REFUSED (message printed). */
struct cli_records;
int cli_records_open(const char *verb, const struct ebpf_object *obj, const struct btf *btf,
		     bool json, struct cli_records **records);
/* Prints the records submitted so far: text lines, or a ',"records": [...]' member to append
 * to an open JSON object (nothing when the object has no ring buffer or perf event array). */
void cli_records_print(struct cli_records *records);
void cli_records_close(struct cli_records *records);

#endif /* EXTBPF_CLI_H */

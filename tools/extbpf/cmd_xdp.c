/* SPDX-License-Identifier: MIT */
/*
 * extbpf xdp run: an XDP program over a capture file, through the packet extension. The object
 * is opened with the public API; the capture is read by a device of the packet extension, whose
 * functions the tool reaches through the table packet.so exports (packet_ext.h).
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <extbpf/extbpf.h>

#include <bpf/btf.h>

#include "cli.h"
/* The packet extension's public header (its host API table); not a runtime header. */
#include "../../extensions/packet/packet_ext.h"

#define MAX_EXT_ARGS	 16
#define TEXT_MAP_ENTRIES 64   /* entries printed per map (JSON: all non-zero ones) */
#define JSON_MAP_ENTRIES 4096 /* a bound for huge maps */

struct xdp_args {
	const char *object;
	const char *pcap;
	const char *out;
	const char *section;
	enum ebpf_exec_mode mode;
	bool json;
	const char *maps[CLI_MAX_MAP_ARGS];
	size_t map_count;
	const char *exts[MAX_EXT_ARGS];
	size_t ext_count;
	const char *pin_maps; /* share the object's maps as pins in this directory */
	const char *pin_root;
	bool follow; /* replay the capture every second until interrupted */
};

static void xdp_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: extbpf xdp run PROG.o --pcap IN.pcap [--out OUT.pcap]\n"
	    "                      [--mode interp|jit|native] [--map NAME=KEY:VALUE]...\n"
	    "                      [--section S] [--ext PATH]... [-j]\n"
	    "                      [--pin-maps DIR [--pin-root DIR]] [--follow]\n"
	    "\n"
	    "Runs the XDP program of PROG.o on every packet of a capture (pcap or pcapng,\n"
	    "Ethernet) through the packet extension, then prints how many packets got each\n"
	    "verdict, the rate, the object's maps, and the records the program submitted to\n"
	    "ring buffers and perf event arrays (typed as struct NAME_record of map NAME when\n"
	    "the object's BTF has it, hex otherwise; perf records with their ring and lost\n"
	    "counts).\n"
	    "\n"
	    "  --pcap IN      the capture to read\n"
	    "  --out OUT      write the packets passed, transmitted or redirected (as the\n"
	    "                 program left them) to this pcap file\n"
	    "  --mode M       interp, jit or native (default: the JIT where available)\n"
	    "  --map N=K:V    before the run, set key K of map N to V (repeatable). K and V\n"
	    "                 as 'extbpf map update' takes them (see 'extbpf map --help'):\n"
	    "                 an integer (decimal or 0x.., host byte order), an IPv4 or IPv6\n"
	    "                 address (network order), an LPM trie key ADDRESS/PREFIXLEN, a\n"
	    "                 MAC aa:bb:cc:dd:ee:ff, or hex bytes (\"01 00\", \"0100\").\n"
	    "                 The value is written to every CPU of a per-CPU map.\n"
	    "  --section S    the program to run, by section or function name (needed when\n"
	    "                 the object has several XDP programs)\n"
	    "  --ext PATH     also load this extension (repeatable)\n"
	    "  --pin-maps DIR share the object's array, hash, per-CPU, LRU, LPM trie, queue\n"
	    "                 and stack maps as pins in DIR\n"
	    "                 (relative: under the pin root), named by map; pins already\n"
	    "                 there are used. Other processes change them while this runs:\n"
	    "                 'extbpf map update DIR/MAP --key K --value V'\n"
	    "  --pin-root DIR the pin root (default /run/extbpf)\n"
	    "  --follow       replay the capture once a second until interrupted (SIGINT,\n"
	    "                 SIGTERM), a line of verdict counts per replay; then the results\n"
	    "  -j, --json     JSON output\n"
	    "\n"
	    "Exit codes: 0 ran, 1 the program was refused or could not run, 2 bad arguments or\n"
	    "unusable input (missing or corrupt capture, unknown map, bad --map).\n");
}

/* ---- arguments --------------------------------------------------------------------------- */

static int parse_args(int argc, char **argv, struct xdp_args *a)
{
	static const struct option options[] = {
		{ "pcap", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "mode", required_argument, NULL, 'm' },
		{ "map", required_argument, NULL, 'M' },
		{ "section", required_argument, NULL, 's' },
		{ "ext", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "pin-maps", required_argument, NULL, 'P' },
		{ "pin-root", required_argument, NULL, 'R' },
		{ "follow", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	if (argc < 2 || strcmp(argv[1], "run"))
		return cli_usage_error(&cli_verb_xdp, "expected 'run' after 'xdp'");
	optind = 2;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":j", options, NULL)) != -1) {
		switch (c) {
		case 'p':
			a->pcap = optarg;
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'm':
			if (cli_mode_arg(&cli_verb_xdp, optarg, &a->mode))
				return EXIT_USAGE;
			break;
		case 'M':
			if (a->map_count == CLI_MAX_MAP_ARGS)
				return cli_usage_error(&cli_verb_xdp, "at most %d --map options",
						       CLI_MAX_MAP_ARGS);
			a->maps[a->map_count++] = optarg;
			break;
		case 's':
			a->section = optarg;
			break;
		case 'e':
			if (a->ext_count == MAX_EXT_ARGS)
				return cli_usage_error(&cli_verb_xdp, "at most %d --ext options",
						       MAX_EXT_ARGS);
			a->exts[a->ext_count++] = optarg;
			break;
		case 'j':
			a->json = true;
			break;
		case 'P':
			a->pin_maps = optarg;
			break;
		case 'R':
			a->pin_root = optarg;
			break;
		case 'F':
			a->follow = true;
			break;
		default:
			return cli_getopt_error(&cli_verb_xdp, options, c, argv);
		}
	}
	if (optind < argc)
		a->object = argv[optind++];
	if (optind < argc)
		return cli_usage_error(&cli_verb_xdp, "unexpected argument '%s'", argv[optind]);
	if (!a->object)
		return cli_usage_error(&cli_verb_xdp, "missing the program object PROG.o");
	if (!a->pcap)
		return cli_usage_error(&cli_verb_xdp, "missing --pcap IN.pcap");
	if (a->follow && a->out)
		return cli_usage_error(&cli_verb_xdp, "--out and --follow do not go together");
	if (a->pin_root && a->pin_root[0] != '/')
		return cli_usage_error(&cli_verb_xdp, "--pin-root %s: not an absolute directory",
				       a->pin_root);
	return 0;
}

/* ---- the packet extension ---------------------------------------------------------------- */

struct find_ext {
	const char *path;
};

static int find_packet(const struct ebpf_extension *ext, void *arg)
{
	struct find_ext *f = arg;

	if (strcmp(ebpf_extension_name(ext), "packet") || !ebpf_extension_path(ext))
		return 0;
	f->path = ebpf_extension_path(ext);
	return 1;
}

/* Loads the extensions and finds the packet extension's host API. */
static int load_packet(const struct xdp_args *a, const struct packet_host_api **api, void **dl)
{
	struct find_ext f = { 0 };
	packet_host_api_fn entry;
	struct ebpf_extension *ext;

	for (size_t i = 0; i < a->ext_count; i++) {
		if (ebpf_extension_load(a->exts[i], &ext)) {
			cli_error("xdp", "--ext %s: %s", a->exts[i], ebpf_last_error());
			return EXIT_USAGE;
		}
	}
	/* Extensions of the directory that fail to load are reported by `extbpf ext list`;
	 * only the packet extension matters here. */
	ebpf_extension_load_dir(NULL);
	ebpf_foreach_extension(find_packet, &f);
	if (!f.path) {
		cli_error("xdp",
			  "the packet extension (packet.so) is not loaded; looked in %s "
			  "(set EXTBPF_EXTENSION_DIR or give --ext PATH)",
			  ebpf_extension_default_dir() ? ebpf_extension_default_dir() : "?");
		return EXIT_USAGE;
	}
	*dl = dlopen(f.path, RTLD_NOW | RTLD_NOLOAD);
	entry = *dl ? (packet_host_api_fn)dlsym(*dl, PACKET_HOST_API_SYMBOL) : NULL;
	*api = entry ? entry() : NULL;
	if (!*api || (*api)->sz < sizeof(struct packet_host_api)) {
		cli_error("xdp", "%s does not export a usable %s", f.path, PACKET_HOST_API_SYMBOL);
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- the program ------------------------------------------------------------------------- */

static int open_object(const struct xdp_args *a, struct ebpf_object **obj)
{
	static char log[16384];
	struct ebpf_object_open_opts opts = {
		.sz = sizeof(opts),
		.mode = a->mode,
		.only_program = a->section,
		.log_buf = log,
		.log_size = sizeof(log),
		.pin_maps_dir = a->pin_maps,
	};
	int err;

	const struct cli_object_args check = { .path = a->object, .section = a->section };

	if (access(a->object, R_OK)) {
		cli_error("xdp", "%s: %s", a->object, strerror(errno));
		return EXIT_USAGE;
	}
	/* Unusable input (not an object, a bad map definition, no such --section) is told apart
	 * from a refusal by parsing first, as every verb does. */
	err = cli_check_object("xdp", &check);
	if (err)
		return err;
	log[0] = '\0';
	err = ebpf_object_open(a->object, &opts, obj);
	if (!err)
		return 0;
	cli_error("xdp", "%s: %s", a->object, ebpf_last_error());
	if (log[0] && !strstr(ebpf_last_error(), log))
		fprintf(stderr, "%s%s", log, log[strlen(log) - 1] == '\n' ? "" : "\n");
	/* -ENOENT: no such --section, the user's mistake; anything else: the object's. */
	return err == -ENOENT && a->section ? EXIT_USAGE : EXIT_REFUSED;
}

static int pick_program(const struct xdp_args *a, struct ebpf_object *obj,
			struct ebpf_program **out)
{
	struct ebpf_program *p = NULL, *found = NULL;
	int n = 0;

	if (a->section) {
		found = ebpf_object_find_program(obj, a->section);
		if (!found) {
			cli_error("xdp", "%s: no program '%s'", a->object, a->section);
			return EXIT_USAGE;
		}
	}
	while (!found && (p = ebpf_object_next_program(obj, p))) {
		if (strcmp(ebpf_program_type_name(p), "xdp"))
			continue;
		if (n++) {
			cli_error("xdp",
				  "%s has several XDP programs (%s, %s, ...): choose one "
				  "with --section",
				  a->object, ebpf_program_name(*out), ebpf_program_name(p));
			return EXIT_USAGE;
		}
		*out = p;
	}
	if (found)
		*out = found;
	if (!*out) {
		cli_error("xdp", "%s has no XDP program", a->object);
		return EXIT_USAGE;
	}
	if (strcmp(ebpf_program_type_name(*out), "xdp")) {
		cli_error("xdp", "program '%s' is of type '%s', not 'xdp'", ebpf_program_name(*out),
			  ebpf_program_type_name(*out));
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- output ------------------------------------------------------------------------------ */

struct progress {
	bool shown;
	bool tty;
};

static void show_progress(void *arg, const struct xdp_stats *s)
{
	struct progress *p = arg;

	/* Only where someone watches: a log or a pipe gets the results, not the progress. */
	if (!p->tty)
		return;
	fprintf(stderr, "\r%" PRIu64 " packets, %.0f packets/s", s->packets,
		s->run_ns ? s->packets * 1e9 / s->run_ns : 0.0);
	p->shown = true;
}

/* Bytes as integers when they are whole 8- or 4-byte lanes ("[1, 2]" or "7"), else hex. */
static void print_bytes(FILE *out, const unsigned char *b, uint32_t size, bool json)
{
	uint32_t lane = size % 8 == 0 ? 8 : size % 4 == 0 ? 4 : size == 2 ? 2 : size == 1 ? 1 : 0;
	uint32_t lanes = lane ? size / lane : 0;

	if (!lane || lanes > 8) {
		fputs(json ? "\"" : "0x", out);
		for (uint32_t i = 0; i < size; i++)
			fprintf(out, "%02x", b[i]);
		fputs(json ? "\"" : "", out);
		return;
	}
	if (lanes > 1)
		fputc('[', out);
	for (uint32_t i = 0; i < lanes; i++) {
		uint64_t v = 0;

		memcpy(&v, b + i * lane, lane); /* little-endian host: the low bytes */
		fprintf(out, "%s%" PRIu64, i ? ", " : "", v);
	}
	if (lanes > 1)
		fputc(']', out);
}

/* Per-CPU values are shown summed over the CPUs, lane by lane. */
static void sum_percpu(const struct ebpf_map *map, unsigned char *value)
{
	uint32_t size = ebpf_map_value_size(map), lane = size % 8 == 0 ? 8 : 4;

	if (!cli_map_is_percpu(map) || size % 4)
		return;
	for (uint32_t cpu = 1; cpu < ebpf_num_possible_cpus(); cpu++) {
		for (uint32_t off = 0; off < size; off += lane) {
			uint64_t a = 0, b = 0;

			memcpy(&a, value + off, lane);
			memcpy(&b, value + cpu * cli_map_cpu_stride(map) + off, lane);
			a += b;
			memcpy(value + off, &a, lane);
		}
	}
}

static bool all_zero(const unsigned char *b, uint32_t size)
{
	for (uint32_t i = 0; i < size; i++)
		if (b[i])
			return false;
	return true;
}

/* LPM trie keys of IPv4 and IPv6 prefixes read best as ADDRESS/PREFIXLEN. */
static bool print_lpm_key(FILE *out, const struct ebpf_map *map, const unsigned char *key,
			  bool json)
{
	uint32_t size = ebpf_map_key_size(map), len;
	char text[INET6_ADDRSTRLEN];

	if (ebpf_map_type(map) != EBPF_MAP_TYPE_LPM_TRIE || (size != 8 && size != 20))
		return false;
	memcpy(&len, key, 4);
	if (!inet_ntop(size == 8 ? AF_INET : AF_INET6, key + 4, text, sizeof(text)))
		return false;
	fprintf(out, json ? "\"%s/%u\"" : "%s/%u", text, len);
	return true;
}

static void print_key(FILE *out, const struct ebpf_map *map, const unsigned char *key, bool json)
{
	if (!print_lpm_key(out, map, key, json))
		print_bytes(out, key, ebpf_map_key_size(map), json);
}

/* A global-data map (.data, .bss, .rodata) as its variables, named and typed from BTF, as
 * 'run --dump-maps' prints it. False when map is not one or cannot be read. */
static bool print_globals(FILE *out, struct ebpf_map *map, const struct btf *btf, bool json,
			  bool first)
{
	uint32_t key = 0, vsize = ebpf_map_value_size(map);
	unsigned char *value;

	if (!cli_is_global_data(btf, ebpf_map_name(map)) || ebpf_map_max_entries(map) != 1)
		return false;
	value = calloc(1, (size_t)vsize + 1);
	if (!value || ebpf_map_lookup_elem(map, &key, value)) {
		free(value);
		return false;
	}
	if (json) {
		fprintf(out, "%s{\"name\": ", first ? "" : ", ");
		cli_json_string(out, ebpf_map_name(map));
		fprintf(out,
			", \"type\": \"%s\", \"key_size\": %u, \"value_size\": %u, "
			"\"globals\": ",
			cli_map_type_name(ebpf_map_type(map)), ebpf_map_key_size(map), vsize);
	} else {
		fprintf(out, "  %s (%s, global variables, %u B):\n", ebpf_map_name(map),
			cli_map_type_name(ebpf_map_type(map)), vsize);
	}
	cli_print_globals(out, btf, ebpf_map_name(map), value, vsize, json, "    ");
	fputs(json ? "}" : "", out);
	free(value);
	return true;
}

static void print_map(FILE *out, struct ebpf_map *map, const struct btf *btf, bool json, bool first)
{
	uint32_t ksize = ebpf_map_key_size(map), vsize = ebpf_map_value_size(map);
	unsigned char *key = calloc(2, ksize ? ksize : 1), *next = key + (ksize ? ksize : 1);
	unsigned char *value = calloc(1, cli_map_host_value_size(map) + 1);
	uint64_t shown = 0, zero = 0, limit = json ? JSON_MAP_ENTRIES : TEXT_MAP_ENTRIES;
	bool have = false;

	if (print_globals(out, map, btf, json, first))
		goto out;
	if (json)
		fprintf(out,
			"%s{\"name\": \"%s\", \"type\": \"%s\", \"key_size\": %u, "
			"\"value_size\": %u, \"entries\": [",
			first ? "" : ", ", ebpf_map_name(map),
			cli_map_type_name(ebpf_map_type(map)), ksize, vsize);
	else
		fprintf(out, "  %s (%s, key %u B, value %u B%s):\n", ebpf_map_name(map),
			cli_map_type_name(ebpf_map_type(map)), ksize, vsize,
			cli_map_is_percpu(map) ? ", summed over CPUs" : "");
	while (key && value && ksize && !ebpf_map_get_next_key(map, have ? key : NULL, next)) {
		memcpy(key, next, ksize);
		have = true;
		if (ebpf_map_lookup_elem(map, key, value))
			continue;
		sum_percpu(map, value);
		if (all_zero(value, vsize)) {
			zero++;
			continue;
		}
		if (shown++ >= limit)
			continue;
		if (json) {
			fprintf(out, "%s{\"key\": ", shown > 1 ? ", " : "");
			print_key(out, map, key, true);
			fprintf(out, ", \"value\": ");
			print_bytes(out, value, vsize, true);
			fputc('}', out);
		} else {
			fputs("    ", out);
			print_key(out, map, key, false);
			fputs(": ", out);
			print_bytes(out, value, vsize, false);
			fputc('\n', out);
		}
	}
	if (json) {
		fprintf(out, "], \"zero_entries\": %" PRIu64 ", \"omitted\": %" PRIu64 "}", zero,
			shown > limit ? shown - limit : 0);
	} else {
		if (shown > limit)
			fprintf(out, "    (%" PRIu64 " more entries)\n", shown - limit);
		if (zero)
			fprintf(out, "    (%" PRIu64 " entr%s with a zero value not shown)\n", zero,
				zero == 1 ? "y" : "ies");
		if (!shown && !zero)
			fprintf(out, "    (empty)\n");
	}
out:
	free(key);
	free(value);
}

static void print_results(const struct xdp_args *a, const struct ebpf_program *prog,
			  const struct packet_host_api *api, const struct xdp_stats *s,
			  const struct ebpf_object *obj, const struct btf *btf,
			  struct cli_records *records)
{
	static const char *const modes[] = { "default", "interp", "jit", "native" };
	double secs = s->run_ns / 1e9, pps = secs > 0 ? s->packets / secs : 0;
	struct ebpf_map *m = NULL;
	char took[32];
	const char *mode =
	    modes[ebpf_program_mode(prog) <= EBPF_MODE_NATIVE ? ebpf_program_mode(prog) : 0];

	if (a->json) {
		printf("{\"program\": \"%s\", \"section\": \"%s\", \"mode\": \"%s\", "
		       "\"packets\": %" PRIu64 ", \"bytes\": %" PRIu64 ", \"seconds\": %.6f, "
		       "\"packets_per_second\": %.0f, \"verdicts\": {",
		       ebpf_program_name(prog), ebpf_program_section(prog), mode, s->packets,
		       s->bytes, secs, pps);
		for (int v = 0; v < XDP_VERDICT_COUNT; v++)
			printf("%s\"%s\": %" PRIu64, v ? ", " : "", api->verdict_name(v),
			       s->verdicts[v]);
		printf("}, \"redirect_errors\": %" PRIu64 ", \"invalid_verdicts\": %" PRIu64
		       ", \"truncated\": %" PRIu64 ", \"maps\": [",
		       s->redirect_errors, s->invalid_verdicts, s->truncated);
		for (bool first = true; (m = ebpf_object_next_map(obj, m)); first = false)
			print_map(stdout, m, btf, true, first);
		printf("]");
		cli_records_print(records);
		printf("}\n");
		return;
	}
	printf("%s (section %s, %s) on %s:\n", ebpf_program_name(prog), ebpf_program_section(prog),
	       mode, a->pcap);
	printf("  %" PRIu64 " packets, %" PRIu64 " bytes in %s: %.0f packets/s\n", s->packets,
	       s->bytes, cli_duration(s->run_ns, took, sizeof(took)), pps);
	for (int v = 0; v < XDP_VERDICT_COUNT; v++)
		printf("  %-9s %" PRIu64 "\n", api->verdict_name(v), s->verdicts[v]);
	if (s->redirect_errors)
		printf("  (%" PRIu64 " redirects to no device were dropped)\n", s->redirect_errors);
	if (s->invalid_verdicts)
		printf("  (%" PRIu64 " verdicts above XDP_REDIRECT counted as aborted)\n",
		       s->invalid_verdicts);
	if (s->truncated)
		printf("  (%" PRIu64 " capture records were shorter than the packet)\n",
		       s->truncated);
	if (a->out)
		printf("  written to %s: %" PRIu64 " packets\n", a->out,
		       s->verdicts[XDP_VERDICT_PASS] + s->verdicts[XDP_VERDICT_TX] +
			   s->verdicts[XDP_VERDICT_REDIRECT] - s->redirect_errors);
	if (ebpf_object_next_map(obj, NULL))
		printf("maps:\n");
	while ((m = ebpf_object_next_map(obj, m)))
		print_map(stdout, m, btf, false, false);
	cli_records_print(records);
}

/* ---- the verb ---------------------------------------------------------------------------- */

static volatile sig_atomic_t stop_follow;

static void on_stop(int sig)
{
	(void)sig;
	stop_follow = 1;
}

/*
 * --follow: the capture again every second, a line of verdict counts each time, until SIGINT
 * or SIGTERM. Meant for shared maps (--pin-maps): another process changing them changes the
 * counts from one replay to the next. stats ends as the last replay's.
 */
static int follow(const struct xdp_args *a, const struct packet_host_api *api,
		  struct xdp_device **dev, struct xdp_stats *stats)
{
	uint32_t ifindex = api->device_ifindex(*dev);
	struct sigaction sa = { .sa_handler = on_stop };
	struct xdp_run_opts opts = { .sz = sizeof(opts) };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (unsigned long round = 1; !stop_follow; round++) {
		struct timespec pause = { 1, 0 };

		printf("replay %lu:", round);
		for (int v = 0; v < XDP_VERDICT_COUNT; v++)
			printf(" %s %" PRIu64, api->verdict_name(v), stats->verdicts[v]);
		printf("\n");
		fflush(stdout);
		nanosleep(&pause, NULL);
		if (a->pin_maps)
			ebpf_registry_publish(); /* the run statistics of this replay on */
		if (stop_follow)
			break;
		/* A capture is read once: a new device of the same ifindex reads it again, under
		 * the same link. */
		api->device_destroy(*dev);
		*dev = NULL;
		if (api->device_create_pcap("pcap0", a->pcap, ifindex, dev) ||
		    api->device_run(*dev, &opts, stats))
			break;
	}
	return stop_follow ? 0 : -1;
}

static int run_capture(const struct xdp_args *a, const struct packet_host_api *api,
		       struct ebpf_object *obj, struct ebpf_program *prog)
{
	const nmr_guid_t attach_type = XDP_ATTACH_TYPE_GUID;
	struct progress progress = { .tty = isatty(STDERR_FILENO) };
	struct xdp_run_opts opts = {
		.sz = sizeof(opts),
		.progress = show_progress,
		.progress_arg = &progress,
	};
	struct xdp_attach_params params = { 0 };
	struct cli_records *records = NULL;
	struct xdp_device *dev = NULL;
	struct btf *btf = NULL;
	struct ebpf_link *link = NULL;
	struct ebpf_stats_handle *stats_on = NULL;
	struct xdp_stats stats;
	int ret = EXIT_USAGE;

	if (api->device_create_pcap("pcap0", a->pcap, 0, &dev)) {
		cli_error("xdp", "%s", api->last_error());
		return EXIT_USAGE;
	}
	if (a->out &&
	    api->device_add_output(dev, a->out, XDP_OUT_PASS | XDP_OUT_TX | XDP_OUT_REDIRECT)) {
		cli_error("xdp", "%s", api->last_error());
		goto out;
	}
	params.ifindex = api->device_ifindex(dev);
	btf = cli_btf_load(a->object);
	if (cli_records_open("xdp", obj, btf, a->json, &records)) {
		ret = EXIT_REFUSED;
		goto out;
	}
	if (ebpf_program_attach(prog, &attach_type, &params, sizeof(params), &link)) {
		cli_error("xdp", "attach: %s", ebpf_last_error());
		ret = EXIT_REFUSED;
		goto out;
	}
	/* A host others work with: listed by 'extbpf prog|map|link list', with statistics. */
	if (a->pin_maps && (ebpf_enable_stats(&stats_on) || ebpf_registry_publish()))
		fprintf(stderr, "extbpf xdp: not listed for 'prog list': %s\n", ebpf_last_error());
	if (a->follow)
		opts.progress = NULL;
	if (api->device_run(dev, &opts, &stats) || (a->follow && follow(a, api, &dev, &stats))) {
		if (progress.shown && progress.tty)
			fputc('\n', stderr);
		cli_error("xdp", "%s", api->last_error());
		goto out; /* the capture is unusable past this point */
	}
	if (progress.shown && progress.tty)
		fputc('\n', stderr);
	print_results(a, prog, api, &stats, obj, btf, records);
	ret = EXIT_OK;
out:
	if (a->pin_maps)
		ebpf_registry_unpublish();
	if (stats_on)
		ebpf_disable_stats(stats_on);
	if (link)
		ebpf_link_detach(link);
	cli_records_close(records);
	btf__free(btf);
	api->device_destroy(dev);
	return ret;
}

static int cmd_xdp(int argc, char **argv)
{
	struct xdp_args a = { .mode = EBPF_MODE_DEFAULT };
	const struct packet_host_api *api = NULL;
	struct ebpf_program *prog = NULL;
	struct ebpf_object *obj = NULL;
	void *dl = NULL;
	int ret;

	if (cli_wants_help(argc, argv)) {
		xdp_usage(stdout);
		return EXIT_OK;
	}
	ret = parse_args(argc, argv, &a);
	if (ret)
		return ret;
	if (a.pin_root && ebpf_set_pin_root(a.pin_root)) {
		cli_error("xdp", "--pin-root: %s", ebpf_last_error());
		return EXIT_USAGE;
	}
	if (access(a.pcap, R_OK)) {
		cli_error("xdp", "--pcap %s: %s", a.pcap, strerror(errno));
		return EXIT_USAGE;
	}
	ret = load_packet(&a, &api, &dl);
	if (!ret)
		ret = open_object(&a, &obj);
	if (!ret)
		ret = pick_program(&a, obj, &prog);
	for (size_t i = 0; !ret && i < a.map_count; i++)
		ret = cli_apply_map_arg("xdp", obj, a.maps[i]);
	if (!ret)
		ret = run_capture(&a, api, obj, prog);
	ebpf_object_close(obj);
	if (dl)
		dlclose(dl); /* our reference only: the runtime still holds its own */
	ebpf_runtime_shutdown();
	return ret;
}

const struct cli_verb cli_verb_xdp = {
	.name = "xdp",
	.summary = "run an XDP program over a capture file (packet extension)",
	.run = cmd_xdp,
	.usage = xdp_usage,
};

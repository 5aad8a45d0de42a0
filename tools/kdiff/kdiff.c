// SPDX-License-Identifier: MIT
/*
 * extbpf-kdiff: the Linux kernel's verifier as an oracle for extbpf's. Every program of each ELF
 * object given is verified twice: by extbpf (ebpf_object_open, verify only, this program only)
 * and by the running kernel (libbpf: the object's maps are created, this program alone is
 * loaded with BPF_PROG_LOAD). Every disagreement is printed with both messages.
 *
 * "kernel refuses, extbpf accepts" is the dangerous direction: extbpf may be running a program
 * Linux considers unsafe. Each must be a fix to make or a deliberate policy; --explained names
 * the ones documented as policy (docs/verifier.md), and the exit status is 1 when any other is
 * found. The kernel is used through libbpf and bpf() in this tool only, never in the runtime.
 *
 * Exit status: 0 no unexplained "kernel refuses, extbpf accepts", 1 some, 2 usage error,
 * 77 the kernel cannot be asked (no bpf(), not privileged): ctest's skip code.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <extbpf/extbpf.h>
#include <extbpf/extension.h>

#include "kdiff_kernel.h"

#define KDIFF_LOG_SIZE	   (1u << 20)
#define KDIFF_MSG_SIZE	   512
#define KDIFF_MAX_EXT	   8
#define KDIFF_MAX_EXPLAINS 256

/* extbpf's program types (by name) and the kernel's. */
static const struct {
	const char *name;
	enum bpf_prog_type type;
} type_map[] = {
	{ "socket_filter", BPF_PROG_TYPE_SOCKET_FILTER },
	{ "kprobe", BPF_PROG_TYPE_KPROBE },
	{ "sched_cls", BPF_PROG_TYPE_SCHED_CLS },
	{ "sched_act", BPF_PROG_TYPE_SCHED_ACT },
	{ "tracepoint", BPF_PROG_TYPE_TRACEPOINT },
	{ "xdp", BPF_PROG_TYPE_XDP },
	{ "perf_event", BPF_PROG_TYPE_PERF_EVENT },
	{ "cgroup_skb", BPF_PROG_TYPE_CGROUP_SKB },
	{ "cgroup_sock", BPF_PROG_TYPE_CGROUP_SOCK },
	{ "lwt_in", BPF_PROG_TYPE_LWT_IN },
	{ "lwt_out", BPF_PROG_TYPE_LWT_OUT },
	{ "lwt_xmit", BPF_PROG_TYPE_LWT_XMIT },
	{ "sock_ops", BPF_PROG_TYPE_SOCK_OPS },
	{ "sk_skb", BPF_PROG_TYPE_SK_SKB },
	{ "sk_msg", BPF_PROG_TYPE_SK_MSG },
	{ "raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT },
	{ "cgroup_sock_addr", BPF_PROG_TYPE_CGROUP_SOCK_ADDR },
	{ "lwt_seg6local", BPF_PROG_TYPE_LWT_SEG6LOCAL },
	{ "sk_reuseport", BPF_PROG_TYPE_SK_REUSEPORT },
	{ "flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR },
	{ "cgroup_sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL },
	{ "cgroup_getsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT },
	{ "cgroup_setsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT },
	{ "cgroup_device", BPF_PROG_TYPE_CGROUP_DEVICE },
	{ "sk_lookup", BPF_PROG_TYPE_SK_LOOKUP },
};

/* "object program" pairs documented as deliberate differences (program "*" for all). */
struct explain {
	char object[128];
	char program[128];
};

struct kdiff {
	const char *ext[KDIFF_MAX_EXT];
	size_t ext_count;
	bool verbose;
	bool table;	   /* one tab-separated row per program (tools/corpus) */
	bool libbpf_types; /* the kernel types a program from its section as libbpf does */
	const char *type;  /* --type: for sections neither side types, as a user names it */
	struct explain explains[KDIFF_MAX_EXPLAINS];
	size_t explain_count;
	char *log;
	char libbpf_msg[KDIFF_MSG_SIZE]; /* the last libbpf warning, for setup failures */
	unsigned programs, agree, skipped, kr_ea, kr_ea_explained, ka_er;
};

/* One side's verdict on one program. */
struct verdict {
	bool accepted;
	bool skipped; /* no verdict: no kernel type, or the kernel failed before verifying */
	char message[KDIFF_MSG_SIZE];
};

static struct kdiff *libbpf_target;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[KDIFF_MSG_SIZE];
	size_t n;

	if (level == LIBBPF_DEBUG || !libbpf_target)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	/* The kernel's log follows "-- BEGIN PROG LOAD LOG --": the verdict comes from the log. */
	if (n && !strstr(line, "PROG LOAD LOG"))
		snprintf(libbpf_target->libbpf_msg, sizeof(libbpf_target->libbpf_msg), "%s", line);
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* ---- extbpf's side ------------------------------------------------------------------------ */

struct section_match {
	const char *section;
	const char *type;
	size_t len;
};

static int match_section(const struct ebpf_program_info *info, void *arg)
{
	struct section_match *m = arg;

	for (uint32_t i = 0; i < info->section_count; i++) {
		const size_t len = strlen(info->sections[i].prefix);

		if (len > m->len && !strncmp(m->section, info->sections[i].prefix, len)) {
			m->type = info->name;
			m->len = len;
		}
	}
	return 0;
}

/* extbpf's program type for a section (when it refused the program, the type is not known). */
static const char *extbpf_type_of(const char *section)
{
	struct section_match m = { section, NULL, 0 };

	ebpf_foreach_program_type(match_section, &m);
	return m.type;
}

static void extbpf_verify(const char *path, const char *program, const char *forced_type,
			  char *type, size_t type_size, struct verdict *v)
{
	struct ebpf_object_open_opts opts = {
		.sz = sizeof(opts),
		.program_type = forced_type,
		.only_program = program,
		.verify_only = true,
	};
	struct ebpf_object *obj;

	if (ebpf_object_open(path, &opts, &obj)) {
		v->accepted = false;
		snprintf(v->message, sizeof(v->message), "%s", ebpf_last_error());
		return;
	}
	v->accepted = true;
	snprintf(v->message, sizeof(v->message), "accepted");
	snprintf(type, type_size, "%s",
		 ebpf_program_type_name(ebpf_object_find_program(obj, program)));
	ebpf_object_close(obj);
}

/* ---- the kernel's side -------------------------------------------------------------------- */

static int kernel_type(const char *extbpf_type, enum bpf_prog_type *type)
{
	for (size_t i = 0; extbpf_type && i < sizeof(type_map) / sizeof(type_map[0]); i++) {
		if (!strcmp(type_map[i].name, extbpf_type)) {
			*type = type_map[i].type;
			return 0;
		}
	}
	return -ENOENT;
}

static void kernel_verify(struct kdiff *k, const char *path, const char *program,
			  const char *extbpf_type, struct verdict *v)
{
	struct bpf_object *obj;
	struct bpf_program *prog, *target = NULL;
	enum bpf_prog_type type = BPF_PROG_TYPE_UNSPEC;
	int err;

	k->libbpf_msg[0] = '\0';
	k->log[0] = '\0';
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		v->skipped = true;
		snprintf(v->message, sizeof(v->message), "libbpf cannot open the object: %.400s",
			 k->libbpf_msg[0] ? k->libbpf_msg : strerror(errno));
		return;
	}
	bpf_object__for_each_program(prog, obj)
	{
		const bool this = !strcmp(bpf_program__name(prog), program);

		bpf_program__set_autoload(prog, this);
		if (this)
			target = prog;
	}
	/* libbpf knows programs only by STT_FUNC symbols: older objects' NOTYPE ones are not. */
	if (!target) {
		v->skipped = true;
		snprintf(v->message, sizeof(v->message),
			 "libbpf finds no program '%s' in the object", program);
		goto out;
	}
	/*
	 * extbpf's type decides; libbpf's guess from the section name stands when it agrees.
	 * With --libbpf-types libbpf's guess decides where it has one: a corpus is judged as
	 * its own loader would load it, whatever type extbpf gives the section.
	 */
	if (k->libbpf_types && bpf_program__type(target) != BPF_PROG_TYPE_UNSPEC)
		extbpf_type = NULL;
	if (kernel_type(extbpf_type, &type) && bpf_program__type(target) == BPF_PROG_TYPE_UNSPEC) {
		v->skipped = true;
		snprintf(v->message, sizeof(v->message), "no kernel program type for extbpf's '%s'",
			 extbpf_type ? extbpf_type : "(unknown section)");
		goto out;
	}
	if (type != BPF_PROG_TYPE_UNSPEC && bpf_program__type(target) != type)
		bpf_program__set_type(target, type);
	bpf_program__set_log_buf(target, k->log, KDIFF_LOG_SIZE);
	bpf_program__set_log_level(target, 1);
	err = bpf_object__load(obj);
	if (!err) {
		v->accepted = true;
		snprintf(v->message, sizeof(v->message), "accepted");
		goto out;
	}
	v->accepted = false;
	if (!k->log[0]) {
		/* Refused before the verifier ran (a map, BTF, a relocation): no verdict. */
		v->skipped = true;
		snprintf(v->message, sizeof(v->message),
			 "kernel load failed before verifying: %.400s",
			 k->libbpf_msg[0] ? k->libbpf_msg : strerror(-err));
		goto out;
	}
	if (kdiff_log_reason(k->log, v->message, sizeof(v->message))) {
		/* Only statistics: the verifier accepted, a later step (a map update) failed. */
		v->accepted = true;
		snprintf(v->message, sizeof(v->message),
			 "verifier accepted; the load failed afterwards: %.400s", k->libbpf_msg);
	}
	if (k->verbose)
		printf("kernel log of %s %s:\n%s\n", base_name(path), program, k->log);
out:
	bpf_object__close(obj);
}

/* ---- comparison --------------------------------------------------------------------------- */

static bool explained(const struct kdiff *k, const char *path, const char *program)
{
	for (size_t i = 0; i < k->explain_count; i++) {
		const struct explain *e = &k->explains[i];

		if (!strcmp(e->object, base_name(path)) &&
		    (!strcmp(e->program, "*") || !strcmp(e->program, program)))
			return true;
	}
	return false;
}

/* Tabs and newlines would split a row: the messages' own become spaces. */
static void print_field(const char *text)
{
	for (; *text; text++)
		putchar(*text == '\t' || *text == '\n' ? ' ' : *text);
}

static const char *verdict_word(const struct verdict *v)
{
	if (v->skipped)
		return "skip";
	return v->accepted ? "accept" : "refuse";
}

/* object, program, section, type, kernel verdict and message, extbpf verdict and message. */
static void print_row(const char *path, const char *program, const char *section, const char *type,
		      const struct verdict *kernel, const struct verdict *ours)
{
	printf("ROW\t%s\t%s\t%s\t%s\t%s\t", base_name(path), program, section, type ? type : "?",
	       verdict_word(kernel));
	print_field(kernel->message);
	printf("\t%s\t", verdict_word(ours));
	print_field(ours->message);
	putchar('\n');
}

static void compare(struct kdiff *k, const char *path, const char *program, const char *section)
{
	struct verdict ours = { 0 }, kernel = { 0 };
	char accepted_as[64] = "";
	const char *type, *forced;
	const char *what;

	k->programs++;
	/* --type names the type only of a section extbpf does not claim, as a user would. */
	forced = ebpf_section_claimed(section) ? NULL : k->type;
	extbpf_verify(path, program, forced, accepted_as, sizeof(accepted_as), &ours);
	type = accepted_as[0] ? accepted_as : forced ? forced : extbpf_type_of(section);
	kernel_verify(k, path, program, type, &kernel);
	if (k->table)
		print_row(path, program, section, type, &kernel, &ours);
	if (kernel.skipped) {
		k->skipped++;
		printf("skip      %s %s: %s\n", base_name(path), program, kernel.message);
		return;
	}
	if (ours.accepted == kernel.accepted) {
		k->agree++;
		if (k->verbose)
			printf("agree     %s %s: %s\n", base_name(path), program,
			       ours.accepted ? "both accept" : "both refuse");
		return;
	}
	if (ours.accepted) {
		const bool known = explained(k, path, program);

		k->kr_ea++;
		k->kr_ea_explained += known;
		what = known ? "KR-EA-explained" : "KR-EA";
	} else {
		k->ka_er++;
		what = "KA-ER";
	}
	printf("%-9s %s %s (section '%s', type %s)\n  kernel: %s\n  extbpf: %s\n", what,
	       base_name(path), program, section, type ? type : "?", kernel.message, ours.message);
}

struct program_list {
	char **names;
	char **sections;
	size_t count;
	int err;
};

static int list_program(const struct ebpf_object_program_info *info, void *arg)
{
	struct program_list *l = arg;
	char **names = realloc(l->names, (l->count + 1) * sizeof(*names));
	char **sections;

	if (!names)
		return l->err = -ENOMEM;
	l->names = names;
	sections = realloc(l->sections, (l->count + 1) * sizeof(*sections));
	if (!sections)
		return l->err = -ENOMEM;
	l->sections = sections;
	l->names[l->count] = strdup(info->name);
	l->sections[l->count] = strdup(info->section);
	l->count++;
	if (!l->names[l->count - 1] || !l->sections[l->count - 1])
		return l->err = -ENOMEM;
	return 0;
}

static void list_free(struct program_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->names[i]);
		free(l->sections[i]);
	}
	free(l->names);
	free(l->sections);
}

static void compare_object(struct kdiff *k, const char *path)
{
	struct program_list l = { 0 };
	int err = ebpf_object_programs(path, list_program, &l);

	if (err || l.err) {
		printf("skip      %s: extbpf cannot list its programs: %s\n", base_name(path),
		       err ? ebpf_last_error() : strerror(-l.err));
		k->skipped++;
		goto out;
	}
	for (size_t i = 0; i < l.count; i++)
		compare(k, path, l.names[i], l.sections[i]);
out:
	list_free(&l);
}

/* ---- setup -------------------------------------------------------------------------------- */

/* The explained list: "object program reason..." per line, '#' comments. */
static int read_explains(struct kdiff *k, const char *path)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	unsigned lineno = 0;

	if (!f) {
		fprintf(stderr, "extbpf-kdiff: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		struct explain *e = &k->explains[k->explain_count];

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (k->explain_count == KDIFF_MAX_EXPLAINS ||
		    sscanf(line, "%127s %127s", e->object, e->program) != 2) {
			fprintf(stderr, "extbpf-kdiff: %s:%u: expected 'object program reason'%s\n",
				path, lineno,
				k->explain_count == KDIFF_MAX_EXPLAINS ? " (too many entries)"
								       : "");
			fclose(f);
			return -EINVAL;
		}
		k->explain_count++;
	}
	fclose(f);
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: extbpf-kdiff [--explained FILE] [--ext PATH]... [-v] [--table] "
		"[--libbpf-types]\n"
		"       [--type NAME] FILE.o...\n"
		"Verifies every program of each object with extbpf and with the running kernel\n"
		"and prints every disagreement:\n"
		"  KR-EA  the kernel refuses, extbpf accepts (exit status 1 unless explained)\n"
		"  KA-ER  the kernel accepts, extbpf refuses\n"
		"  --explained FILE  'object program reason' lines: deliberate differences\n"
		"  --ext PATH        load this extension (default: the installed ones)\n"
		"  -v                also list the programs both sides agree on\n"
		"  --table           also one row per program: ROW, object, program, section,\n"
		"                    type, kernel verdict, its message, extbpf's, its message\n"
		"                    (tab-separated; verdicts accept, refuse or skip)\n"
		"  --libbpf-types    the kernel loads a program with libbpf's type for its\n"
		"                    section where libbpf has one (extbpf's otherwise)\n"
		"  --type NAME       the type of sections neither extbpf nor libbpf knows\n"
		"                    (extbpf's name, as `extbpf verify --type` takes it)\n"
		"Exit status: 0 clean, 1 unexplained KR-EA, 2 usage, 77 no bpf() here.\n");
}

static int parse(int argc, char **argv, struct kdiff *k)
{
	static const struct option options[] = {
		{ "explained", required_argument, NULL, 'e' },
		{ "ext", required_argument, NULL, 'x' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "table", no_argument, NULL, 't' },
		{ "libbpf-types", no_argument, NULL, 'l' },
		{ "type", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "vh", options, NULL)) != -1) {
		switch (opt) {
		case 'e':
			if (read_explains(k, optarg))
				return 2;
			break;
		case 'x':
			if (k->ext_count == KDIFF_MAX_EXT) {
				fprintf(stderr, "extbpf-kdiff: more than %d --ext\n",
					KDIFF_MAX_EXT);
				return 2;
			}
			k->ext[k->ext_count++] = optarg;
			break;
		case 'v':
			k->verbose = true;
			break;
		case 't':
			k->table = true;
			break;
		case 'l':
			k->libbpf_types = true;
			break;
		case 'T':
			k->type = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	return 0;
}

static int load_extensions(const struct kdiff *k)
{
	if (ebpf_extension_load_dir(NULL) && !k->ext_count) {
		fprintf(stderr, "extbpf-kdiff: no extensions: %s\n", ebpf_last_error());
		return 2;
	}
	for (size_t i = 0; i < k->ext_count; i++) {
		if (ebpf_extension_load(k->ext[i], NULL)) {
			fprintf(stderr, "extbpf-kdiff: %s\n", ebpf_last_error());
			return 2;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct kdiff k;
	char why[256];
	int ret = parse(argc, argv, &k);

	if (ret)
		return ret;
	if (kdiff_kernel_available(why, sizeof(why))) {
		printf("extbpf-kdiff: skipped: the kernel cannot be asked (%s; run as root on "
		       "Linux with BPF)\n",
		       why);
		return KDIFF_SKIP;
	}
	ret = load_extensions(&k);
	if (ret)
		goto out;
	k.log = malloc(KDIFF_LOG_SIZE);
	if (!k.log) {
		fprintf(stderr, "extbpf-kdiff: out of memory\n");
		ret = 2;
		goto out;
	}
	libbpf_target = &k;
	libbpf_set_print(libbpf_print);
	for (int i = optind; i < argc; i++)
		compare_object(&k, argv[i]);
	printf("%u programs: %u agree, %u skipped, %u kernel-refuses-extbpf-accepts (%u "
	       "explained), %u kernel-accepts-extbpf-refuses\n",
	       k.programs, k.agree, k.skipped, k.kr_ea, k.kr_ea_explained, k.ka_er);
	ret = k.kr_ea > k.kr_ea_explained ? 1 : 0;
out:
	free(k.log);
	ebpf_runtime_shutdown();
	return ret;
}

// SPDX-License-Identifier: MIT
/*
 * extbpf-bench: where extbpf stands against native code. Runs every section (or those named
 * with --only), prints one table per section and the targets, writes the figures as JSON.
 *
 *	extbpf-bench [--quick] [--only exec,invoke,maps,pipeline,memory] [--out results.json]
 *		     [--reps N] [--batch-ms N] [--progs DIR] [--tests DIR]
 *
 * --quick is the smoke test (CTest label "bench"): one run per measurement, 1 K-entry maps,
 * 10 programs for the memory figure; it fails when an engine disagrees with native C or
 * something cannot be loaded. Timings never fail a run.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <extbpf/extbpf.h>

#include "bench.h"
#include "packet_ext.h"
#include "sample_ext.h"

struct section {
	const char *name;
	int (*run)(struct bench_opts *b);
};

/* Memory first: its resident-size figure must not include what the map benchmarks allocated. */
static const struct section sections[] = {
	{ "memory", bench_memory }, { "exec", bench_exec },	    { "invoke", bench_invoke },
	{ "maps", bench_maps },	    { "pipeline", bench_pipeline }, { "kernel", bench_kernel },
};
#define SECTION_COUNT (sizeof(sections) / sizeof(sections[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: extbpf-bench [--quick] [--only SECTIONS] [--out FILE] [--reps N]\n"
		     "                    [--batch-ms N] [--progs DIR] [--tests DIR]\n"
		     "sections: memory, exec, invoke, maps, pipeline (comma-separated)\n");
}

/* The first line a command prints, without its newline ("" when it cannot run). */
static void command_line(const char *cmd, char *buf, size_t size)
{
	FILE *p = popen(cmd, "r");

	buf[0] = 0;
	if (!p)
		return;
	if (fgets(buf, (int)size, p))
		buf[strcspn(buf, "\n")] = 0;
	pclose(p);
}

static void cpu_model(char *buf, size_t size)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, size, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && colon) {
			snprintf(buf, size, "%s", colon + 2);
			buf[strcspn(buf, "\n")] = 0;
			break;
		}
	}
	fclose(f);
}

static double load_average(void)
{
	double load = -1;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fscanf(f, "%lf", &load) != 1)
			load = -1;
		fclose(f);
	}
	return load;
}

/* Our JSON strings come from tools' output: keep them free of quotes and backslashes. */
static void json_safe(char *s)
{
	for (; *s; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
			*s = '\'';
}

/* Describes the machine (printed, and kept as the JSON's "machine" object). */
static void describe_machine(char *json, size_t size, double load_start)
{
	char cpu[128], bpf_cc[128], cc[128], date[64];
	struct utsname u;
	time_t now = time(NULL);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	cpu_model(cpu, sizeof(cpu));
	command_line(BENCH_BPF_CLANG " --version 2>/dev/null", bpf_cc, sizeof(bpf_cc));
	command_line("${CC:-cc} --version 2>/dev/null", cc, sizeof(cc));
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S%z", localtime(&now));
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	json_safe(cpu);
	json_safe(bpf_cc);
	json_safe(cc);
	json_safe(u.release);
	printf("machine: %s, %ld cores, Linux %s; built with gcc %s; BPF: %s; native mode cc: %s; "
	       "load average %.2f; %s\n",
	       cpu, cores, u.release, __VERSION__, bpf_cc, cc, load_start, date);
	snprintf(json, size,
		 "{\"cpu\": \"%s\", \"cores\": %ld, \"kernel\": \"%s\", \"compiler\": \"gcc %s\", "
		 "\"bpf_compiler\": \"%s\", \"native_mode_cc\": \"%s\", \"load_average_start\": "
		 "%.2f, \"load_average_end\": %.2f, \"date\": \"%s\"}",
		 cpu, cores, u.release, __VERSION__, bpf_cc, cc, load_start, load_average(), date);
}

static bool selected(const char *only, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = only; p && *p; p += strcspn(p, ","), p += *p == ',') {
		if (!strncmp(p, name, len) && (p[len] == ',' || !p[len]))
			return true;
	}
	return !only;
}

static int parse_args(int argc, char **argv, struct bench_opts *b, const char **only,
		      const char **out)
{
	static const struct option longopts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "only", required_argument, NULL, 'o' },
		{ "out", required_argument, NULL, 'O' },
		{ "reps", required_argument, NULL, 'r' },
		{ "batch-ms", required_argument, NULL, 'b' },
		{ "progs", required_argument, NULL, 'p' },
		{ "tests", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			b->quick = true;
			b->reps = 1;
			break;
		case 'o':
			*only = optarg;
			break;
		case 'O':
			*out = optarg;
			break;
		case 'r':
			b->reps = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'b':
			b->batch_ns = strtoull(optarg, NULL, 10) * 1000000ull;
			break;
		case 'p':
			b->progs_dir = optarg;
			break;
		case 't':
			b->tests_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind != argc || !b->reps || b->reps > 64 || !b->batch_ns) {
		usage(stderr);
		fprintf(stderr, "--reps is 1..64, --batch-ms at least 1\n");
		return -EINVAL;
	}
	for (const char *p = *only; p && *p; p += strcspn(p, ","), p += *p == ',') {
		size_t len = strcspn(p, ","), i;

		for (i = 0; i < SECTION_COUNT; i++)
			if (strlen(sections[i].name) == len && !strncmp(p, sections[i].name, len))
				break;
		if (i == SECTION_COUNT) {
			fprintf(stderr, "extbpf-bench: unknown section '%.*s'\n", (int)len, p);
			return -EINVAL;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_opts b = {
		.progs_dir = BENCH_PROGS_DIR,
		.tests_dir = BENCH_TESTS_DIR,
		.reps = 9,
		.batch_ns = 5000000,
	};
	const char *only = NULL, *out = NULL;
	double load_start = load_average();
	struct ebpf_extension *ext;
	char machine[1024];
	int err, failed = 0;

	if (parse_args(argc, argv, &b, &only, &out))
		return 2;
	err = ebpf_extension_add_static(&ebpf_extension_sample, &ext);
	if (err) {
		fprintf(stderr, "extbpf-bench: cannot add the sample extension: %s\n",
			ebpf_last_error());
		return 1;
	}
	/* XDP, for the kernel side by side (bench_kernel.c). */
	err = ebpf_extension_add_static(&ebpf_extension_packet, &ext);
	if (err) {
		fprintf(stderr, "extbpf-bench: cannot add the packet extension: %s\n",
			ebpf_last_error());
		return 1;
	}
	for (size_t i = 0; i < SECTION_COUNT; i++) {
		if (!selected(only, sections[i].name))
			continue;
		err = sections[i].run(&b);
		if (err) {
			bench_note(&b, "section %s failed: %s", sections[i].name, strerror(-err));
			failed = 1;
		}
	}
	bench_print_summary(&b);
	describe_machine(machine, sizeof(machine), load_start);
	if (out && bench_write_json(&b, out, machine))
		failed = 1;
	else if (out)
		printf("results written to %s\n", out);
	bench_report_free(&b);
	ebpf_runtime_shutdown();
	return failed;
}

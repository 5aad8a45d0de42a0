// SPDX-License-Identifier: MIT
/*
 * Memory: the resident size (VmRSS) of this process with 100 programs loaded (JIT, the default
 * engine) together with their maps, against the runtime with only the sample extension. The
 * objects are those of tests/progs that load (without tests, bench/progs' empty.bpf.o and
 * map_ops.bpf.o, quick to verify), opened round-robin (several copies of each) until 100
 * programs are loaded. This section runs first, before anything else allocated.
 */
#define _GNU_SOURCE /* asprintf */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <extbpf/extbpf.h>

#include "bench.h"

#define PROGRAMS       100
#define QUICK_PROGRAMS 10
#define MAX_OBJECTS    1024

struct loaded {
	struct ebpf_object *objects[MAX_OBJECTS];
	size_t object_count, programs, maps;
};

static int open_counted(const char *path, struct loaded *l)
{
	struct ebpf_object_open_opts o = { .sz = sizeof(o) };
	struct ebpf_object *obj;

	if (l->object_count == MAX_OBJECTS || ebpf_object_open(path, &o, &obj))
		return -1;
	l->objects[l->object_count++] = obj;
	for (struct ebpf_program *p = ebpf_object_next_program(obj, NULL); p;
	     p = ebpf_object_next_program(obj, p))
		l->programs++;
	for (struct ebpf_map *m = ebpf_object_next_map(obj, NULL); m;
	     m = ebpf_object_next_map(obj, m))
		l->maps++;
	return 0;
}

/* The paths of the .bpf.o files of dir, sorted (the order of a directory is arbitrary). */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t list_objects(const char *dir, char **paths, size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		size_t len = strlen(e->d_name);

		if (len > 6 && !strcmp(e->d_name + len - 6, ".bpf.o") &&
		    asprintf(&paths[n], "%s/%s", dir, e->d_name) > 0)
			n++;
	}
	closedir(d);
	qsort(paths, n, sizeof(*paths), cmp_str);
	return n;
}

static size_t add_path(const char *dir, const char *name, char **paths, size_t n, size_t max)
{
	return n < max && asprintf(&paths[n], "%s/%s", dir, name) > 0 ? n + 1 : n;
}

/* Opens the objects round-robin until `want` programs are loaded (objects that do not load,
 * the ones the tests expect to be refused, are skipped). */
static int load_programs(char **paths, size_t n, size_t want, struct loaded *l)
{
	bool any = true;

	while (l->programs < want && any) {
		any = false;
		for (size_t i = 0; i < n && l->programs < want; i++) {
			if (paths[i] && !open_counted(paths[i], l)) {
				any = true;
				continue;
			}
			free(paths[i]);
			paths[i] = NULL;
		}
	}
	return l->programs >= want ? 0 : -ENOENT;
}

int bench_memory(struct bench_opts *b)
{
	size_t want = b->quick ? QUICK_PROGRAMS : PROGRAMS, n;
	struct loaded *l = calloc(1, sizeof(*l));
	char *paths[128];
	uint64_t before, after;
	int err;

	if (!l)
		return -ENOMEM;
	n = list_objects(b->tests_dir, paths, 128);
	if (!n) {
		n = add_path(b->progs_dir, "empty.bpf.o", paths, n, 128);
		n = add_path(b->progs_dir, "map_ops.bpf.o", paths, n, 128);
	}
	before = bench_rss_kib();
	err = load_programs(paths, n, want, l);
	after = bench_rss_kib();
	printf("\n== Memory (VmRSS) ==\n");
	if (err) {
		fprintf(stderr, "bench: only %zu programs of %s and %s loaded\n", l->programs,
			b->tests_dir, b->progs_dir);
	} else {
		printf("runtime + sample extension: %llu KiB; with %zu programs (%zu maps, %zu "
		       "objects): %llu KiB; %.1f KiB per program with its maps\n",
		       (unsigned long long)before, l->programs, l->maps, l->object_count,
		       (unsigned long long)after, (double)(after - before) / (double)l->programs);
		bench_record(b, "memory", "runtime", "rss_kib", (double)before, "KiB");
		bench_record(b, "memory", "loaded", "rss_kib", (double)after, "KiB");
		bench_record(b, "memory", "loaded", "programs", (double)l->programs, "programs");
		bench_record(b, "memory", "loaded", "maps", (double)l->maps, "maps");
		bench_record(b, "memory", "loaded", "kib_per_program",
			     (double)(after - before) / (double)l->programs, "KiB");
	}
	for (size_t i = 0; i < l->object_count; i++)
		ebpf_object_close(l->objects[i]);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(l);
	return err;
}

// SPDX-License-Identifier: MIT
/*
 * The registry of running hosts: each process that publishes writes what it has loaded
 * (programs with their run statistics, maps, links) to one file of its own, <pin root>/
 * .registry/<pid>, replaced whole (written aside, then renamed) at every publish. Readers
 * (`extbpf prog list`) read every file; the file of a process that no longer exists is stale
 * and removed on the way, so a host killed without unpublishing leaves nothing behind for long.
 *
 * The format is text, one object a line, after a versioned first line:
 *   extbpf-registry 1 PID
 *   prog ID RUN_COUNT RUN_TIME_NS TYPE NAME
 *   map ID KEY_SIZE VALUE_SIZE MAX_ENTRIES SHARED TYPE NAME
 *   link ID PROGRAM_ID DORMANT NAME DETACHED PRIORITY POSITION PREV_ID NEXT_ID
 * Names are the objects' own (no spaces: ELF symbols, map names); a line that does not parse is
 * skipped, a file of another version ignored. Fields appended to a line read as 0 from a host
 * that did not write them, and a reader that does not know them ignores them.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"
#include "core/error.h"

#define REGISTRY_DIR	 ".registry"
#define REGISTRY_VERSION 1

static int registry_dir(char *out, size_t size)
{
	return core_pin_dir(REGISTRY_DIR, out, size);
}

/* A name as one word: the format separates fields by spaces. */
static void put_word(FILE *f, const char *name)
{
	if (!name || !*name) {
		fputs("-", f);
		return;
	}
	for (; *name; name++)
		fputc(*name == ' ' || *name == '\n' ? '_' : *name, f);
}

static void write_programs(FILE *f)
{
	uint32_t id = 0;

	while (!ebpf_program_get_next_id(id, &id)) {
		struct ebpf_program_stats st = { .sz = sizeof(st) };
		struct ebpf_program *p;

		if (ebpf_program_get_by_id(id, &p))
			continue;
		ebpf_program_get_stats(p, &st);
		fprintf(f, "prog %u %" PRIu64 " %" PRIu64 " ", id, st.run_count, st.run_time_ns);
		put_word(f, ebpf_program_type_name(p));
		fputc(' ', f);
		put_word(f, ebpf_program_name(p));
		fputc('\n', f);
		ebpf_program_release(p);
	}
}

static void write_maps(FILE *f)
{
	uint32_t id = 0;

	while (!ebpf_map_get_next_id(id, &id)) {
		struct ebpf_map *m;

		if (ebpf_map_get_by_id(id, &m))
			continue;
		fprintf(f, "map %u %u %u %u %d ", id, ebpf_map_key_size(m), ebpf_map_value_size(m),
			ebpf_map_max_entries(m), ebpf_map_is_shared(m));
		put_word(f, ebpf_map_type_name(m));
		fputc(' ', f);
		put_word(f, ebpf_map_name(m));
		fputc('\n', f);
		ebpf_map_release(m);
	}
}

static void write_links(FILE *f)
{
	uint32_t id = 0;

	while (!ebpf_link_get_next_id(id, &id)) {
		struct ebpf_link_info info = { .sz = sizeof(info) };
		struct ebpf_program *p;

		if (ebpf_link_get_info_by_id(id, &info))
			continue;
		fprintf(f, "link %u %u %d ", id, info.program_id, info.dormant);
		if (!ebpf_program_get_by_id(info.program_id, &p)) {
			put_word(f, ebpf_program_name(p));
			ebpf_program_release(p);
		} else {
			put_word(f, NULL);
		}
		fprintf(f, " %d %d %u %u %u\n", info.detached, info.priority, info.position,
			info.prev_id, info.next_id);
	}
}

int ebpf_registry_publish(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], tmp[PATH_MAX + 48];
	FILE *f;
	int err;

	core_error_clear();
	err = registry_dir(dir, sizeof(dir));
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/%d", dir, (int)getpid());
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return core_error(-errno, "registry '%s': %s", tmp, strerror(errno));
	fchmod(fileno(f), 0644); /* a listing, as /proc is: names, ids and counts */
	fprintf(f, "extbpf-registry %d %d\n", REGISTRY_VERSION, (int)getpid());
	write_programs(f);
	write_maps(f);
	write_links(f);
	if (fclose(f) || rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
		return core_error(err, "registry '%s': %s", path, strerror(-err));
	}
	return 0;
}

int ebpf_registry_unpublish(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	int err;

	core_error_clear();
	err = core_pin_resolve(REGISTRY_DIR, dir, sizeof(dir), false);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/%d", dir, (int)getpid());
	if (unlink(path) && errno != ENOENT)
		return core_error(-errno, "registry '%s': %s", path, strerror(errno));
	return 0;
}

/* ---- Reading ------------------------------------------------------------------------------ */

static bool process_alive(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

static int parse_line(const char *line, struct ebpf_registry_entry *e)
{
	char type[32] = "", name[64] = "";
	int shared = 0, dormant = 0, detached = 0;

	if (sscanf(line, "prog %u %" SCNu64 " %" SCNu64 " %31s %63s", &e->id, &e->run_count,
		   &e->run_time_ns, type, name) == 5) {
		e->kind = EBPF_REGISTRY_PROGRAM;
	} else if (sscanf(line, "map %u %u %u %u %d %31s %63s", &e->id, &e->key_size,
			  &e->value_size, &e->max_entries, &shared, type, name) == 7) {
		e->kind = EBPF_REGISTRY_MAP;
		e->shared = shared;
	} else if (sscanf(line, "link %u %u %d %63s", &e->id, &e->program_id, &dormant, name) ==
		   4) {
		e->kind = EBPF_REGISTRY_LINK;
		e->dormant = dormant;
		/* The chain's fields, when the host wrote them. */
		sscanf(line, "link %*u %*u %*d %*s %d %d %u %u %u", &detached, &e->priority,
		       &e->position, &e->prev_id, &e->next_id);
		e->detached = detached;
	} else {
		return -EINVAL;
	}
	snprintf(e->type, sizeof(e->type), "%s", type);
	snprintf(e->name, sizeof(e->name), "%s", name);
	return 0;
}

/* One process's file: its entries to fn; a file of another version gives none. */
static int read_file(const char *path, pid_t pid, ebpf_registry_fn fn, void *arg)
{
	char line[256];
	int version = 0, file_pid = 0, ret = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0; /* replaced or removed meanwhile */
	if (!fgets(line, sizeof(line), f) ||
	    sscanf(line, "extbpf-registry %d %d", &version, &file_pid) != 2 ||
	    version != REGISTRY_VERSION || file_pid != pid) {
		fclose(f);
		return 0;
	}
	while (!ret && fgets(line, sizeof(line), f)) {
		struct ebpf_registry_entry e = { .sz = sizeof(e), .pid = (uint32_t)pid };

		if (!parse_line(line, &e))
			ret = fn(&e, arg);
	}
	fclose(f);
	return ret;
}

int ebpf_registry_foreach(ebpf_registry_fn fn, void *arg)
{
	char dir[PATH_MAX], path[PATH_MAX + 300];
	struct dirent *d;
	DIR *dp;
	int ret = 0, err;

	core_error_clear();
	if (!fn)
		return core_error(-EINVAL, "registry: no callback");
	err = core_pin_resolve(REGISTRY_DIR, dir, sizeof(dir), false);
	if (err)
		return err;
	dp = opendir(dir);
	if (!dp)
		return errno == ENOENT
			   ? 0
			   : core_error(-errno, "registry '%s': %s", dir, strerror(errno));
	while (!ret && (d = readdir(dp))) {
		char *end;
		long pid = strtol(d->d_name, &end, 10);

		if (*end || pid <= 0 || pid > INT_MAX)
			continue; /* ".", "..", a file being written */
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (!process_alive((pid_t)pid)) {
			unlink(path); /* its process died without unpublishing */
			continue;
		}
		ret = read_file(path, (pid_t)pid, fn, arg);
	}
	closedir(dp);
	return ret;
}

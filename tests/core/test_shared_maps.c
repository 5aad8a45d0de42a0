/* SPDX-License-Identifier: MIT */
/*
 * Shared maps through the runtime: programs in two processes adding to the same pinned counters
 * (exact totals, with atomic adds and with plain increments of per-CPU values), the pin root and
 * pin files from the host API, and permissions (a user the file's mode shuts out cannot open the
 * map).
 *
 * The other processes are this program run again (/proc/self/exe with a role), not forks of a
 * process whose runtime already has threads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>

#include "../../extensions/sample/sample_ext.h"
#include "test_util.h"

#define RUNS_PER_PROCESS 20000
/* Plain per-CPU counting: more threads per process than this machine's (and most CI machines')
 * CPUs, so that both processes' runs want every slot. */
#define PLAIN_THREADS	 3
#define PLAIN_RUNS	 20000

static char root[64];

static int setup(void **state)
{
	struct ebpf_extension *ext;

	snprintf(root, sizeof(root), "/tmp/extbpf-pins-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	if (ebpf_extension_add_static(&ebpf_extension_sample, &ext))
		fail_msg("sample extension: %s", ebpf_last_error());
	return ebpf_set_pin_root(root);
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* The counting process: opens the object with its maps shared under the root, runs it. */
static int count_role(const char *pin_root)
{
	struct ebpf_object_open_opts opts = {
		.sz = sizeof(opts),
		.pin_maps_dir = "counters",
	};
	struct ebpf_test_run_opts run = { .sz = sizeof(run), .repeat = RUNS_PER_PROCESS };
	struct ebpf_extension *ext;
	struct ebpf_object *obj;
	int err;

	if (ebpf_extension_add_static(&ebpf_extension_sample, &ext) ||
	    ebpf_set_pin_root(pin_root) ||
	    ebpf_object_open(prog_path("shared_counters.bpf.o"), &opts, &obj)) {
		fprintf(stderr, "count role: %s\n", ebpf_last_error());
		return 1;
	}
	err = ebpf_program_test_run(ebpf_object_find_program(obj, "count_runs"), &run);
	if (err)
		fprintf(stderr, "count role: %s\n", ebpf_last_error());
	ebpf_object_close(obj);
	return err ? 1 : 0;
}

static struct ebpf_object *open_plain(void)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .pin_maps_dir = "plain" };
	struct ebpf_object *obj = NULL;

	if (ebpf_object_open(prog_path("run_slots.bpf.o"), &opts, &obj))
		fprintf(stderr, "plain: %s\n", ebpf_last_error());
	return obj;
}

static void *count_plain_thread(void *prog)
{
	struct ebpf_test_run_opts run = { .sz = sizeof(run), .repeat = PLAIN_RUNS };

	/* retval 0: a lookup failed (the hash key missing, or no slot). */
	if (ebpf_program_test_run(prog, &run) || run.retval != 1)
		return (void *)1;
	return NULL;
}

/* count_plain (`*v = v + 1`, no atomics) in PLAIN_THREADS threads on the shared per-CPU maps. */
static int count_plain_role(const char *pin_root)
{
	struct ebpf_extension *ext;
	struct ebpf_object *obj;
	struct ebpf_program *prog;
	pthread_t threads[PLAIN_THREADS];
	int failed = 0;

	if (ebpf_extension_add_static(&ebpf_extension_sample, &ext) || ebpf_set_pin_root(pin_root))
		return 1;
	obj = open_plain();
	prog = obj ? ebpf_object_find_program(obj, "count_plain") : NULL;
	if (!prog)
		return 1;
	for (int i = 0; i < PLAIN_THREADS; i++) {
		if (pthread_create(&threads[i], NULL, count_plain_thread, prog))
			return 1;
	}
	for (int i = 0; i < PLAIN_THREADS; i++) {
		void *ret;

		pthread_join(threads[i], &ret);
		failed |= ret != NULL;
	}
	ebpf_object_close(obj);
	return failed;
}

/* The other user's process: may it open the map? Exit 0 when refused with -EACCES. */
static int open_role(const char *path)
{
	struct passwd *nobody = getpwnam("nobody");
	struct ebpf_map *map;
	int err;

	if (!nobody || setgid(nobody->pw_gid) || setuid(nobody->pw_uid))
		return 3;
	err = ebpf_map_open_pinned(path, &map);
	if (err == -EACCES && strstr(ebpf_last_error(), "permission denied"))
		return 0;
	if (err) {
		fprintf(stderr, "open as nobody: %d %s\n", err, ebpf_last_error());
		return 1;
	}
	ebpf_map_release(map);
	return 2;
}

static pid_t spawn(const char *role, const char *arg)
{
	pid_t pid = fork();

	if (pid == 0) {
		execl("/proc/self/exe", "test_shared_maps", role, arg, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int wait_exit(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void test_two_processes_count(void **state)
{
	pid_t a = spawn("--count", root), b = spawn("--count", root);
	char path[128];
	struct ebpf_map *runs, *by_key;
	uint32_t index = 1, key = 7;
	uint64_t total = 0;

	assert_true(a > 0 && b > 0);
	assert_int_equal(wait_exit(a), 0);
	assert_int_equal(wait_exit(b), 0);
	/* This process opens what the two left behind: the pins outlive them. */
	assert_int_equal(ebpf_map_open_pinned("counters/runs", &runs), 0);
	snprintf(path, sizeof(path), "%s/counters/runs_by_key", root);
	assert_int_equal(ebpf_map_get_pinned(path, &by_key), 0);
	assert_true(ebpf_map_is_shared(runs));
	assert_string_equal(ebpf_map_name(by_key), "runs_by_key");
	assert_int_equal(ebpf_map_lookup_elem(runs, &index, &total), 0);
	assert_int_equal(total, 2 * RUNS_PER_PROCESS);
	assert_int_equal(ebpf_map_lookup_elem(by_key, &key, &total), 0);
	assert_int_equal(total, 2 * RUNS_PER_PROCESS);
	ebpf_map_release(runs);
	ebpf_map_release(by_key);
	assert_int_equal(ebpf_unpin("counters/runs"), 0);
	assert_int_equal(ebpf_map_open_pinned("counters/runs", &runs), -ENOENT);
	assert_true(error_has("nothing is pinned there"));
}

/*
 * Two processes' runs increment a shared per-CPU array and hash with a plain load and store: a
 * run holds its slot of the file alone, whatever process it is in, so no increment is lost (a
 * slot claimed per process only would have a writer in each).
 */
static void test_two_processes_plain_percpu(void **state)
{
	uint64_t *zero = calloc(ebpf_num_possible_cpus(), sizeof(*zero));
	struct ebpf_object *obj = open_plain(); /* creates the pins the others open */
	struct ebpf_map *array, *hash;
	uint32_t key = 0;
	pid_t a, b;

	assert_non_null(zero);
	assert_non_null(obj);
	array = ebpf_object_find_map(obj, "per_cpu_array");
	hash = ebpf_object_find_map(obj, "per_cpu_hash");
	assert_true(ebpf_map_is_shared(array) && ebpf_map_is_shared(hash));
	assert_int_equal(ebpf_map_update_elem(hash, &key, zero, EBPF_NOEXIST), 0);
	a = spawn("--count-plain", root);
	b = spawn("--count-plain", root);
	assert_true(a > 0 && b > 0);
	assert_int_equal(wait_exit(a), 0);
	assert_int_equal(wait_exit(b), 0);
	assert_int_equal(percpu_sum(array), 2 * PLAIN_THREADS * PLAIN_RUNS);
	assert_int_equal(percpu_sum(hash), 2 * PLAIN_THREADS * PLAIN_RUNS);
	ebpf_object_close(obj);
	free(zero);
}

static void test_pin_root_and_errors(void **state)
{
	struct ebpf_map_create_opts opts = { .sz = sizeof(opts),
					     .pin_path = "m",
					     .pin_mode = 0640 };
	struct ebpf_map *map, *again;
	char buf[128], path[160];
	struct stat st;
	int fd;

	assert_int_equal(ebpf_set_pin_root("relative/dir"), -EINVAL);
	assert_true(error_has("absolute"));
	assert_int_equal(ebpf_get_pin_root(buf, sizeof(buf)), 0);
	assert_string_equal(buf, root);
	assert_int_equal(ebpf_map_create(EBPF_MAP_TYPE_HASH, "m", 4, 8, 8, &opts, &map), 0);
	snprintf(path, sizeof(path), "%s/m", root);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(ebpf_map_create(EBPF_MAP_TYPE_HASH, "m", 4, 8, 8, &opts, &again), -EEXIST);
	assert_true(error_has("already exists"));
	opts.pin_path = "q";
	/* Program arrays hold this process's programs: they cannot be shared. */
	assert_int_equal(ebpf_map_create(EBPF_MAP_TYPE_PROG_ARRAY, "q", 4, 4, 8, &opts, &again),
			 -EOPNOTSUPP);
	assert_true(error_has("cannot be shared"));
	ebpf_map_release(map);
	/* Unpin checks that it removes a pin, not any file. */
	snprintf(path, sizeof(path), "%s/notapin", root);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(ebpf_unpin("notapin"), -ENOENT);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(ebpf_map_open_pinned("notapin", &again), -EINVAL);
	assert_true(error_has("notapin"));
	assert_int_equal(ebpf_unpin("m"), 0);
	assert_int_equal(ebpf_set_pin_root(NULL), 0);
	assert_int_equal(ebpf_get_pin_root(buf, sizeof(buf)), 0);
	assert_string_equal(buf, EBPF_PIN_ROOT);
	assert_int_equal(ebpf_set_pin_root(root), 0);
}

/* A pin of mode 0600 owned by root: nobody cannot open it; with 0666 it can. */
static void test_permission_refused(void **state)
{
	struct ebpf_map_create_opts opts = { .sz = sizeof(opts), .pin_path = "private" };
	struct ebpf_map *map;
	char path[128];

	if (geteuid() != 0 || !getpwnam("nobody"))
		skip();				/* needs root to become another user */
	assert_int_equal(chmod(root, 0755), 0); /* the directory is not what refuses */
	assert_int_equal(ebpf_map_create(EBPF_MAP_TYPE_ARRAY, "private", 4, 8, 1, &opts, &map), 0);
	snprintf(path, sizeof(path), "%s/private", root);
	assert_int_equal(wait_exit(spawn("--open-as-nobody", path)), 0);
	/* The same pin opened to everyone: the refusal was the mode's. */
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(wait_exit(spawn("--open-as-nobody", path)), 2);
	ebpf_map_release(map);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_processes_count),
		cmocka_unit_test(test_two_processes_plain_percpu),
		cmocka_unit_test(test_pin_root_and_errors),
		cmocka_unit_test(test_permission_refused),
	};

	if (argc == 3 && !strcmp(argv[1], "--count"))
		return count_role(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "--count-plain"))
		return count_plain_role(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "--open-as-nobody"))
		return open_role(argv[2]);
	return cmocka_run_group_tests(tests, setup, teardown);
}

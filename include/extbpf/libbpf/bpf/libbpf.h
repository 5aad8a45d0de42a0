/* SPDX-License-Identifier: MIT */
/*
 * extbpf-libbpf: libbpf's host API over extbpf (<bpf/libbpf.h>), so that a host written for
 * libbpf builds unchanged with `pkg-config --cflags --libs extbpf-libbpf`. What differs from
 * libbpf on Linux, and why, is in docs/porting.md. Conventions are libbpf 1.x's: calls returning
 * int give 0 or a negative errno and set errno; calls returning a pointer give NULL and set errno
 * (libbpf_get_error reads it back). Messages go to the function set with libbpf_set_print.
 *
 * Program types and attach points come from extbpf's extensions, loaded from the default
 * directory (ebpf_extension_load_dir(NULL)) by the first bpf_object__open_*.
 */
#ifndef EXTBPF_LIBBPF_LIBBPF_H
#define EXTBPF_LIBBPF_LIBBPF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>
#include <linux/types.h>

#include "libbpf_common.h"

#ifdef __cplusplus
extern "C" {
#endif

enum libbpf_print_level {
	LIBBPF_WARN,
	LIBBPF_INFO,
	LIBBPF_DEBUG,
};
typedef int (*libbpf_print_fn_t)(enum libbpf_print_level level, const char *, va_list ap);
/* Returns the previous function; NULL silences the library. The default prints warnings and
 * information to stderr, as libbpf's does. */
LIBBPF_API libbpf_print_fn_t libbpf_set_print(libbpf_print_fn_t fn);
/* -errno for a NULL pointer (the failed call's errno), 0 otherwise. */
LIBBPF_API long libbpf_get_error(const void *ptr);

struct bpf_object;
struct bpf_program;
struct bpf_map;
struct bpf_link;

struct bpf_object_open_opts {
	size_t sz; /* sizeof(struct bpf_object_open_opts) */
	/* The object's name; default: the file name, or "mem" for open_mem. */
	const char *object_name;
	/* Accepted for source compatibility; extbpf maps are never kernel maps. */
	bool relaxed_maps;
	/* Pinned maps (LIBBPF_PIN_BY_NAME) are named in extbpf's pin table; only the default
	 * root /sys/fs/bpf (NULL) is supported. */
	const char *pin_root_path;
	/* The BTF CO-RE relocations use instead of /sys/kernel/btf/vmlinux. */
	const char *btf_custom_path;
	/* The verifier's log of the load (libbpf: the kernel's log). */
	char *kernel_log_buf;
	size_t kernel_log_size;
	__u32 kernel_log_level;
};

LIBBPF_API struct bpf_object *bpf_object__open(const char *path);
LIBBPF_API struct bpf_object *bpf_object__open_file(const char *path,
						    const struct bpf_object_open_opts *opts);
LIBBPF_API struct bpf_object *bpf_object__open_mem(const void *obj_buf, size_t obj_buf_sz,
						   const struct bpf_object_open_opts *opts);
/* Creates the maps, verifies, relocates and compiles every program with autoload set. Once
 * refused the object can only be closed (libbpf's rule). */
LIBBPF_API int bpf_object__load(struct bpf_object *obj);
/* Frees the object, its programs and maps, and the descriptors they hand out: the host must
 * not close() those itself (libbpf's rule too). Links stay until bpf_link__destroy. */
LIBBPF_API void bpf_object__close(struct bpf_object *obj);
LIBBPF_API const char *bpf_object__name(const struct bpf_object *obj);

LIBBPF_API struct bpf_program *bpf_object__find_program_by_name(const struct bpf_object *obj,
								const char *name);
/* By the map's name; global data by its section (".rodata", ".bss", ".data"). */
LIBBPF_API struct bpf_map *bpf_object__find_map_by_name(const struct bpf_object *obj,
							const char *name);
LIBBPF_API int bpf_object__find_map_fd_by_name(const struct bpf_object *obj, const char *name);
LIBBPF_API struct bpf_program *bpf_object__next_program(const struct bpf_object *obj,
							struct bpf_program *prog);
LIBBPF_API struct bpf_map *bpf_object__next_map(const struct bpf_object *obj,
						const struct bpf_map *map);

#define bpf_object__for_each_program(pos, obj)                                                     \
	for ((pos) = bpf_object__next_program((obj), NULL); (pos) != NULL;                         \
	     (pos) = bpf_object__next_program((obj), (pos)))
#define bpf_object__for_each_map(pos, obj)                                                         \
	for ((pos) = bpf_object__next_map((obj), NULL); (pos) != NULL;                             \
	     (pos) = bpf_object__next_map((obj), (pos)))

LIBBPF_API const char *bpf_program__name(const struct bpf_program *prog);
LIBBPF_API const char *bpf_program__section_name(const struct bpf_program *prog);
/* -EINVAL (errno set) before the load or for a program not loaded. */
LIBBPF_API int bpf_program__fd(const struct bpf_program *prog);
LIBBPF_API bool bpf_program__autoload(const struct bpf_program *prog);
LIBBPF_API int bpf_program__set_autoload(struct bpf_program *prog, bool autoload);
/* The Linux program type of the extbpf type (BPF_PROG_TYPE_UNSPEC for an extension's own type
 * that has no Linux number). */
LIBBPF_API enum bpf_prog_type bpf_program__type(const struct bpf_program *prog);
/* Before the load: verify the program as the extbpf type of that Linux number. */
LIBBPF_API int bpf_program__set_type(struct bpf_program *prog, enum bpf_prog_type type);

/*
 * Attaches to the program type's default attach type: the only attach type the loaded
 * extensions offer for the program's type, when it takes no parameters. -EOPNOTSUPP when there is
 * none or several (name one with bpf_program__attach_extbpf).
 */
LIBBPF_API struct bpf_link *bpf_program__attach(const struct bpf_program *prog);
/* extbpf's own: attaches to the named attach type (ebpf_foreach_attach_type) with its
 * parameters (the attach type's documented structure; NULL and 0 for none). */
LIBBPF_API struct bpf_link *bpf_program__attach_extbpf(const struct bpf_program *prog,
						       const char *attach_type, const void *params,
						       size_t params_size);
/* Detaches (waiting for invocations in flight) and frees the link; NULL is accepted. */
LIBBPF_API int bpf_link__destroy(struct bpf_link *link);
LIBBPF_API int bpf_link__fd(const struct bpf_link *link);

LIBBPF_API const char *bpf_map__name(const struct bpf_map *map);
/* -EINVAL (errno set) before the load. */
LIBBPF_API int bpf_map__fd(const struct bpf_map *map);
LIBBPF_API enum bpf_map_type bpf_map__type(const struct bpf_map *map);
LIBBPF_API __u32 bpf_map__key_size(const struct bpf_map *map);
LIBBPF_API __u32 bpf_map__value_size(const struct bpf_map *map);
LIBBPF_API __u32 bpf_map__max_entries(const struct bpf_map *map);
LIBBPF_API __u32 bpf_map__map_flags(const struct bpf_map *map);
/* True for global data maps (.rodata, .data, .bss, .kconfig). */
LIBBPF_API bool bpf_map__is_internal(const struct bpf_map *map);
/* Before the load only (-EBUSY after). */
LIBBPF_API int bpf_map__set_max_entries(struct bpf_map *map, __u32 max_entries);
LIBBPF_API int bpf_map__set_value_size(struct bpf_map *map, __u32 size);
LIBBPF_API int bpf_map__set_key_size(struct bpf_map *map, __u32 size);
LIBBPF_API int bpf_map__set_map_flags(struct bpf_map *map, __u32 flags);
/* A global data map's image: before the load the initial value (writable), after it the live
 * value (read-only for .rodata). NULL for other maps. */
LIBBPF_API void *bpf_map__initial_value(const struct bpf_map *map, size_t *psize);
/* Before the load; size must be the section's. */
LIBBPF_API int bpf_map__set_initial_value(struct bpf_map *map, const void *data, size_t size);

/* The host's view with the sizes checked against the map's (-EINVAL when they differ; per-CPU
 * values are one 8-byte-aligned slot per possible CPU, as on Linux). */
LIBBPF_API int bpf_map__lookup_elem(const struct bpf_map *map, const void *key, size_t key_sz,
				    void *value, size_t value_sz, __u64 flags);
LIBBPF_API int bpf_map__update_elem(const struct bpf_map *map, const void *key, size_t key_sz,
				    const void *value, size_t value_sz, __u64 flags);
LIBBPF_API int bpf_map__delete_elem(const struct bpf_map *map, const void *key, size_t key_sz,
				    __u64 flags);
LIBBPF_API int bpf_map__get_next_key(const struct bpf_map *map, const void *cur_key, void *next_key,
				     size_t key_sz);

/* Ring buffers: records are consumed in this thread, from any number of BPF_MAP_TYPE_RINGBUF
 * maps. A callback's non-zero return stops the poll and is returned. */
struct ring_buffer;
typedef int (*ring_buffer_sample_fn)(void *ctx, void *data, size_t size);
struct ring_buffer_opts {
	size_t sz; /* sizeof(struct ring_buffer_opts) */
};
LIBBPF_API struct ring_buffer *ring_buffer__new(int map_fd, ring_buffer_sample_fn sample_cb,
						void *ctx, const struct ring_buffer_opts *opts);
LIBBPF_API int ring_buffer__add(struct ring_buffer *rb, int map_fd, ring_buffer_sample_fn sample_cb,
				void *ctx);
/* Records consumed (every ring), waiting up to timeout_ms for the first; or a negative errno. */
LIBBPF_API int ring_buffer__poll(struct ring_buffer *rb, int timeout_ms);
LIBBPF_API int ring_buffer__consume(struct ring_buffer *rb);
LIBBPF_API void ring_buffer__free(struct ring_buffer *rb);

/* Perf buffers over BPF_MAP_TYPE_PERF_EVENT_ARRAY (one ring per entry). */
struct perf_buffer;
typedef void (*perf_buffer_sample_fn)(void *ctx, int cpu, void *data, __u32 size);
typedef void (*perf_buffer_lost_fn)(void *ctx, int cpu, __u64 cnt);
struct perf_buffer_opts {
	size_t sz;	     /* sizeof(struct perf_buffer_opts) */
	__u32 sample_period; /* 0 or 1: every record wakes the reader */
};
/* page_cnt: pages per ring, a power of 2. */
LIBBPF_API struct perf_buffer *perf_buffer__new(int map_fd, size_t page_cnt,
						perf_buffer_sample_fn sample_cb,
						perf_buffer_lost_fn lost_cb, void *ctx,
						const struct perf_buffer_opts *opts);
LIBBPF_API int perf_buffer__poll(struct perf_buffer *pb, int timeout_ms);
LIBBPF_API int perf_buffer__consume(struct perf_buffer *pb);
LIBBPF_API void perf_buffer__free(struct perf_buffer *pb);

/* Skeletons (`extbpf gen skeleton`), laid out as bpftool's so that generated headers of either
 * tool build against either library. */
struct bpf_map_skeleton {
	const char *name;
	struct bpf_map **map;
	void **mmaped;
	struct bpf_link **link;
};
struct bpf_prog_skeleton {
	const char *name;
	struct bpf_program **prog;
	struct bpf_link **link;
};
struct bpf_object_skeleton {
	size_t sz; /* sizeof(struct bpf_object_skeleton) */
	const char *name;
	const void *data;
	size_t data_sz;
	struct bpf_object **obj;
	int map_cnt;
	int map_skel_sz; /* sizeof(struct bpf_map_skeleton) */
	struct bpf_map_skeleton *maps;
	int prog_cnt;
	int prog_skel_sz; /* sizeof(struct bpf_prog_skeleton) */
	struct bpf_prog_skeleton *progs;
};
LIBBPF_API int bpf_object__open_skeleton(struct bpf_object_skeleton *s,
					 const struct bpf_object_open_opts *opts);
LIBBPF_API int bpf_object__load_skeleton(struct bpf_object_skeleton *s);
/* Attaches every loaded program that has a default attach type; the others are skipped. */
LIBBPF_API int bpf_object__attach_skeleton(struct bpf_object_skeleton *s);
LIBBPF_API void bpf_object__detach_skeleton(struct bpf_object_skeleton *s);
LIBBPF_API void bpf_object__destroy_skeleton(struct bpf_object_skeleton *s);

#ifdef __cplusplus
}
#endif

#endif /* EXTBPF_LIBBPF_LIBBPF_H */

/* SPDX-License-Identifier: MIT */
/*
 * extbpf-libbpf internals: libbpf's objects as wrappers of extbpf's, and the table that turns
 * file descriptors into extbpf programs, maps and links.
 */
#ifndef EXTBPF_LIBBPF_COMPAT_H
#define EXTBPF_LIBBPF_COMPAT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <extbpf/extbpf.h>

struct bpf_program {
	struct bpf_object *obj;
	char *name;
	char *section;
	bool autoload;
	struct ebpf_program *prog; /* after the load, when autoload */
	int fd;			   /* -1 until then */
};

struct bpf_map {
	struct bpf_object *obj;
	char *name;
	enum ebpf_map_type type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 map_flags;
	bool internal;
	struct ebpf_map *map; /* after the load */
	int fd;
};

struct bpf_object {
	struct ebpf_object *obj;
	char *name;
	struct bpf_program *progs;
	size_t prog_cnt;
	struct bpf_map *maps;
	size_t map_cnt;
	bool loaded;
	bool load_failed;
};

struct bpf_link {
	struct ebpf_link *link;
	int fd;
};

/* libbpf's return conventions: errno set, negative errno or NULL returned. */
static inline int compat_err(int err)
{
	if (err < 0)
		errno = -err;
	return err;
}

static inline void *compat_err_ptr(int err)
{
	errno = err < 0 ? -err : err;
	return NULL;
}

/* Through the host's libbpf_set_print function, as libbpf's pr_warn. */
__attribute__((format(printf, 1, 2))) void compat_warn(const char *fmt, ...);
/* Warns with fmt's text followed by extbpf's message of the failed call and returns err. */
__attribute__((format(printf, 2, 3))) int compat_fail(int err, const char *fmt, ...);

/* Loads the extensions of the default directory once per process. */
void compat_load_extensions(void);

enum compat_fd_kind {
	COMPAT_FD_PROG = 1,
	COMPAT_FD_MAP,
	COMPAT_FD_LINK,
};

/* A new descriptor naming obj; programs and maps get a reference the descriptor holds. */
int compat_fd_alloc(enum compat_fd_kind kind, void *obj);
/* What fd names, of that kind, with a new reference for programs and maps (compat_fd_put).
 * -EBADF: not a descriptor of this library (or closed); -EINVAL: one of another kind. */
int compat_fd_get(int fd, enum compat_fd_kind kind, void **obj);
void compat_fd_put(enum compat_fd_kind kind, void *obj);
/* Closes a descriptor this library handed out and drops its reference. */
void compat_fd_close(int fd);

#endif /* EXTBPF_LIBBPF_COMPAT_H */

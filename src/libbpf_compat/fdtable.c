/* SPDX-License-Identifier: MIT */
/*
 * File descriptors that name extbpf objects. libbpf hosts pass integers around (bpf_map__fd,
 * bpf_obj_get), store them and poll them, so each is a real descriptor of the process (a memfd,
 * which nothing reads) and this table says what it names. A host that close()s a descriptor
 * itself cannot be seen doing it, so every lookup checks that the number still refers to the
 * memfd it was given (same inode): a closed or reused number answers -EBADF and its reference is
 * dropped then. The table is process-wide, as the kernel's descriptor table it stands for.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat.h"

struct fd_entry {
	enum compat_fd_kind kind; /* 0: free */
	void *obj;
	dev_t dev;
	ino_t ino;
};

static pthread_mutex_t fd_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fd_entry *fd_table;
static size_t fd_table_size;

static void obj_acquire(enum compat_fd_kind kind, void *obj)
{
	if (kind == COMPAT_FD_PROG)
		ebpf_program_acquire(obj);
	else if (kind == COMPAT_FD_MAP)
		ebpf_map_acquire(obj);
}

void compat_fd_put(enum compat_fd_kind kind, void *obj)
{
	if (kind == COMPAT_FD_PROG)
		ebpf_program_release(obj);
	else if (kind == COMPAT_FD_MAP)
		ebpf_map_release(obj);
}

static bool same_file(int fd, const struct fd_entry *e)
{
	struct stat st;

	return !fstat(fd, &st) && st.st_dev == e->dev && st.st_ino == e->ino;
}

/* Forgets an entry whose descriptor the host closed; called with fd_lock held. */
static void drop_entry(struct fd_entry *e)
{
	compat_fd_put(e->kind, e->obj);
	e->kind = 0;
	e->obj = NULL;
}

static int table_grow(size_t fd)
{
	size_t size = fd_table_size ? fd_table_size : 64;
	struct fd_entry *table;

	while (size <= fd)
		size *= 2;
	table = realloc(fd_table, size * sizeof(*table));
	if (!table)
		return -ENOMEM;
	for (size_t i = fd_table_size; i < size; i++)
		table[i] = (struct fd_entry){ 0 };
	fd_table = table;
	fd_table_size = size;
	return 0;
}

int compat_fd_alloc(enum compat_fd_kind kind, void *obj)
{
	struct stat st;
	int fd, err;

	fd = memfd_create("extbpf-libbpf", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		close(fd);
		return err;
	}
	pthread_mutex_lock(&fd_lock);
	err = (size_t)fd < fd_table_size ? 0 : table_grow(fd);
	if (!err) {
		/* The host closed the number this entry had and the kernel gave it again. */
		if (fd_table[fd].kind)
			drop_entry(&fd_table[fd]);
		obj_acquire(kind, obj);
		fd_table[fd] = (struct fd_entry){
			.kind = kind, .obj = obj, .dev = st.st_dev, .ino = st.st_ino
		};
	}
	pthread_mutex_unlock(&fd_lock);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int compat_fd_get(int fd, enum compat_fd_kind kind, void **obj)
{
	struct fd_entry *e;
	int err = 0;

	if (fd < 0)
		return -EBADF;
	pthread_mutex_lock(&fd_lock);
	e = (size_t)fd < fd_table_size ? &fd_table[fd] : NULL;
	if (!e || !e->kind) {
		err = -EBADF;
	} else if (!same_file(fd, e)) {
		drop_entry(e);
		err = -EBADF;
	} else if (e->kind != kind) {
		err = -EINVAL;
	} else {
		obj_acquire(kind, e->obj);
		*obj = e->obj;
	}
	pthread_mutex_unlock(&fd_lock);
	return err;
}

void compat_fd_close(int fd)
{
	struct fd_entry *e;

	if (fd < 0)
		return;
	pthread_mutex_lock(&fd_lock);
	e = (size_t)fd < fd_table_size ? &fd_table[fd] : NULL;
	if (e && e->kind) {
		bool ours = same_file(fd, e);

		drop_entry(e);
		/* Never close a number the host already closed and reused for something else. */
		if (ours)
			close(fd);
	}
	pthread_mutex_unlock(&fd_lock);
}

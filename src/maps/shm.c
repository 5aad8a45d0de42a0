// SPDX-License-Identifier: MIT
/*
 * Shared map files: creating one at a pin path, opening one another process created (its header
 * checked before anything in it is used), the robust writers' lock and its recovery.
 */
#define _GNU_SOURCE /* mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "maps/shm.h"

static const struct shm_type *const shm_types[] = {
	&shm_array_type,    &shm_percpu_array_type,    &shm_hash_type,	   &shm_percpu_hash_type,
	&shm_lru_hash_type, &shm_lru_percpu_hash_type, &shm_lpm_trie_type, &shm_queue_type,
	&shm_stack_type,    &shm_ringbuf_type,
};

static const struct shm_type *shm_type_of(enum ebpf_map_type type)
{
	for (size_t i = 0; i < sizeof(shm_types) / sizeof(shm_types[0]); i++) {
		if (shm_types[i]->type == type)
			return shm_types[i];
	}
	return NULL;
}

const struct map_ops *map_shm_ops(enum ebpf_map_type type)
{
	const struct shm_type *t = shm_type_of(type);

	return t ? t->ops : NULL;
}

bool map_is_shared(const struct ebpf_map *map)
{
	/* Every shared type frees its map through the file's code. */
	return map && map->ops && map->ops->free == shm_free;
}

/* ---- The writers' lock ------------------------------------------------------------------- */

/*
 * Writers hold the lock for well under a microsecond, while a pthread_mutex_lock that finds it
 * taken sleeps in the kernel and costs its owner a futex wake-up: two writers alternating paid
 * both on most updates. A short spin of trylocks first takes the lock as soon as it is free.
 */
#define SHM_LOCK_SPINS 200

int shm_lock(struct shm_map *m)
{
	const struct shm_type *t = shm_type_of(m->map.attr.type);
	int err = pthread_mutex_trylock(&m->hdr->lock);

	for (int i = 0; err == EBUSY && i < SHM_LOCK_SPINS; i++) {
		map_cpu_relax();
		err = pthread_mutex_trylock(&m->hdr->lock);
	}
	if (err == EBUSY)
		err = pthread_mutex_lock(&m->hdr->lock);

	if (err == EOWNERDEAD) {
		/* Its owner died inside an update: the state is repaired before anyone goes on. */
		t->recover(m);
		m->hdr->recoveries++;
		err = pthread_mutex_consistent(&m->hdr->lock);
	}
	return -err;
}

void shm_unlock(struct shm_map *m)
{
	pthread_mutex_unlock(&m->hdr->lock);
}

static int shm_lock_init(pthread_mutex_t *lock)
{
	pthread_mutexattr_t a;
	int err = pthread_mutexattr_init(&a);

	if (err)
		return -err;
	err = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	if (!err)
		err = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	if (!err)
		err = pthread_mutex_init(lock, &a);
	pthread_mutexattr_destroy(&a);
	return -err;
}

/* ---- Creation ---------------------------------------------------------------------------- */

static int shm_mmap(const struct shm_type *t, struct shm_map *m, int fd, uint64_t size)
{
	void *p;

	if (t->mmap)
		return t->mmap(m, fd, size);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	m->base = p;
	m->size = size;
	return 0;
}

static void shm_set_view(struct shm_map *m)
{
	m->data = m->base + m->data_off;
	m->aux = m->base + m->aux_off;
	m->seed = m->hdr->seed;
}

static const char *create_reason(int err)
{
	switch (err) {
	case -EACCES:
	case -EPERM:
		return "permission denied creating the pin file in its directory";
	case -ENOENT:
	case -ENOTDIR:
		return "the pin's directory does not exist";
	case -EEXIST:
		return "a file already exists at the pin path";
	case -ENAMETOOLONG:
		return "the pin path is too long";
	case -ENOMEM:
	case -ENOSPC:
		return "no room for the map's shared memory";
	default:
		return "cannot create the pin file";
	}
}

static void shm_header_init(struct shm_map *m, const struct map_attr *attr, uint64_t size)
{
	struct shm_header *h = m->hdr;
	uint32_t seed = 0;

	if (!(attr->map_flags & MAP_F_ZERO_SEED) &&
	    getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint32_t)getpid() * 0x9e3779b9u;
	h->magic = SHM_MAGIC;
	h->version = SHM_VERSION;
	h->header_size = sizeof(*h);
	h->file_size = size;
	h->type = attr->type;
	h->key_size = attr->key_size;
	h->value_size = attr->value_size;
	h->max_entries = attr->max_entries;
	h->map_flags = attr->map_flags;
	h->seed = seed;
	snprintf(h->name, sizeof(h->name), "%s", attr->name ? attr->name : "");
	h->data_off = m->data_off;
	h->aux_off = m->aux_off;
	h->ring_off = m->ring_off;
	h->extra_off = m->extra_off;
	h->slots_off = m->slots_off;
}

/* Writes the whole file under a temporary name, then links it to the pin path: another process
 * sees either no pin or a complete one, and an existing pin is never replaced. */
static int shm_create_file(struct shm_map *m, const struct shm_type *t, const struct map_attr *attr,
			   uint64_t size)
{
	char tmp[PATH_MAX];
	int fd, err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", attr->pin_path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, attr->pin_mode ? attr->pin_mode : 0600) || ftruncate(fd, (off_t)size))
		err = -errno;
	if (!err)
		err = shm_mmap(t, m, fd, size);
	if (!err) {
		m->hdr = (struct shm_header *)m->base;
		shm_header_init(m, attr, size);
		err = shm_lock_init(&m->hdr->lock);
	}
	if (!err) {
		shm_set_view(m);
		t->init(m);
		if (link(tmp, attr->pin_path))
			err = -errno;
	}
	unlink(tmp);
	close(fd);
	if (err && m->base)
		munmap(m->base, m->size);
	return err;
}

int shm_alloc(const struct map_attr *attr, struct ebpf_map **map, const char **why)
{
	const struct shm_type *t = shm_type_of(attr->type);
	struct shm_map *m;
	uint64_t size;
	int err;

	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	size = t->layout(attr, m);
	if (!size || size > SIZE_MAX) {
		free(m);
		*why = "the map is too large to share";
		return -E2BIG;
	}
	err = shm_create_file(m, t, attr, size);
	if (err) {
		free(m);
		*why = create_reason(err);
		return err;
	}
	atomic_init(&m->refs, 1);
	*map = &m->map;
	return 0;
}

void shm_get(struct shm_map *m)
{
	atomic_fetch_add(&m->refs, 1);
}

void shm_put(struct shm_map *m)
{
	if (atomic_fetch_sub(&m->refs, 1) != 1)
		return;
	munmap(m->base, m->size);
	free(m);
}

void shm_free(struct ebpf_map *map)
{
	shm_put(to_shm(map));
}

/* ---- Opening ----------------------------------------------------------------------------- */

/* The attributes the header records, checked as a creation would check them. */
static int shm_header_attr(const struct shm_header *h, struct map_attr *attr, const char **why)
{
	const struct shm_type *t = shm_type_of(h->type);

	if (!t) {
		*why = "the pin file holds a map type this build cannot share";
		return -EINVAL;
	}
	*attr = (struct map_attr){
		.type = h->type,
		.key_size = h->key_size,
		.value_size = h->value_size,
		.max_entries = h->max_entries,
		.map_flags = h->map_flags,
	};
	if (t->ops->check_attr(attr, why)) {
		*why = "the pin file's header has invalid map attributes (corrupt)";
		return -EINVAL;
	}
	return 0;
}

static int shm_check_header(const struct shm_header *h, uint64_t st_size, const char **why)
{
	if (h->magic != SHM_MAGIC) {
		*why = "not an extbpf map pin (bad magic)";
		return -EINVAL;
	}
	if (h->version != SHM_VERSION) {
		*why = "the pin file has another format version than this build reads";
		return -EPROTO;
	}
	if (h->header_size != sizeof(*h)) {
		*why = "the pin file's header has another size (made by another build)";
		return -EPROTO;
	}
	if (h->file_size != st_size) {
		*why = "the pin file's size differs from its header's (truncated or corrupt)";
		return -EINVAL;
	}
	if (memchr(h->name, 0, sizeof(h->name)) == NULL) {
		*why = "the pin file's map name is not terminated (corrupt)";
		return -EINVAL;
	}
	return 0;
}

/* Maps the file, checks its header and layout; on success m holds the mapping. */
static int shm_map_file(int fd, struct shm_map *m, struct map_attr *attr, const char **why)
{
	struct stat st;
	struct shm_header hdr;
	uint64_t size;
	int err;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size < sizeof(hdr)) {
		*why = "not an extbpf map pin (too short)";
		return -EINVAL;
	}
	if (pread(fd, &hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr)) {
		*why = "cannot read the pin file's header";
		return -EIO;
	}
	err = shm_check_header(&hdr, (uint64_t)st.st_size, why);
	if (!err)
		err = shm_header_attr(&hdr, attr, why);
	if (err)
		return err;
	size = shm_type_of(attr->type)->layout(attr, m);
	if (size != hdr.file_size || m->data_off != hdr.data_off || m->aux_off != hdr.aux_off ||
	    m->ring_off != hdr.ring_off || m->extra_off != hdr.extra_off ||
	    m->slots_off != hdr.slots_off || size > SIZE_MAX) {
		*why = "the pin file's layout does not match its attributes (corrupt)";
		return -EINVAL;
	}
	err = shm_mmap(shm_type_of(attr->type), m, fd, size);
	if (err)
		return err;
	m->hdr = (struct shm_header *)m->base;
	shm_set_view(m);
	return 0;
}

int map_shm_open(const char *path, struct ebpf_map **map, const char **why)
{
	struct map_attr attr;
	char name[MAP_NAME_MAX];
	struct shm_map *m;
	int fd, err;

	*map = NULL;
	*why = NULL;
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		err = -errno;
		*why = err == -EACCES || err == -EPERM ? "permission denied"
		       : err == -ENOENT		       ? "nothing is pinned there"
						       : "cannot open the pin file";
		return err;
	}
	m = calloc(1, sizeof(*m));
	err = m ? shm_map_file(fd, m, &attr, why) : -ENOMEM;
	close(fd);
	if (err) {
		if (!*why)
			*why = "cannot map the pin file";
		free(m);
		return err;
	}
	/* Another process may write the mapping: bound the name it gives. */
	snprintf(name, sizeof(name), "%.*s", MAP_NAME_MAX - 1, m->hdr->name);
	attr.name = name;
	atomic_init(&m->refs, 1);
	map_init(&m->map, shm_type_of(attr.type)->ops, &attr, NULL);
	*map = &m->map;
	return 0;
}

bool map_shm_is_pin(const char *path)
{
	uint64_t magic = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	bool ok;

	if (fd < 0)
		return false;
	ok = pread(fd, &magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) && magic == SHM_MAGIC;
	close(fd);
	return ok;
}

/* ---- What every shared type shares -------------------------------------------------------- */

int shm_check_attr(const struct map_attr *attr, const char **why)
{
	const struct map_ops *private_ops = map_registry_ops(attr->type);

	if (attr->has_spin_lock) {
		/* A process killed holding the lock would hold it forever. */
		*why = "values with a bpf_spin_lock cannot be shared";
		return -EOPNOTSUPP;
	}
	return private_ops->check_attr(attr, why);
}

/* SPDX-License-Identifier: MIT */
/*
 * bpf_object: open parses (ebpf_object_parse), the setters configure the parsed object by name,
 * load creates everything (ebpf_object_load) and hands out descriptors.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "compat.h"

static const char *const internal_sections[] = { ".rodata", ".data", ".bss", ".kconfig" };

static bool is_internal(const char *name)
{
	for (size_t i = 0; i < sizeof(internal_sections) / sizeof(internal_sections[0]); i++) {
		size_t len = strlen(internal_sections[i]);

		if (!strncmp(name, internal_sections[i], len) && (!name[len] || name[len] == '.'))
			return true;
	}
	return false;
}

/* libbpf's default object name: the file's base name up to its first dot. */
static char *name_from_path(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return strndup(base, strcspn(base, "."));
}

static int add_programs(struct bpf_object *obj)
{
	struct ebpf_object_program_def def = { .sz = sizeof(def) };
	size_t n = 0;

	while (!ebpf_object_program_def(obj->obj, n, &def))
		n++;
	obj->progs = calloc(n ? n : 1, sizeof(*obj->progs));
	if (!obj->progs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct bpf_program *p = &obj->progs[i];

		if (ebpf_object_program_def(obj->obj, i, &def))
			return -EINVAL;
		*p = (struct bpf_program){ .obj = obj, .autoload = def.autoload, .fd = -1 };
		obj->prog_cnt++;
		p->name = strdup(def.name);
		p->section = strdup(def.section);
		if (!p->name || !p->section)
			return -ENOMEM;
	}
	return 0;
}

static int add_maps(struct bpf_object *obj)
{
	struct ebpf_object_map_def def = { .sz = sizeof(def) };
	size_t n = 0;

	while (!ebpf_object_map_def(obj->obj, n, &def))
		n++;
	obj->maps = calloc(n ? n : 1, sizeof(*obj->maps));
	if (!obj->maps)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct bpf_map *m = &obj->maps[i];

		if (ebpf_object_map_def(obj->obj, i, &def))
			return -EINVAL;
		*m = (struct bpf_map){
			.obj = obj,
			.type = def.type,
			.key_size = def.key_size,
			.value_size = def.value_size,
			.max_entries = def.max_entries,
			.map_flags = def.map_flags,
			.internal = is_internal(def.name),
			.fd = -1,
		};
		obj->map_cnt++;
		m->name = strdup(def.name);
		if (!m->name)
			return -ENOMEM;
	}
	return 0;
}

static int check_open_opts(const struct bpf_object_open_opts *opts)
{
	const char *root;

	if (!opts)
		return 0;
	if (opts->sz < offsetof(struct bpf_object_open_opts, relaxed_maps) ||
	    opts->sz > sizeof(*opts))
		return compat_fail(-EINVAL, "bpf_object_open_opts: sz %zu, want %zu", opts->sz,
				   sizeof(*opts));
	root = opts->sz > offsetof(struct bpf_object_open_opts, pin_root_path) ? opts->pin_root_path
									       : NULL;
	if (root && strcmp(root, "/sys/fs/bpf") && strcmp(root, "/sys/fs/bpf/"))
		return compat_fail(-EOPNOTSUPP,
				   "pin_root_path '%s': extbpf pins by name under /sys/fs/bpf only",
				   root);
	return 0;
}

/* The extbpf options a libbpf open asks for (fields past opts->sz are absent). */
static void ebpf_opts_from(const struct bpf_object_open_opts *opts, struct ebpf_object_open_opts *o)
{
	*o = (struct ebpf_object_open_opts){ .sz = sizeof(*o) };
	if (!opts || opts->sz < sizeof(*opts))
		return;
	o->btf_path = opts->btf_custom_path;
	o->log_buf = opts->kernel_log_buf;
	o->log_size = opts->kernel_log_size;
	o->log_level = opts->kernel_log_level;
}

static struct bpf_object *open_common(const char *path, const void *buf, size_t size,
				      const struct bpf_object_open_opts *opts)
{
	const char *name = opts && opts->sz > offsetof(struct bpf_object_open_opts, object_name)
			       ? opts->object_name
			       : NULL;
	struct ebpf_object_open_opts o;
	struct bpf_object *obj;
	int err;

	err = check_open_opts(opts);
	if (err)
		return compat_err_ptr(err);
	compat_load_extensions();
	obj = calloc(1, sizeof(*obj));
	if (!obj)
		return compat_err_ptr(-ENOMEM);
	obj->name = name ? strdup(name) : path ? name_from_path(path) : strdup("mem");
	if (!obj->name) {
		free(obj);
		return compat_err_ptr(-ENOMEM);
	}
	ebpf_opts_from(opts, &o);
	if (path)
		err = ebpf_object_parse(path, &o, &obj->obj);
	else
		err = ebpf_object_parse_mem(buf, size, obj->name, &o, &obj->obj);
	if (err) {
		compat_fail(err, "failed to open '%s'", path ? path : obj->name);
		goto fail;
	}
	err = add_programs(obj);
	if (!err)
		err = add_maps(obj);
	if (err) {
		compat_fail(err, "object '%s': listing programs and maps", obj->name);
		goto fail;
	}
	return obj;
fail:
	bpf_object__close(obj);
	return compat_err_ptr(err);
}

struct bpf_object *bpf_object__open_file(const char *path, const struct bpf_object_open_opts *opts)
{
	if (!path) {
		compat_fail(-EINVAL, "bpf_object__open_file: path is NULL");
		return compat_err_ptr(-EINVAL);
	}
	return open_common(path, NULL, 0, opts);
}

struct bpf_object *bpf_object__open(const char *path)
{
	return bpf_object__open_file(path, NULL);
}

struct bpf_object *bpf_object__open_mem(const void *obj_buf, size_t obj_buf_sz,
					const struct bpf_object_open_opts *opts)
{
	if (!obj_buf || !obj_buf_sz) {
		compat_fail(-EINVAL, "bpf_object__open_mem: no object bytes");
		return compat_err_ptr(-EINVAL);
	}
	return open_common(NULL, obj_buf, obj_buf_sz, opts);
}

static int bind_program(struct bpf_program *p)
{
	p->prog = ebpf_object_find_program(p->obj->obj, p->name);
	if (!p->prog)
		return compat_fail(-ENOENT, "program '%s' missing after the load", p->name);
	p->fd = compat_fd_alloc(COMPAT_FD_PROG, p->prog);
	return p->fd < 0 ? compat_fail(p->fd, "program '%s': descriptor", p->name) : 0;
}

static int bind_map(struct bpf_map *m)
{
	m->map = ebpf_object_find_map(m->obj->obj, m->name);
	if (!m->map)
		return compat_fail(-ENOENT, "map '%s' missing after the load", m->name);
	/* The load settles what was left open (perf event arrays' ring count). */
	m->key_size = ebpf_map_key_size(m->map);
	m->value_size = ebpf_map_value_size(m->map);
	m->max_entries = ebpf_map_max_entries(m->map);
	m->map_flags = ebpf_map_flags(m->map);
	m->fd = compat_fd_alloc(COMPAT_FD_MAP, m->map);
	return m->fd < 0 ? compat_fail(m->fd, "map '%s': descriptor", m->name) : 0;
}

int bpf_object__load(struct bpf_object *obj)
{
	int err;

	if (!obj)
		return compat_fail(-EINVAL, "bpf_object__load: object is NULL");
	if (obj->loaded || obj->load_failed)
		return compat_fail(-EINVAL, "object '%s': %s", obj->name,
				   obj->loaded ? "already loaded" : "its load failed: close it");
	err = ebpf_object_load(obj->obj);
	if (err) {
		obj->load_failed = true;
		return compat_fail(err, "failed to load object '%s'", obj->name);
	}
	obj->loaded = true;
	for (size_t i = 0; i < obj->prog_cnt; i++) {
		if (!obj->progs[i].autoload)
			continue;
		err = bind_program(&obj->progs[i]);
		if (err)
			return err;
	}
	for (size_t i = 0; i < obj->map_cnt; i++) {
		err = bind_map(&obj->maps[i]);
		if (err)
			return err;
	}
	return 0;
}

void bpf_object__close(struct bpf_object *obj)
{
	if (!obj)
		return;
	for (size_t i = 0; i < obj->prog_cnt; i++) {
		compat_fd_close(obj->progs[i].fd);
		free(obj->progs[i].name);
		free(obj->progs[i].section);
	}
	for (size_t i = 0; i < obj->map_cnt; i++) {
		compat_fd_close(obj->maps[i].fd);
		free(obj->maps[i].name);
	}
	free(obj->progs);
	free(obj->maps);
	ebpf_object_close(obj->obj);
	free(obj->name);
	free(obj);
}

const char *bpf_object__name(const struct bpf_object *obj)
{
	return obj ? obj->name : compat_err_ptr(-EINVAL);
}

struct bpf_program *bpf_object__find_program_by_name(const struct bpf_object *obj, const char *name)
{
	if (!obj || !name)
		return compat_err_ptr(-EINVAL);
	for (size_t i = 0; i < obj->prog_cnt; i++) {
		if (!strcmp(obj->progs[i].name, name))
			return &obj->progs[i];
	}
	return compat_err_ptr(-ENOENT);
}

struct bpf_map *bpf_object__find_map_by_name(const struct bpf_object *obj, const char *name)
{
	if (!obj || !name)
		return compat_err_ptr(-EINVAL);
	for (size_t i = 0; i < obj->map_cnt; i++) {
		if (!strcmp(obj->maps[i].name, name))
			return &obj->maps[i];
	}
	return compat_err_ptr(-ENOENT);
}

int bpf_object__find_map_fd_by_name(const struct bpf_object *obj, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	return map ? bpf_map__fd(map) : -errno;
}

struct bpf_program *bpf_object__next_program(const struct bpf_object *obj, struct bpf_program *prog)
{
	size_t i;

	if (!obj || (prog && prog->obj != obj))
		return compat_err_ptr(-EINVAL);
	i = prog ? (size_t)(prog - obj->progs) + 1 : 0;
	return i < obj->prog_cnt ? &obj->progs[i] : NULL;
}

struct bpf_map *bpf_object__next_map(const struct bpf_object *obj, const struct bpf_map *map)
{
	size_t i;

	if (!obj || (map && map->obj != obj))
		return compat_err_ptr(-EINVAL);
	i = map ? (size_t)(map - obj->maps) + 1 : 0;
	return i < obj->map_cnt ? &obj->maps[i] : NULL;
}

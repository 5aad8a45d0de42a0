/* SPDX-License-Identifier: MIT */
/* The calls a generated skeleton makes (`extbpf gen skeleton`, bpftool's layout). */
#include <stdlib.h>
#include <string.h>

#include "compat.h"

static int check_skeleton(const struct bpf_object_skeleton *s)
{
	if (!s || s->sz < sizeof(*s) || !s->obj ||
	    (s->map_cnt && (!s->maps || s->map_skel_sz < (int)sizeof(*s->maps))) ||
	    (s->prog_cnt && (!s->progs || s->prog_skel_sz < (int)sizeof(*s->progs))))
		return compat_fail(-EINVAL, "skeleton: malformed bpf_object_skeleton");
	return 0;
}

/* Entries are map_skel_sz / prog_skel_sz apart: a newer generator may append fields. */
static struct bpf_map_skeleton *map_skel(const struct bpf_object_skeleton *s, int i)
{
	return (struct bpf_map_skeleton *)((char *)s->maps + (size_t)i * s->map_skel_sz);
}

static struct bpf_prog_skeleton *prog_skel(const struct bpf_object_skeleton *s, int i)
{
	return (struct bpf_prog_skeleton *)((char *)s->progs + (size_t)i * s->prog_skel_sz);
}

/* Points each global data map's field (skel->rodata, ...) at its image, before or after load. */
static int map_images(const struct bpf_object_skeleton *s)
{
	for (int i = 0; i < s->map_cnt; i++) {
		struct bpf_map_skeleton *m = map_skel(s, i);

		if (!m->mmaped)
			continue;
		*m->mmaped = bpf_map__initial_value(*m->map, NULL);
		if (!*m->mmaped)
			return compat_fail(-errno, "skeleton '%s': map '%s' has no image", s->name,
					   m->name);
	}
	return 0;
}

int bpf_object__open_skeleton(struct bpf_object_skeleton *s,
			      const struct bpf_object_open_opts *opts)
{
	LIBBPF_OPTS(bpf_object_open_opts, o);
	struct bpf_object *obj;
	int err;

	err = check_skeleton(s);
	if (err)
		return err;
	/* The caller's structure may be older (smaller) than ours: its fields only. */
	if (opts)
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	o.sz = sizeof(o);
	if (!o.object_name)
		o.object_name = s->name;
	obj = bpf_object__open_mem(s->data, s->data_sz, &o);
	if (!obj)
		return -errno;
	*s->obj = obj;
	for (int i = 0; i < s->map_cnt; i++) {
		struct bpf_map_skeleton *m = map_skel(s, i);

		*m->map = bpf_object__find_map_by_name(obj, m->name);
		if (!*m->map)
			return compat_fail(-ESRCH, "skeleton '%s': no map '%s'", s->name, m->name);
	}
	for (int i = 0; i < s->prog_cnt; i++) {
		struct bpf_prog_skeleton *p = prog_skel(s, i);

		*p->prog = bpf_object__find_program_by_name(obj, p->name);
		if (!*p->prog)
			return compat_fail(-ESRCH, "skeleton '%s': no program '%s'", s->name,
					   p->name);
	}
	return map_images(s);
}

int bpf_object__load_skeleton(struct bpf_object_skeleton *s)
{
	int err;

	err = check_skeleton(s);
	if (err)
		return err;
	err = bpf_object__load(*s->obj);
	if (err)
		return err;
	/* From now on the fields show the maps' live values, as libbpf's mmap does. */
	return map_images(s);
}

int bpf_object__attach_skeleton(struct bpf_object_skeleton *s)
{
	int err = check_skeleton(s);

	if (err)
		return err;
	for (int i = 0; i < s->prog_cnt; i++) {
		struct bpf_prog_skeleton *p = prog_skel(s, i);

		if (!p->link || *p->link || !bpf_program__autoload(*p->prog))
			continue;
		*p->link = bpf_program__attach(*p->prog);
		/* As libbpf: programs without a default attach type are the host's to attach. */
		if (!*p->link && errno != EOPNOTSUPP)
			return -errno;
	}
	return 0;
}

void bpf_object__detach_skeleton(struct bpf_object_skeleton *s)
{
	if (check_skeleton(s))
		return;
	for (int i = 0; i < s->prog_cnt; i++) {
		struct bpf_prog_skeleton *p = prog_skel(s, i);

		if (!p->link)
			continue;
		bpf_link__destroy(*p->link);
		*p->link = NULL;
	}
}

void bpf_object__destroy_skeleton(struct bpf_object_skeleton *s)
{
	if (!s)
		return;
	bpf_object__detach_skeleton(s);
	if (s->obj)
		bpf_object__close(*s->obj);
	free(s->maps);
	free(s->progs);
	free(s);
}

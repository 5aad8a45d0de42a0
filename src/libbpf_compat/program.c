/* SPDX-License-Identifier: MIT */
/* bpf_program, bpf_link and test runs. */
#include <stdlib.h>
#include <string.h>

#include "compat.h"

/* Linux's program type numbers for extbpf's type names (the linux and packet extensions). */
static const struct {
	enum bpf_prog_type type;
	const char *name;
} prog_types[] = {
	{ BPF_PROG_TYPE_SOCKET_FILTER, "socket_filter" },
	{ BPF_PROG_TYPE_KPROBE, "kprobe" },
	{ BPF_PROG_TYPE_SCHED_CLS, "sched_cls" },
	{ BPF_PROG_TYPE_SCHED_ACT, "sched_act" },
	{ BPF_PROG_TYPE_TRACEPOINT, "tracepoint" },
	{ BPF_PROG_TYPE_XDP, "xdp" },
	{ BPF_PROG_TYPE_PERF_EVENT, "perf_event" },
	{ BPF_PROG_TYPE_CGROUP_SKB, "cgroup_skb" },
	{ BPF_PROG_TYPE_CGROUP_SOCK, "cgroup_sock" },
	{ BPF_PROG_TYPE_LWT_IN, "lwt_in" },
	{ BPF_PROG_TYPE_LWT_OUT, "lwt_out" },
	{ BPF_PROG_TYPE_LWT_XMIT, "lwt_xmit" },
	{ BPF_PROG_TYPE_SOCK_OPS, "sock_ops" },
	{ BPF_PROG_TYPE_SK_SKB, "sk_skb" },
	{ BPF_PROG_TYPE_SK_MSG, "sk_msg" },
	{ BPF_PROG_TYPE_RAW_TRACEPOINT, "raw_tracepoint" },
	{ BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup_sock_addr" },
	{ BPF_PROG_TYPE_LWT_SEG6LOCAL, "lwt_seg6local" },
	{ BPF_PROG_TYPE_TRACING, "tracing" },
	{ BPF_PROG_TYPE_LSM, "lsm" },
};

static const char *type_name_of(enum bpf_prog_type type)
{
	for (size_t i = 0; i < sizeof(prog_types) / sizeof(prog_types[0]); i++) {
		if (prog_types[i].type == type)
			return prog_types[i].name;
	}
	return NULL;
}

static enum bpf_prog_type type_of_name(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(prog_types) / sizeof(prog_types[0]); i++) {
		if (strlen(prog_types[i].name) == len && !strncmp(prog_types[i].name, name, len))
			return prog_types[i].type;
	}
	return BPF_PROG_TYPE_UNSPEC;
}

const char *bpf_program__name(const struct bpf_program *prog)
{
	return prog ? prog->name : compat_err_ptr(-EINVAL);
}

const char *bpf_program__section_name(const struct bpf_program *prog)
{
	return prog ? prog->section : compat_err_ptr(-EINVAL);
}

int bpf_program__fd(const struct bpf_program *prog)
{
	if (!prog)
		return compat_err(-EINVAL);
	if (prog->fd < 0)
		return compat_fail(-EINVAL, "program '%s': %s", prog->name,
				   prog->obj->loaded ? "not loaded (autoload off)"
						     : "object not loaded");
	return prog->fd;
}

bool bpf_program__autoload(const struct bpf_program *prog)
{
	return prog && prog->autoload;
}

int bpf_program__set_autoload(struct bpf_program *prog, bool autoload)
{
	int err;

	if (!prog)
		return compat_err(-EINVAL);
	if (prog->obj->loaded || prog->obj->load_failed)
		return compat_fail(-EINVAL, "program '%s': set_autoload after the load",
				   prog->name);
	err = ebpf_object_set_autoload(prog->obj->obj, prog->name, autoload);
	if (err)
		return compat_fail(err, "program '%s': set_autoload", prog->name);
	prog->autoload = autoload;
	return 0;
}

enum bpf_prog_type bpf_program__type(const struct bpf_program *prog)
{
	struct ebpf_object_program_def def = { .sz = sizeof(def) };
	const char *name;

	if (!prog)
		return BPF_PROG_TYPE_UNSPEC;
	if (prog->prog) {
		name = ebpf_program_type_name(prog->prog);
		return type_of_name(name, strlen(name));
	}
	if (!prog->obj->loaded &&
	    !ebpf_object_program_def(prog->obj->obj, (size_t)(prog - prog->obj->progs), &def) &&
	    def.type)
		return type_of_name(def.type, strlen(def.type));
	/* The type the section names, as libbpf's section table: "xdp", "kprobe/NAME", ... */
	return type_of_name(prog->section, strcspn(prog->section, "/."));
}

int bpf_program__set_type(struct bpf_program *prog, enum bpf_prog_type type)
{
	const char *name = type_name_of(type);
	int err;

	if (!prog)
		return compat_err(-EINVAL);
	if (prog->obj->loaded || prog->obj->load_failed)
		return compat_fail(-EBUSY, "program '%s': set_type after the load", prog->name);
	if (!name)
		return compat_fail(-EOPNOTSUPP, "program '%s': program type %d has no extbpf type",
				   prog->name, (int)type);
	err = ebpf_object_set_program_type(prog->obj->obj, prog->name, name);
	return err ? compat_fail(err, "program '%s': set_type %s", prog->name, name) : 0;
}

/* ---- Links -------------------------------------------------------------------------------- */

static struct bpf_link *link_new(const struct bpf_program *prog, struct ebpf_link *elink)
{
	struct bpf_link *link = calloc(1, sizeof(*link));

	if (!link) {
		ebpf_link_detach(elink);
		return compat_err_ptr(-ENOMEM);
	}
	link->link = elink;
	link->fd = compat_fd_alloc(COMPAT_FD_LINK, elink);
	if (link->fd < 0) {
		int err = link->fd;

		ebpf_link_detach(elink);
		free(link);
		compat_fail(err, "program '%s': link descriptor", prog->name);
		return compat_err_ptr(err);
	}
	return link;
}

struct bpf_link *bpf_program__attach_extbpf(const struct bpf_program *prog, const char *attach_type,
					    const void *params, size_t params_size)
{
	struct ebpf_link *elink;
	int err;

	if (!prog || !attach_type)
		return compat_err_ptr(
		    compat_fail(-EINVAL, "attach: program or attach type is NULL"));
	if (!prog->prog)
		return compat_err_ptr(
		    compat_fail(-EINVAL, "program '%s': attach before the load", prog->name));
	err = ebpf_program_attach_by_name(prog->prog, attach_type, params, params_size, &elink);
	if (err)
		return compat_err_ptr(
		    compat_fail(err, "program '%s': attach to '%s'", prog->name, attach_type));
	return link_new(prog, elink);
}

/* The attach types offered for one program type, found by the type's name. */
struct attach_search {
	const char *type_name;
	nmr_guid_t type_guid;
	bool type_found;
	const char *attach_name;
	size_t params_size;
	int count;
};

static int find_type(const struct ebpf_program_info *info, void *arg)
{
	struct attach_search *s = arg;

	if (strcmp(info->name, s->type_name))
		return 0;
	s->type_guid = info->program_type;
	s->type_found = true;
	return 1;
}

static int count_attach(const struct ebpf_attach_provider_data *data, void *arg)
{
	struct attach_search *s = arg;

	if (!memcmp(&data->program_type, &s->type_guid, sizeof(s->type_guid))) {
		s->attach_name = data->name;
		s->params_size = data->params_size;
		s->count++;
	}
	return 0;
}

struct bpf_link *bpf_program__attach(const struct bpf_program *prog)
{
	struct attach_search s = { 0 };

	if (!prog || !prog->prog)
		return compat_err_ptr(
		    compat_fail(-EINVAL, "attach: program %s", prog ? "not loaded" : "is NULL"));
	s.type_name = ebpf_program_type_name(prog->prog);
	ebpf_foreach_program_type(find_type, &s);
	if (s.type_found)
		ebpf_foreach_attach_type(count_attach, &s);
	/* A default is the type's only attach type, and one that needs no parameters (an XDP
	 * link needs its device: libbpf has bpf_program__attach_xdp for it). */
	if (s.count != 1 || s.params_size)
		return compat_err_ptr(compat_fail(-EOPNOTSUPP,
						  "program '%s': program type '%s' has no default "
						  "attach type (%d, %s parameters): name one with "
						  "bpf_program__attach_extbpf",
						  prog->name, s.type_name, s.count,
						  s.params_size ? "with" : "without"));
	return bpf_program__attach_extbpf(prog, s.attach_name, NULL, 0);
}

int bpf_link__destroy(struct bpf_link *link)
{
	int err;

	if (!link)
		return 0;
	compat_fd_close(link->fd);
	err = ebpf_link_detach(link->link);
	free(link);
	return compat_err(err);
}

int bpf_link__fd(const struct bpf_link *link)
{
	return link ? link->fd : compat_err(-EINVAL);
}

/* ---- Test runs ---------------------------------------------------------------------------- */

/* libbpf's options rule: fields past what the caller knows must be zero. */
static bool opts_tail_zero(const void *opts, size_t known, size_t sz)
{
	const unsigned char *p = opts;

	for (size_t i = known; i < sz; i++) {
		if (p[i])
			return false;
	}
	return true;
}

static int check_run_opts(const struct bpf_test_run_opts *opts)
{
	if (!opts)
		return compat_fail(-EINVAL, "bpf_prog_test_run_opts: opts is NULL");
	if (opts->sz < offsetof(struct bpf_test_run_opts, duration) ||
	    !opts_tail_zero(opts, sizeof(*opts), opts->sz))
		return compat_fail(-EINVAL, "bpf_prog_test_run_opts: sz %zu, want %zu", opts->sz,
				   sizeof(*opts));
	if (opts->sz >= sizeof(*opts) && (opts->flags || opts->cpu || opts->batch_size))
		return compat_fail(-EINVAL,
				   "bpf_prog_test_run_opts: flags, cpu and batch_size must be 0");
	if (opts->repeat < 0)
		return compat_fail(-EINVAL, "bpf_prog_test_run_opts: repeat %d", opts->repeat);
	if ((!opts->data_in && opts->data_size_in) || (!opts->ctx_in && opts->ctx_size_in))
		return compat_fail(-EINVAL, "bpf_prog_test_run_opts: a size without its buffer");
	return 0;
}

int bpf_prog_test_run_opts(int prog_fd, struct bpf_test_run_opts *opts)
{
	struct ebpf_test_run_opts o = { .sz = sizeof(o) };
	struct ebpf_program *prog;
	int err;

	err = check_run_opts(opts);
	if (err)
		return err;
	err = compat_fd_get(prog_fd, COMPAT_FD_PROG, (void **)&prog);
	if (err)
		return compat_fail(err, "bpf_prog_test_run_opts: fd %d is not a program", prog_fd);
	o.data_in = opts->data_in;
	o.data_size_in = opts->data_size_in;
	o.data_out = opts->data_out;
	o.data_size_out = opts->data_out ? opts->data_size_out : 0;
	o.ctx_in = opts->ctx_in;
	o.ctx_size_in = opts->ctx_size_in;
	o.ctx_out = opts->ctx_out;
	o.ctx_size_out = opts->ctx_out ? opts->ctx_size_out : 0;
	o.repeat = opts->repeat;
	err = ebpf_program_test_run(prog, &o);
	if (err) {
		err = compat_fail(err, "program '%s': test run", ebpf_program_name(prog));
		goto out;
	}
	opts->retval = (__u32)o.retval;
	opts->duration = o.duration_ns > UINT32_MAX ? UINT32_MAX : (__u32)o.duration_ns;
	/* As BPF_PROG_TEST_RUN: the full sizes come back, and a short buffer is -ENOSPC. */
	if (opts->data_out && o.data_size_out > opts->data_size_out)
		err = compat_err(-ENOSPC);
	opts->data_size_out = (__u32)o.data_size_out;
	if (opts->ctx_out)
		opts->ctx_size_out = (__u32)o.ctx_size_out;
out:
	compat_fd_put(COMPAT_FD_PROG, prog);
	return err;
}

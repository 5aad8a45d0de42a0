// SPDX-License-Identifier: MIT
/*
 * The verifier corpus (tests/verifier/cases_*.c) against the running kernel's verifier: every
 * case extbpf accepts or refuses is loaded as raw instructions with BPF_PROG_LOAD, its maps
 * created in the kernel from the corpus's map descriptors and passed through fd_array (the
 * corpus's lddw map references are map indexes, BPF_PSEUDO_MAP_IDX, as Linux's fd_array
 * expects). The corpus's xdp-like type runs as BPF_PROG_TYPE_XDP and its plain 32-byte type as
 * BPF_PROG_TYPE_SOCKET_FILTER; cases calling the corpus's own type helpers are skipped.
 *
 * Prints every disagreement as extbpf-kdiff does. A "kernel refuses, extbpf accepts" whose
 * reason is only that the kernel's program type differs from the corpus's (its context layout
 * or its helpers: "invalid bpf_context access", "unknown func", "cannot use helper") is listed
 * as a type mismatch; any other fails the test unless its case is in explained.txt ("corpus
 * <case> reason"). Exit 77 (skipped) where bpf() cannot load an XDP program.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "isa/isa.h"
#include "kdiff_kernel.h"
#include "maps/maps.h"
#include "vcases.h"

#define KDIFF_LOG_SIZE (1u << 20)
#define KDIFF_EXPLAINS 256

struct topic {
	const char *name;
	const struct vcase *cases;
	const size_t *count;
};

#define TOPIC(t)                                                                                   \
	{                                                                                          \
#t, cases_##t, &cases_##t##_count                                                  \
	}

static const struct topic topics[] = {
	TOPIC(ctx),	TOPIC(stack),	TOPIC(packet),	 TOPIC(map),	 TOPIC(helpers),
	TOPIC(alu),	TOPIC(cfg),	TOPIC(loops),	 TOPIC(calls),	 TOPIC(spill),
	TOPIC(jmp),	TOPIC(misc),	TOPIC(access),	 TOPIC(printk),	 TOPIC(attack),
	TOPIC(hostile), TOPIC(kshapes), TOPIC(may_goto), TOPIC(acq_rel),
};

struct corpus_run {
	int map_fds[MAP_COUNT_];
	char *log;
	char explained[KDIFF_EXPLAINS][128];
	size_t explained_count;
	unsigned cases, agree, skipped, kr_ea, kr_ea_explained, kr_ea_type, ka_er;
};

/* ---- kernel maps from the corpus's descriptors --------------------------------------------- */

static int create_map(const struct verifier_map *m, int inner_fd)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .inner_map_fd = (uint32_t)inner_fd);
	uint32_t flags = m->map_flags | (m->read_only ? BPF_F_RDONLY_PROG : 0);
	int fd;

	opts.map_flags = flags;
	fd = bpf_map_create((enum bpf_map_type)m->type, m->name, m->key_size, m->value_size,
			    m->max_entries, &opts);
	if (fd < 0 || !m->frozen_data)
		return fd;
	/* .rodata: its contents, then frozen, as libbpf does. */
	if (bpf_map_update_elem(fd, &(uint32_t){ 0 }, m->frozen_data, 0) || bpf_map_freeze(fd)) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* Linux creates storage maps only with BTF-typed keys and values (cgroup storage: with a program
 * to bind to), which this corpus has not; the topics compared here do not use them. */
static int create_maps(struct corpus_run *r)
{
	for (int i = 0; i < MAP_COUNT_; i++)
		r->map_fds[i] = -1;
	for (int i = 0; i < MAP_COUNT_; i++) {
		const int inner = vt_maps[i].inner_map;

		if (map_type_is_storage(vt_maps[i].type))
			continue;
		r->map_fds[i] = create_map(&vt_maps[i], inner >= 0 ? r->map_fds[inner] : -1);
		if (r->map_fds[i] < 0) {
			fprintf(stderr, "kdiff_corpus: kernel map '%s': %s\n", vt_maps[i].name,
				strerror(-r->map_fds[i]));
			return r->map_fds[i];
		}
	}
	return 0;
}

static void close_maps(struct corpus_run *r)
{
	for (int i = 0; i < MAP_COUNT_; i++) {
		if (r->map_fds[i] >= 0)
			close(r->map_fds[i]);
	}
}

/* ---- one case ----------------------------------------------------------------------------- */

/* The corpus's own helpers (ids from 65536, and the test-only 250 and 252) have no kernel
 * meaning. */
static bool calls_corpus_helper(const struct ebpf_inst *insns, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (insns[i].code == EBPF_OP_CALL && insns[i].src_reg == 0 &&
		    ((uint32_t)insns[i].imm >= EBPF_PROGRAM_TYPE_HELPER_ID_BASE ||
		     insns[i].imm == H_STACK_OR_NULL || insns[i].imm == H_CTX_OR_NULL))
			return true;
	}
	return false;
}

/* 0 accepted, or the negative errno with the reason in msg. */
static int kernel_verify(struct corpus_run *r, const struct vcase *c, size_t count, char *msg,
			 size_t size)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_buf = r->log, .log_size = KDIFF_LOG_SIZE,
		    .log_level = 1, .fd_array = r->map_fds);
	const enum bpf_prog_type type =
	    c->type == VT_PKT ? BPF_PROG_TYPE_XDP : BPF_PROG_TYPE_SOCKET_FILTER;
	int fd;

	r->log[0] = '\0';
	fd = bpf_prog_load(type, c->name, "GPL", (const struct bpf_insn *)c->insns, count, &opts);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (kdiff_log_reason(r->log, msg, size))
		snprintf(msg, size, "(no log)");
	return fd;
}

static bool type_mismatch(const char *kernel_msg)
{
	return strstr(kernel_msg, "invalid bpf_context access") ||
	       strstr(kernel_msg, "unknown func") || strstr(kernel_msg, "cannot use helper") ||
	       strstr(kernel_msg, "cannot pass map_type");
}

static bool is_explained(const struct corpus_run *r, const char *name)
{
	for (size_t i = 0; i < r->explained_count; i++) {
		if (!strcmp(r->explained[i], name))
			return true;
	}
	return false;
}

static void compare(struct corpus_run *r, const char *topic, const struct vcase *c)
{
	const size_t count = vt_insn_count(c->insns, MAX_TEST_INSNS);
	struct verifier_input in;
	struct verifier_result res;
	char kernel_msg[512], name[160];
	const char *what;
	int kernel;

	snprintf(name, sizeof(name), "%s/%s", topic, c->name);
	r->cases++;
	/* VT_PKT_RO: no kernel type has xdp_md's layout and a read-only packet (those types have
	 * __sk_buff); tests/linux checks cgroup_skb and lwt_in objects against the kernel instead.
	 */
	if (c->type == VT_PKT64 || c->type == VT_LEAK || c->type == VT_PKT_RO || c->verify_only ||
	    c->limit || calls_corpus_helper(c->insns, count)) {
		r->skipped++;
		return;
	}
	vt_input(&in, c);
	verifier_verify(&in, &res);
	kernel = kernel_verify(r, c, count, kernel_msg, sizeof(kernel_msg));
	if ((kernel == 0) == (res.error == 0)) {
		r->agree++;
		return;
	}
	if (res.error) {
		r->ka_er++;
		what = "KA-ER";
	} else if (type_mismatch(kernel_msg)) {
		r->kr_ea_type++;
		what = "KR-EA-type";
	} else if (is_explained(r, name)) {
		r->kr_ea_explained++;
		what = "KR-EA-explained";
	} else {
		r->kr_ea++;
		what = "KR-EA";
	}
	printf("%-9s corpus %s (%s)\n  kernel: %s\n  extbpf: %s\n", what, name,
	       c->type == VT_PKT ? "xdp" : "socket_filter", kernel ? kernel_msg : "accepted",
	       res.error ? res.message : "accepted");
}

/* explained.txt: the "corpus <topic/case> reason" lines. */
static int read_explained(struct corpus_run *r, const char *path)
{
	char line[1024], object[32], name[128];
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "kdiff_corpus: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f) && r->explained_count < KDIFF_EXPLAINS) {
		if (sscanf(line, "%31s %127s", object, name) == 2 && !strcmp(object, "corpus"))
			snprintf(r->explained[r->explained_count++], sizeof(r->explained[0]), "%s",
				 name);
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	static struct corpus_run r;
	char why[256];
	int ret = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: kdiff_corpus EXPLAINED\n");
		return 2;
	}
	if (read_explained(&r, argv[1]))
		return 2;
	if (kdiff_kernel_available(why, sizeof(why))) {
		printf(
		    "kdiff_corpus: skipped: the kernel cannot be asked (%s; run as root on Linux "
		    "with BPF)\n",
		    why);
		return KDIFF_SKIP;
	}
	r.log = malloc(KDIFF_LOG_SIZE);
	if (!r.log)
		return 2;
	if (create_maps(&r)) {
		ret = 2;
		goto out;
	}
	for (size_t t = 0; t < sizeof(topics) / sizeof(topics[0]); t++) {
		for (size_t i = 0; i < *topics[t].count; i++)
			compare(&r, topics[t].name, &topics[t].cases[i]);
	}
	printf("%u cases: %u agree, %u skipped, %u kernel-refuses-extbpf-accepts (%u explained, %u "
	       "the kernel type's context or helpers), %u kernel-accepts-extbpf-refuses\n",
	       r.cases, r.agree, r.skipped, r.kr_ea + r.kr_ea_explained + r.kr_ea_type,
	       r.kr_ea_explained, r.kr_ea_type, r.ka_er);
	ret = r.kr_ea ? 1 : 0;
out:
	close_maps(&r);
	free(r.log);
	return ret;
}

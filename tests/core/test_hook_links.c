/* SPDX-License-Identifier: MIT */
/*
 * Links the host controls (the extension kit's hooks): attach parameters of a declared size range
 * with flags (ebpf_program_attach_opts), the hook's per-link attach/detach callbacks (a
 * single-attach rule, a per-link resource freed on detach, pin release and unload), the order of
 * a hook's chain (priorities, before/after a link or a program, reordering, the position in link
 * info), the hook's chaining policy, `detached` in link info, and firing while links attach,
 * detach and move (label concurrency: run under TSan).
 */
#define EBPF_EXTENSION_STATIC 1

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>

#include "core/test_util.h"

#define HL_MODULE_ID NMR_GUID(0x7e57c0de, 0x0022, 0x4000, 0x8000, 0x000000000000)
#define HL_TYPE_GUID NMR_GUID(0x7e57c0de, 0x0022, 0x4000, 0x8000, 0x000000000001)
#define HL_ALL_GUID  NMR_GUID(0x7e57c0de, 0x0022, 0x4000, 0x8000, 0x000000000002)
#define HL_VAR_GUID  NMR_GUID(0x7e57c0de, 0x0022, 0x4000, 0x8000, 0x000000000003)
#define HL_ANY_GUID  NMR_GUID(0x7e57c0de, 0x0022, 0x4000, 0x8000, 0x000000000004)
#define HL_ONE_GUID  NMR_GUID(0x7e57c0de, 0x0022, 0x4000, 0x8000, 0x000000000005)
#define HL_VERD_GUID NMR_GUID(0x7e57c0de, 0x0022, 0x4000, 0x8000, 0x000000000006)
#define HL_OVER_GUID NMR_GUID(0x7e57c0de, 0x0022, 0x4000, 0x8000, 0x000000000007)
#define HL_BAD_GUID  NMR_GUID(0x7e57c0de, 0x0022, 0x4000, 0x8000, 0x000000000008)

/* The var hook's own flag: the extension gives it a meaning (here: none, it is only seen). */
#define HL_F_MARK (1u << 16)
#define PASS	  2 /* the verdict hook's default result */

static const struct ebpf_section_prefix hl_sections[] = { { .prefix = "hl" } };

static const struct ebpf_program_info hl_type = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
	.name = "hl",
	.program_type = HL_TYPE_GUID,
	.sections = hl_sections,
	.section_count = 1,
	.context = { .size = 8, .data = -1, .data_end = -1, .meta = -1 },
};

#define HOOK_DATA(name_, guid_)                                                                    \
	.header = EBPF_EXTENSION_HEADER(struct ebpf_attach_provider_data,                          \
					EBPF_ATTACH_PROVIDER_DATA_VERSION),                        \
	.name = (name_), .attach_type = guid_, .program_type = HL_TYPE_GUID

static const struct ebpf_attach_provider_data all_data = { HOOK_DATA("hl_all", HL_ALL_GUID) };
/* 4 to 16 bytes of parameters, and the hook's own flag HL_F_MARK. */
static const struct ebpf_attach_provider_data var_data = {
	HOOK_DATA("hl_var", HL_VAR_GUID),
	.params_size = 4,
	.params_size_max = 16,
	.attach_flags = HL_F_MARK,
};
/* Any size from 2 bytes on. */
static const struct ebpf_attach_provider_data any_data = {
	HOOK_DATA("hl_any", HL_ANY_GUID),
	.params_size = 2,
	.params_size_max = EBPF_ATTACH_PARAMS_VARIABLE,
};
static const struct ebpf_attach_provider_data one_data = { HOOK_DATA("hl_one", HL_ONE_GUID) };
static const struct ebpf_attach_provider_data verdict_data = {
	HOOK_DATA("hl_verdict", HL_VERD_GUID),
	.chain_policy = EBPF_CHAIN_FIRST_NON_DEFAULT,
	.default_result = PASS,
};
static const struct ebpf_attach_provider_data override_data = {
	HOOK_DATA("hl_override", HL_OVER_GUID),
	.chain_policy = EBPF_CHAIN_FIRST,
};

/* ---- the per-link callbacks of hl_var and hl_one ------------------------------------------ */

/* What the extension saw; its own lock, as an extension would have. */
static struct {
	pthread_mutex_t lock;
	int attaches, detaches, live; /* live: per-link resources not yet freed */
	uint32_t last_flags;
	size_t last_params_size;
	uint32_t one_holder; /* hl_one's link, 0 for none */
} seen = { .lock = PTHREAD_MUTEX_INITIALIZER };

struct resource {
	uint32_t link_id;
	char bytes[32];
};

static int var_link_attach(struct ebpf_hook *hook, struct ebpf_hook_link *link, void **link_context)
{
	struct resource *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->link_id = link->link_id;
	*link_context = r;
	pthread_mutex_lock(&seen.lock);
	seen.attaches++;
	seen.live++;
	seen.last_flags = link->flags;
	seen.last_params_size = link->params_size;
	pthread_mutex_unlock(&seen.lock);
	return 0;
}

static void var_link_detach(struct ebpf_hook *hook, const struct ebpf_hook_link *link,
			    void *link_context)
{
	struct resource *r = link_context;

	pthread_mutex_lock(&seen.lock);
	if (r && r->link_id == link->link_id)
		seen.live--; /* a wrong context would leave it counted */
	seen.detaches++;
	pthread_mutex_unlock(&seen.lock);
	free(r);
}

/* One link at a time: a second is refused with -EBUSY and the holder named. */
static int one_link_attach(struct ebpf_hook *hook, struct ebpf_hook_link *link, void **link_context)
{
	int err = 0;

	pthread_mutex_lock(&seen.lock);
	if (seen.one_holder) {
		snprintf(link->reason, link->reason_size,
			 "hook 'hl_one' takes one link, link %u holds it", seen.one_holder);
		err = -EBUSY;
	} else {
		seen.one_holder = link->link_id;
	}
	pthread_mutex_unlock(&seen.lock);
	return err;
}

static void one_link_detach(struct ebpf_hook *hook, const struct ebpf_hook_link *link,
			    void *link_context)
{
	pthread_mutex_lock(&seen.lock);
	if (seen.one_holder == link->link_id)
		seen.one_holder = 0;
	pthread_mutex_unlock(&seen.lock);
}

static struct ebpf_hook all_hook = { .data = &all_data };
static struct ebpf_hook var_hook = {
	.data = &var_data,
	.link_attach = var_link_attach,
	.link_detach = var_link_detach,
};
static struct ebpf_hook any_hook = { .data = &any_data };
static struct ebpf_hook one_hook = {
	.data = &one_data,
	.link_attach = one_link_attach,
	.link_detach = one_link_detach,
};
static struct ebpf_hook verdict_hook = { .data = &verdict_data };
static struct ebpf_hook override_hook = { .data = &override_data };

static struct ebpf_hook *const hl_hooks[] = { &all_hook, &var_hook,	&any_hook,
					      &one_hook, &verdict_hook, &override_hook };

static int hl_load(nmr_registrar_t *registrar, void **state)
{
	static const nmr_guid_t module = HL_MODULE_ID;

	return register_one_type(&module, &hl_type, hl_hooks, 6, registrar, state);
}

static void hl_unload(void *state)
{
	ebpf_extension_deregister(state);
}

EBPF_EXTENSION_DEFINE(hl, "links the host controls", hl_load, hl_unload)

/* ---- helpers ------------------------------------------------------------------------------ */

static struct ebpf_extension *add_hl(void)
{
	struct ebpf_extension *ext = NULL;

	if (ebpf_extension_add_static(&ebpf_extension_hl, &ext))
		fail_msg("add hl: %s", ebpf_last_error());
	return ext;
}

static struct ebpf_program *load_return(int32_t value)
{
	struct ebpf_inst insns[] = PROG_RETURN(value);
	struct ebpf_program *prog = NULL;

	if (ebpf_program_load_raw("hl", insns, 2, NULL, &prog))
		fail_msg("load: %s", ebpf_last_error());
	return prog;
}

static struct ebpf_link *attach_opts(struct ebpf_program *prog, const char *hook,
				     const struct ebpf_program_attach_opts *opts)
{
	struct ebpf_link *link = NULL;

	if (ebpf_program_attach_by_name_opts(prog, hook, opts, &link))
		fail_msg("attach to %s: %s", hook, ebpf_last_error());
	return link;
}

static struct ebpf_link *attach_prio(struct ebpf_program *prog, const char *hook, int32_t prio)
{
	struct ebpf_program_attach_opts opts = { .sz = sizeof(opts), .priority = prio };

	return attach_opts(prog, hook, &opts);
}

static struct ebpf_link *attach_rel(struct ebpf_program *prog, const char *hook, uint32_t flags,
				    uint32_t link_id, uint32_t prog_id)
{
	struct ebpf_program_attach_opts opts = {
		.sz = sizeof(opts),
		.flags = flags,
		.relative_link_id = link_id,
		.relative_program_id = prog_id,
	};

	return attach_opts(prog, hook, &opts);
}

/* The results of one firing, in order. */
struct order {
	uint32_t results[16];
	size_t count;
};

static int record(void *arg, uint32_t result)
{
	struct order *o = arg;

	if (o->count < 16)
		o->results[o->count] = result;
	o->count++;
	return 0;
}

/* Fires hook and checks that the results came in exactly this order. */
static void expect_order(struct ebpf_hook *hook, const uint32_t *want, size_t n)
{
	struct order o = { 0 };
	uint64_t ctx = 0;

	assert_int_equal(ebpf_hook_invoke(hook, &ctx, record, &o), (int)n);
	assert_int_equal(o.count, n);
	for (size_t i = 0; i < n; i++) {
		if (o.results[i] != want[i])
			fail_msg("result %zu: %u, expected %u", i, o.results[i], want[i]);
	}
}

#define EXPECT_ORDER(hook, ...)                                                                    \
	do {                                                                                       \
		const uint32_t want_[] = { __VA_ARGS__ };                                          \
		expect_order(hook, want_, sizeof(want_) / sizeof(want_[0]));                       \
	} while (0)

static struct ebpf_link_info info_of(const struct ebpf_link *link)
{
	struct ebpf_link_info info = { .sz = sizeof(info) };

	assert_int_equal(ebpf_link_get_info(link, &info), 0);
	return info;
}

static int teardown(void **state)
{
	ebpf_runtime_shutdown();
	pthread_mutex_lock(&seen.lock);
	seen.attaches = seen.detaches = seen.live = 0;
	seen.one_holder = 0;
	pthread_mutex_unlock(&seen.lock);
	return 0;
}

static int seen_get(int *field)
{
	int v;

	pthread_mutex_lock(&seen.lock);
	v = *field;
	pthread_mutex_unlock(&seen.lock);
	return v;
}

/* ---- 1: parameters of a size range, flags ------------------------------------------------- */

static void test_params_size_range(void **state)
{
	struct ebpf_extension *ext = add_hl();
	struct ebpf_program *prog = load_return(1);
	unsigned char params[64] = { 1 };
	struct ebpf_program_attach_opts opts = { .sz = sizeof(opts), .params = params };
	struct ebpf_link *link = NULL, *ok[3];

	/* In the range: the smallest, the largest; each link keeps its own size. */
	opts.params_size = 4;
	ok[0] = attach_opts(prog, "hl_var", &opts);
	opts.params_size = 16;
	ok[1] = attach_opts(prog, "hl_var", &opts);
	assert_int_equal(info_of(ok[0]).params_size, 4);
	assert_int_equal(info_of(ok[1]).params_size, 16);
	assert_int_equal(seen_get(&seen.attaches), 2);
	assert_int_equal(seen.last_params_size, 16);

	/* Outside: refused, naming the range and the size given. */
	opts.params_size = 3;
	assert_int_equal(ebpf_program_attach_by_name_opts(prog, "hl_var", &opts, &link), -EINVAL);
	assert_true(error_has("attach type 'hl_var' takes 4 to 16 bytes of parameters, 3 given"));
	opts.params_size = 17;
	assert_int_equal(ebpf_program_attach_by_name_opts(prog, "hl_var", &opts, &link), -EINVAL);
	assert_true(error_has("takes 4 to 16 bytes of parameters, 17 given"));
	/* The old call: no parameters is below the range too. */
	assert_int_equal(ebpf_program_attach_by_name(prog, "hl_var", NULL, 0, &link), -EINVAL);
	assert_true(error_has("takes 4 to 16 bytes of parameters, 0 given"));
	assert_null(link);
	assert_int_equal(seen_get(&seen.attaches), 2); /* refused before the extension heard */

	/* Variable: anything from 2 bytes up to the core's limit. */
	opts.params_size = 2;
	ok[2] = attach_opts(prog, "hl_any", &opts);
	assert_int_equal(info_of(ok[2]).params_size, 2);
	assert_int_equal(ebpf_link_detach(ok[2]), 0);
	opts.params_size = 64;
	ok[2] = attach_opts(prog, "hl_any", &opts);
	assert_int_equal(info_of(ok[2]).params_size, 64);
	opts.params_size = 1;
	assert_int_equal(ebpf_program_attach_by_name_opts(prog, "hl_any", &opts, &link), -EINVAL);
	assert_true(error_has("takes 2 to 65536 bytes of parameters, 1 given"));
	opts.params_size = EBPF_ATTACH_PARAMS_LIMIT + 1;
	assert_int_equal(ebpf_program_attach_by_name_opts(prog, "hl_any", &opts, &link), -EINVAL);
	assert_true(error_has("65537 bytes of parameters, more than the limit of 65536"));
	/* A hook of exactly 0 bytes, through the old call and the new one. */
	assert_int_equal(ebpf_program_attach_by_name(prog, "hl_all", params, 4, &link), -EINVAL);
	assert_true(error_has("attach type 'hl_all' takes 0 bytes of parameters, 4 given"));

	for (int i = 0; i < 3; i++)
		assert_int_equal(ebpf_link_detach(ok[i]), 0);
	ebpf_program_release(prog);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_attach_flags(void **state)
{
	struct ebpf_extension *ext = add_hl();
	struct ebpf_program *prog = load_return(1);
	uint32_t params = 7;
	struct ebpf_program_attach_opts opts = {
		.sz = sizeof(opts),
		.params = &params,
		.params_size = sizeof(params),
		.flags = HL_F_MARK,
	};
	struct ebpf_link *link = NULL, *marked;

	/* The hook's own flag: accepted where declared, seen by the extension and in link info. */
	marked = attach_opts(prog, "hl_var", &opts);
	assert_int_equal(seen.last_flags, HL_F_MARK);
	assert_int_equal(info_of(marked).flags, HL_F_MARK);
	/* Another hook bit, or a runtime bit nobody knows: refused, naming bits and hook. */
	opts.flags = 1u << 17;
	assert_int_equal(ebpf_program_attach_by_name_opts(prog, "hl_var", &opts, &link), -EINVAL);
	assert_true(error_has("attach type 'hl_var': unknown attach flags 0x20000 (it accepts "
			      "0x10018)"));
	opts.flags = 1u << 0;
	assert_int_equal(ebpf_program_attach_by_name_opts(prog, "hl_var", &opts, &link), -EINVAL);
	assert_true(error_has("unknown attach flags 0x1"));
	/* hl_all declares no flag of its own. */
	opts = (struct ebpf_program_attach_opts){ .sz = sizeof(opts), .flags = HL_F_MARK };
	assert_int_equal(ebpf_program_attach_by_name_opts(prog, "hl_all", &opts, &link), -EINVAL);
	assert_true(
	    error_has("attach type 'hl_all': unknown attach flags 0x10000 (it accepts 0x18)"));
	assert_null(link);

	assert_int_equal(ebpf_link_detach(marked), 0);
	ebpf_program_release(prog);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_opts_misuse(void **state)
{
	struct ebpf_extension *ext = add_hl();
	struct ebpf_program *prog = load_return(1);
	struct {
		struct ebpf_program_attach_opts opts;
		uint64_t newer; /* a field of a newer library */
	} big = { .opts = { .sz = sizeof(big) } };
	struct ebpf_program_attach_opts opts = { .sz = sizeof(opts) };
	struct ebpf_link *link = NULL;

	/* Too small for even the first fields. */
	opts.sz = 8;
	assert_int_equal(ebpf_program_attach_by_name_opts(prog, "hl_all", &opts, &link), -EINVAL);
	assert_true(error_has("opts.sz 8 is below the smallest known size"));
	/* Larger than known: fine while the unknown bytes are zero. */
	link = attach_opts(prog, "hl_all", &big.opts);
	assert_int_equal(ebpf_link_detach(link), 0);
	link = NULL;
	big.newer = 1;
	assert_int_equal(ebpf_program_attach_by_name_opts(prog, "hl_all", &big.opts, &link),
			 -EINVAL);
	assert_true(error_has("non-zero bytes past the"));
	/* Inconsistent ordering requests. */
	opts = (struct ebpf_program_attach_opts){ .sz = sizeof(opts),
						  .flags = EBPF_F_BEFORE | EBPF_F_AFTER };
	assert_int_equal(ebpf_program_attach_by_name_opts(prog, "hl_all", &opts, &link), -EINVAL);
	assert_true(error_has("EBPF_F_BEFORE and EBPF_F_AFTER together"));
	opts = (struct ebpf_program_attach_opts){ .sz = sizeof(opts),
						  .flags = EBPF_F_AFTER,
						  .relative_link_id = 1,
						  .relative_program_id = 1 };
	assert_int_equal(ebpf_program_attach_by_name_opts(prog, "hl_all", &opts, &link), -EINVAL);
	assert_true(error_has("both given (at most one)"));
	opts = (struct ebpf_program_attach_opts){ .sz = sizeof(opts), .relative_link_id = 1 };
	assert_int_equal(ebpf_program_attach_by_name_opts(prog, "hl_all", &opts, &link), -EINVAL);
	assert_true(error_has("a relative link or program needs EBPF_F_BEFORE or EBPF_F_AFTER"));
	opts = (struct ebpf_program_attach_opts){ .sz = sizeof(opts),
						  .flags = EBPF_F_BEFORE,
						  .priority = 3 };
	assert_int_equal(ebpf_program_attach_by_name_opts(prog, "hl_all", &opts, &link), -EINVAL);
	assert_true(error_has("priority 3 with EBPF_F_BEFORE/AFTER"));
	opts = (struct ebpf_program_attach_opts){ .sz = sizeof(opts), .params_size = 4 };
	assert_int_equal(ebpf_program_attach_by_name_opts(prog, "hl_all", &opts, &link), -EINVAL);
	assert_true(error_has("4 bytes of parameters at NULL"));
	/* NULL opts: no parameters, attach order. */
	assert_int_equal(ebpf_program_attach_by_name_opts(prog, "hl_all", NULL, &link), 0);
	assert_int_equal(ebpf_link_detach(link), 0);

	ebpf_program_release(prog);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

/* Hooks whose data version 2 declares what cannot be: refused at registration. */
static const struct ebpf_attach_provider_data bad_range_data = {
	HOOK_DATA("hl_bad_range", HL_BAD_GUID), .params_size = 8, .params_size_max = 4
};
static const struct ebpf_attach_provider_data bad_flags_data = {
	HOOK_DATA("hl_bad_flags", HL_BAD_GUID), .attach_flags = EBPF_F_BEFORE
};
static const struct ebpf_attach_provider_data bad_policy_data = {
	HOOK_DATA("hl_bad_policy", HL_BAD_GUID), .chain_policy = 77
};

static void expect_hook_refused(const struct ebpf_attach_provider_data *data, const char *why)
{
	struct ebpf_hook hook = { .data = data };
	struct ebpf_hook *hooks[] = { &hook };
	static const nmr_guid_t module =
	    NMR_GUID(0x7e57c0de, 0x0022, 0x4000, 0x8000, 0x0000000000ff);
	void *state = NULL;

	assert_int_equal(
	    register_one_type(&module, &hl_type, hooks, 1, ebpf_runtime_registrar(), &state),
	    -EINVAL);
	assert_true(error_has(why));
	assert_null(state);
}

static void test_bad_hook_declarations(void **state)
{
	expect_hook_refused(&bad_range_data,
			    "hook 'hl_bad_range': params_size_max 4 is below params_size 8");
	expect_hook_refused(&bad_flags_data, "hook 'hl_bad_flags': attach_flags 0x8 has bits "
					     "outside the hooks' own");
	expect_hook_refused(&bad_policy_data, "hook 'hl_bad_policy': unknown chain_policy 77");
	/* Nothing stayed: the good extension loads. */
	assert_int_equal(ebpf_extension_unload(add_hl()), 0);
}

/* ---- 2: per-link attach and detach callbacks ---------------------------------------------- */

static void test_single_attach_rule(void **state)
{
	struct ebpf_extension *ext = add_hl();
	struct ebpf_program *prog = load_return(1);
	struct ebpf_link *first = attach_prio(prog, "hl_one", 0), *second = NULL;
	char why[128];

	assert_int_equal(ebpf_program_attach_by_name(prog, "hl_one", NULL, 0, &second), -EBUSY);
	snprintf(why, sizeof(why),
		 "the extension refused the link: hook 'hl_one' takes one link, "
		 "link %u holds it",
		 ebpf_link_id(first));
	assert_true(error_has(why));
	assert_null(second);
	EXPECT_ORDER(&one_hook, 1);
	/* Once the holder detaches the hook takes another. */
	assert_int_equal(ebpf_link_detach(first), 0);
	second = attach_prio(prog, "hl_one", 0);
	assert_int_equal(seen_get((int *)&seen.one_holder), (int)ebpf_link_id(second));
	assert_int_equal(ebpf_link_detach(second), 0);
	assert_int_equal(seen_get((int *)&seen.one_holder), 0);
	ebpf_program_release(prog);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_per_link_resource(void **state)
{
	struct ebpf_extension *ext = add_hl();
	struct ebpf_program *prog = load_return(1);
	uint32_t params = 1;
	struct ebpf_program_attach_opts opts = { .sz = sizeof(opts),
						 .params = &params,
						 .params_size = sizeof(params) };
	struct ebpf_link *a = attach_opts(prog, "hl_var", &opts);
	struct ebpf_link *b = attach_opts(prog, "hl_var", &opts);
	struct ebpf_link *pinned = NULL;

	assert_int_equal(seen_get(&seen.live), 2);
	/* Detached by the host: freed. */
	assert_int_equal(ebpf_link_detach(a), 0);
	assert_int_equal(seen_get(&seen.live), 1);
	assert_int_equal(seen_get(&seen.detaches), 1);

	/* Pinned: the attacher's release keeps it; the unpin (the last reference) frees it. */
	assert_int_equal(ebpf_link_pin(b, "hl/pinned"), 0);
	ebpf_link_release(b);
	assert_int_equal(seen_get(&seen.live), 1);
	assert_int_equal(ebpf_link_get_pinned("hl/pinned", &pinned), 0);
	ebpf_link_release(pinned);
	assert_int_equal(ebpf_unpin("hl/pinned"), 0);
	assert_int_equal(seen_get(&seen.live), 0);
	assert_int_equal(seen_get(&seen.detaches), 2);

	/* Unload frees every link's resource; the reload attaches them again. */
	a = attach_opts(prog, "hl_var", &opts);
	b = attach_opts(prog, "hl_var", &opts);
	assert_int_equal(seen_get(&seen.live), 2);
	assert_int_equal(ebpf_extension_unload(ext), 0);
	assert_int_equal(seen_get(&seen.live), 0);
	assert_int_equal(seen_get(&seen.detaches), 4);
	ext = add_hl();
	assert_int_equal(seen_get(&seen.live), 2);
	assert_int_equal(seen_get(&seen.attaches), 6);
	assert_int_equal(ebpf_link_detach(a), 0);
	assert_int_equal(ebpf_link_detach(b), 0);
	assert_int_equal(seen_get(&seen.live), 0);
	ebpf_program_release(prog);
	assert_int_equal(ebpf_extension_unload(ext), 0);
	assert_int_equal(seen_get(&seen.attaches), seen_get(&seen.detaches));
}

/* A registration of version 2 has hooks that end at `registered`: what lies after is not its. */
static int refuse_all(struct ebpf_hook *hook, struct ebpf_hook_link *link, void **link_context)
{
	return -EPERM;
}

static struct ebpf_hook old_hook = { .data = &all_data, .link_attach = refuse_all };

static int old_load(nmr_registrar_t *registrar, void **state)
{
	const struct ebpf_program_info *types[] = { &hl_type };
	struct ebpf_hook *hooks[] = { &old_hook };
	const struct ebpf_extension_registration reg = {
		.header = { .version = 2, .size = sizeof(struct ebpf_extension_registration) },
		.module_id = HL_MODULE_ID,
		.program_types = types,
		.program_type_count = 1,
		.hooks = hooks,
		.hook_count = 1,
	};
	struct ebpf_extension_providers *providers;
	int err = ebpf_extension_register(registrar, &reg, &providers);

	if (!err)
		*state = providers;
	return err;
}

EBPF_EXTENSION_DEFINE(old, "a version-2 registration", old_load, hl_unload)

static void test_v2_registration_has_no_callbacks(void **state)
{
	struct ebpf_extension *ext = NULL;
	struct ebpf_program *prog;
	struct ebpf_link *link;

	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_old, &ext), 0);
	prog = load_return(5);
	link = attach_prio(prog, "hl_all", 0); /* refuse_all is never called */
	EXPECT_ORDER(&old_hook, 5);
	assert_int_equal(ebpf_link_detach(link), 0);
	ebpf_program_release(prog);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

/* ---- 3: order --------------------------------------------------------------------------- */

static void test_priority_order(void **state)
{
	struct ebpf_extension *ext = add_hl();
	struct ebpf_program *p[4] = { load_return(1), load_return(2), load_return(3),
				      load_return(4) };
	struct ebpf_link *l[4];
	struct ebpf_link_info info;

	/* Lower runs first; equal priorities keep attach order. */
	l[0] = attach_prio(p[0], "hl_all", 10);
	l[1] = attach_prio(p[1], "hl_all", -5);
	l[2] = attach_prio(p[2], "hl_all", 10);
	l[3] = attach_prio(p[3], "hl_all", 0);
	EXPECT_ORDER(&all_hook, 2, 4, 1, 3);
	info = info_of(l[3]);
	assert_int_equal(info.position, 2);
	assert_int_equal(info.prev_id, ebpf_link_id(l[1]));
	assert_int_equal(info.next_id, ebpf_link_id(l[0]));
	assert_int_equal(info.priority, 0);
	info = info_of(l[1]);
	assert_int_equal(info.position, 1);
	assert_int_equal(info.prev_id, 0);
	info = info_of(l[2]);
	assert_int_equal(info.position, 4);
	assert_int_equal(info.next_id, 0);
	assert_int_equal(info.priority, 10);

	/* Detaching one closes the gap. */
	assert_int_equal(ebpf_link_detach(l[3]), 0);
	EXPECT_ORDER(&all_hook, 2, 1, 3);
	assert_int_equal(info_of(l[0]).prev_id, ebpf_link_id(l[1]));
	for (int i = 0; i < 3; i++)
		assert_int_equal(ebpf_link_detach(l[i]), 0);
	for (int i = 0; i < 4; i++)
		ebpf_program_release(p[i]);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_before_after(void **state)
{
	struct ebpf_extension *ext = add_hl();
	struct ebpf_program *p[6];
	struct ebpf_link *l[6], *refused = NULL;
	struct ebpf_program_attach_opts opts = { .sz = sizeof(opts) };
	char why[128];

	for (int i = 0; i < 6; i++)
		p[i] = load_return(i + 1);
	l[0] = attach_prio(p[0], "hl_all", 0);
	/* Before the chain's front, after its end. */
	l[1] = attach_rel(p[1], "hl_all", EBPF_F_BEFORE, 0, 0);
	l[2] = attach_rel(p[2], "hl_all", EBPF_F_AFTER, 0, 0);
	EXPECT_ORDER(&all_hook, 2, 1, 3);
	/* Right after link l[1], right before the link running program p[2]. */
	l[3] = attach_rel(p[3], "hl_all", EBPF_F_AFTER, ebpf_link_id(l[1]), 0);
	l[4] = attach_rel(p[4], "hl_all", EBPF_F_BEFORE, 0, ebpf_program_id(p[2]));
	EXPECT_ORDER(&all_hook, 2, 4, 1, 5, 3);
	assert_int_equal(info_of(l[4]).prev_id, ebpf_link_id(l[0]));
	assert_int_equal(info_of(l[4]).next_id, ebpf_link_id(l[2]));

	/* A placed link takes its neighbour's priority: a later priority-0 link goes last. */
	l[5] = attach_rel(p[5], "hl_all", EBPF_F_BEFORE, ebpf_link_id(l[0]), 0);
	assert_int_equal(info_of(l[5]).priority, 0);
	EXPECT_ORDER(&all_hook, 2, 4, 6, 1, 5, 3);

	/* A relative that is not there. */
	opts.flags = EBPF_F_AFTER;
	opts.relative_link_id = 999;
	assert_int_equal(ebpf_program_attach_by_name_opts(p[0], "hl_all", &opts, &refused),
			 -ENOENT);
	assert_true(error_has("hook 'hl_all' has no link 999 to place it after"));
	opts.relative_link_id = 0;
	opts.flags = EBPF_F_BEFORE;
	opts.relative_program_id = 999;
	assert_int_equal(ebpf_program_attach_by_name_opts(p[0], "hl_all", &opts, &refused),
			 -ENOENT);
	assert_true(error_has("no link of hook 'hl_all' runs program 999 to place it before"));
	/* A link of another hook is not a relative here. */
	{
		struct ebpf_link *other = attach_prio(p[0], "hl_verdict", 0);

		opts.relative_program_id = 0;
		opts.relative_link_id = ebpf_link_id(other);
		assert_int_equal(ebpf_program_attach_by_name_opts(p[0], "hl_all", &opts, &refused),
				 -ENOENT);
		snprintf(why, sizeof(why), "has no link %u", ebpf_link_id(other));
		assert_true(error_has(why));
		assert_int_equal(ebpf_link_detach(other), 0);
	}
	assert_null(refused);
	EXPECT_ORDER(&all_hook, 2, 4, 6, 1, 5, 3);

	for (int i = 0; i < 6; i++) {
		assert_int_equal(ebpf_link_detach(l[i]), 0);
		ebpf_program_release(p[i]);
	}
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

/* Before/after placements survive an unload and reload: the links come back in the order
 * they stood in, whatever order they bind again in, and new links still go by priority. */
static void test_placement_survives_reload(void **state)
{
	struct ebpf_extension *ext = add_hl();
	struct ebpf_program *p[7];
	struct ebpf_link *l[7];

	for (int i = 0; i < 7; i++)
		p[i] = load_return(i + 1);
	l[0] = attach_prio(p[0], "hl_all", 0);
	l[1] = attach_prio(p[1], "hl_all", 0);
	l[2] = attach_rel(p[2], "hl_all", EBPF_F_BEFORE, ebpf_link_id(l[0]), 0);
	l[3] = attach_rel(p[3], "hl_all", EBPF_F_AFTER, ebpf_link_id(l[2]), 0);
	l[4] = attach_rel(p[4], "hl_all", EBPF_F_BEFORE, 0, ebpf_program_id(p[1]));
	l[5] = attach_prio(p[5], "hl_all", -3);
	EXPECT_ORDER(&all_hook, 6, 3, 4, 1, 5, 2);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(ebpf_extension_unload(ext), 0);
		assert_true(ebpf_link_is_dormant(l[2], NULL, 0));
		ext = add_hl();
		EXPECT_ORDER(&all_hook, 6, 3, 4, 1, 5, 2);
		assert_int_equal(info_of(l[3]).prev_id, ebpf_link_id(l[2]));
		assert_int_equal(info_of(l[3]).next_id, ebpf_link_id(l[0]));
	}
	/* Placements after the reload go between the links that came back; a new link of
	 * priority 0 after all of them. */
	l[6] = attach_rel(p[6], "hl_all", EBPF_F_AFTER, ebpf_link_id(l[0]), 0);
	EXPECT_ORDER(&all_hook, 6, 3, 4, 1, 7, 5, 2);
	assert_int_equal(ebpf_link_detach(l[4]), 0);
	assert_int_equal(ebpf_extension_unload(ext), 0);
	ext = add_hl();
	EXPECT_ORDER(&all_hook, 6, 3, 4, 1, 7, 2);

	for (int i = 0; i < 7; i++) {
		if (i != 4)
			assert_int_equal(ebpf_link_detach(l[i]), 0);
		ebpf_program_release(p[i]);
	}
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_reorder(void **state)
{
	struct ebpf_extension *ext = add_hl();
	struct ebpf_program *p[3] = { load_return(1), load_return(2), load_return(3) };
	struct ebpf_link *l[3];
	struct ebpf_program_attach_opts opts = { .sz = sizeof(opts) };

	for (int i = 0; i < 3; i++)
		l[i] = attach_prio(p[i], "hl_all", 0);
	EXPECT_ORDER(&all_hook, 1, 2, 3);
	/* To the front, after another, by priority. */
	opts.flags = EBPF_F_BEFORE;
	assert_int_equal(ebpf_link_reorder(l[2], &opts), 0);
	EXPECT_ORDER(&all_hook, 3, 1, 2);
	opts.flags = EBPF_F_AFTER;
	opts.relative_link_id = ebpf_link_id(l[1]);
	assert_int_equal(ebpf_link_reorder(l[0], &opts), 0);
	EXPECT_ORDER(&all_hook, 3, 2, 1);
	assert_int_equal(info_of(l[0]).position, 3);
	opts = (struct ebpf_program_attach_opts){ .sz = sizeof(opts), .priority = -1 };
	assert_int_equal(ebpf_link_reorder(l[0], &opts), 0);
	EXPECT_ORDER(&all_hook, 1, 3, 2);
	assert_int_equal(info_of(l[0]).priority, -1);

	/* Refused: itself as relative, parameters, hook flags, a relative not there. */
	opts = (struct ebpf_program_attach_opts){ .sz = sizeof(opts),
						  .flags = EBPF_F_AFTER,
						  .relative_link_id = ebpf_link_id(l[1]) };
	assert_int_equal(ebpf_link_reorder(l[1], &opts), -EINVAL);
	assert_true(error_has("cannot be placed relative to itself"));
	opts.relative_link_id = 0;
	opts.params_size = 4;
	opts.params = &opts;
	assert_int_equal(ebpf_link_reorder(l[1], &opts), -EINVAL);
	assert_true(error_has("keeps its parameters"));
	opts.params_size = 0;
	opts.params = NULL;
	opts.flags = HL_F_MARK;
	assert_int_equal(ebpf_link_reorder(l[1], &opts), -EINVAL);
	assert_true(error_has("are not ordering flags"));
	opts.flags = EBPF_F_BEFORE;
	opts.relative_link_id = 4242;
	assert_int_equal(ebpf_link_reorder(l[1], &opts), -ENOENT);
	assert_true(error_has("link reorder: hook 'hl_all' has no link 4242"));
	assert_int_equal(ebpf_link_reorder(NULL, &opts), -EINVAL);
	EXPECT_ORDER(&all_hook, 1, 3, 2);

	/* Dormant links cannot move; after the reload they come back where they stood (l[0]
	 * by its priority -1; l[2], moved before l[1], still before it). */
	assert_int_equal(ebpf_extension_unload(ext), 0);
	opts = (struct ebpf_program_attach_opts){ .sz = sizeof(opts), .flags = EBPF_F_BEFORE };
	assert_int_equal(ebpf_link_reorder(l[1], &opts), -ENODEV);
	assert_true(error_has("is not bound to its hook"));
	ext = add_hl();
	EXPECT_ORDER(&all_hook, 1, 3, 2);

	for (int i = 0; i < 3; i++) {
		assert_int_equal(ebpf_link_detach(l[i]), 0);
		ebpf_program_release(p[i]);
	}
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_chain_policy(void **state)
{
	struct ebpf_extension *ext = add_hl();
	struct ebpf_program *pass = load_return(PASS), *drop = load_return(1), *tx = load_return(3);
	struct ebpf_link *l[3];

	/* First result other than PASS wins: the walk stops there. */
	l[0] = attach_prio(pass, "hl_verdict", 0);
	l[1] = attach_prio(drop, "hl_verdict", 0);
	l[2] = attach_prio(tx, "hl_verdict", 0);
	EXPECT_ORDER(&verdict_hook, PASS, 1);
	/* Moving tx before drop changes the winner. */
	assert_int_equal(ebpf_link_reorder(l[2],
					   &(struct ebpf_program_attach_opts){
					       .sz = sizeof(struct ebpf_program_attach_opts),
					       .flags = EBPF_F_BEFORE,
					       .relative_link_id = ebpf_link_id(l[1]) }),
			 0);
	EXPECT_ORDER(&verdict_hook, PASS, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ebpf_link_detach(l[i]), 0);

	/* Only the first link runs; the next one takes over when it goes. */
	l[0] = attach_prio(tx, "hl_override", 0);
	l[1] = attach_prio(drop, "hl_override", 0);
	EXPECT_ORDER(&override_hook, 3);
	assert_int_equal(ebpf_link_detach(l[0]), 0);
	EXPECT_ORDER(&override_hook, 1);
	assert_int_equal(ebpf_link_detach(l[1]), 0);

	/* Every link runs on an all-run hook whatever they return. */
	l[0] = attach_prio(tx, "hl_all", 0);
	l[1] = attach_prio(drop, "hl_all", 0);
	EXPECT_ORDER(&all_hook, 3, 1);
	assert_int_equal(ebpf_link_detach(l[0]), 0);
	assert_int_equal(ebpf_link_detach(l[1]), 0);
	ebpf_program_release(pass);
	ebpf_program_release(drop);
	ebpf_program_release(tx);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

/* ---- 4: detached in link info --------------------------------------------------------------- */

static void test_detached_in_info(void **state)
{
	struct ebpf_extension *ext = add_hl();
	struct ebpf_program *prog = load_return(1);
	struct ebpf_link *link = attach_prio(prog, "hl_all", 0);
	struct ebpf_link_info info = info_of(link);
	/* A host built before the fields were appended: its size, nothing written past it. */
	size_t old_size = offsetof(struct ebpf_link_info, detached);
	unsigned char buf[sizeof(struct ebpf_link_info) + 8];

	assert_false(info.detached);
	assert_false(info.dormant);
	assert_int_equal(info.position, 1);
	assert_int_equal(ebpf_extension_unload(ext), 0);
	info = info_of(link);
	assert_true(info.detached);
	assert_true(info.dormant);
	assert_int_equal(info.position, 0);
	assert_int_equal(ebpf_link_get_info_by_id(ebpf_link_id(link), &info), 0);
	assert_true(info.detached);

	memset(buf, 0xa5, sizeof(buf));
	((struct ebpf_link_info *)buf)->sz = old_size;
	((struct ebpf_link_info *)buf)->params = NULL;
	((struct ebpf_link_info *)buf)->params_size = 0;
	assert_int_equal(ebpf_link_get_info(link, (struct ebpf_link_info *)buf), 0);
	assert_int_equal(((struct ebpf_link_info *)buf)->id, ebpf_link_id(link));
	for (size_t i = old_size; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xa5);
	((struct ebpf_link_info *)buf)->sz = old_size - 1;
	assert_int_equal(ebpf_link_get_info(link, (struct ebpf_link_info *)buf), -EINVAL);

	/* Back with the extension. */
	ext = add_hl();
	info = info_of(link);
	assert_false(info.detached);
	assert_int_equal(info.position, 1);
	assert_int_equal(ebpf_link_detach(link), 0);
	ebpf_program_release(prog);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

/* ---- lock-free firing while the chain changes --------------------------------------------- */

#define STABLE	   4
#define FIRERS	   2
#define CHANGES	   300
#define STABLE_RET 100 /* the stable links return 100..103, the others 1 */

struct stress {
	atomic_bool stop;
	atomic_long fired;
	atomic_long bad;
	atomic_long per_stable[STABLE];
};

struct firing {
	struct stress *s;
	int count[STABLE];
};

static int tally(void *arg, uint32_t result)
{
	struct firing *f = arg;

	if (result >= STABLE_RET && result < STABLE_RET + STABLE)
		f->count[result - STABLE_RET]++;
	else if (result != 1)
		atomic_fetch_add(&f->s->bad, 1);
	return 0;
}

static void *fire_loop(void *arg)
{
	struct stress *s = arg;
	uint64_t ctx = 0;

	while (!atomic_load(&s->stop)) {
		struct firing f = { .s = s };

		if (ebpf_hook_invoke(&all_hook, &ctx, tally, &f) < STABLE)
			atomic_fetch_add(&s->bad, 1);
		/* Each link that stays attached ran exactly once in this firing. */
		for (int i = 0; i < STABLE; i++) {
			if (f.count[i] != 1)
				atomic_fetch_add(&s->bad, 1);
			atomic_fetch_add(&s->per_stable[i], f.count[i]);
		}
		atomic_fetch_add(&s->fired, 1);
	}
	return NULL;
}

static void test_fire_while_chain_changes(void **state)
{
	struct ebpf_extension *ext = add_hl();
	struct ebpf_program *stable[STABLE], *churn = load_return(1);
	struct ebpf_link *sl[STABLE], *extra[3] = { 0 };
	struct stress s = { 0 };
	pthread_t firers[FIRERS];
	struct ebpf_program_attach_opts opts;
	long fired;

	for (int i = 0; i < STABLE; i++) {
		stable[i] = load_return(STABLE_RET + i);
		sl[i] = attach_prio(stable[i], "hl_all", 0);
	}
	for (int i = 0; i < FIRERS; i++)
		assert_int_equal(pthread_create(&firers[i], NULL, fire_loop, &s), 0);
	for (int n = 0; n < CHANGES; n++) {
		int k = n % 3, who = (n / 3) % STABLE;

		/* Attach or detach a churning link somewhere, then move a stable one. */
		if (extra[k]) {
			assert_int_equal(ebpf_link_detach(extra[k]), 0);
			extra[k] = NULL;
		} else {
			extra[k] = attach_rel(churn, "hl_all", n % 2 ? EBPF_F_BEFORE : EBPF_F_AFTER,
					      ebpf_link_id(sl[(who + 1) % STABLE]), 0);
		}
		opts = (struct ebpf_program_attach_opts){
			.sz = sizeof(opts),
			.flags = n % 2 ? EBPF_F_AFTER : EBPF_F_BEFORE,
			.relative_link_id = ebpf_link_id(sl[(who + 2) % STABLE]),
		};
		assert_int_equal(ebpf_link_reorder(sl[who], &opts), 0);
		if (n % 16 == 0)
			sched_yield();
	}
	atomic_store(&s.stop, true);
	for (int i = 0; i < FIRERS; i++)
		pthread_join(firers[i], NULL);
	fired = atomic_load(&s.fired);
	assert_int_equal(atomic_load(&s.bad), 0);
	assert_true(fired > 0);
	for (int i = 0; i < STABLE; i++)
		assert_int_equal(atomic_load(&s.per_stable[i]), fired);

	for (int i = 0; i < 3; i++) {
		if (extra[i])
			assert_int_equal(ebpf_link_detach(extra[i]), 0);
	}
	for (int i = 0; i < STABLE; i++) {
		assert_int_equal(ebpf_link_detach(sl[i]), 0);
		ebpf_program_release(stable[i]);
	}
	ebpf_program_release(churn);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_params_size_range, teardown),
		cmocka_unit_test_teardown(test_attach_flags, teardown),
		cmocka_unit_test_teardown(test_opts_misuse, teardown),
		cmocka_unit_test_teardown(test_bad_hook_declarations, teardown),
		cmocka_unit_test_teardown(test_single_attach_rule, teardown),
		cmocka_unit_test_teardown(test_per_link_resource, teardown),
		cmocka_unit_test_teardown(test_v2_registration_has_no_callbacks, teardown),
		cmocka_unit_test_teardown(test_priority_order, teardown),
		cmocka_unit_test_teardown(test_before_after, teardown),
		cmocka_unit_test_teardown(test_reorder, teardown),
		cmocka_unit_test_teardown(test_placement_survives_reload, teardown),
		cmocka_unit_test_teardown(test_chain_policy, teardown),
		cmocka_unit_test_teardown(test_detached_in_info, teardown),
		cmocka_unit_test_teardown(test_fire_while_chain_changes, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * The XDP program type without the core: the program information (sections, context layout,
 * helper ids against the core's global table), test-run contexts with BPF_PROG_TEST_RUN's
 * rules, and the helpers' semantics and bounds (adjust_head / adjust_tail / adjust_meta,
 * load/store bytes, redirect), called the way the engines call them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>

#include "packet_internal.h"

static const struct ebpf_program_info *info = &xdp_program_info;

static ebpf_helper_fn helper(const char *name, const struct ebpf_helper_proto **proto)
{
	for (uint32_t i = 0; i < info->helper_count; i++) {
		if (!strcmp(info->helpers[i].name, name)) {
			if (proto)
				*proto = &info->helpers[i];
			return info->helper_addresses[i];
		}
	}
	fail_msg("no helper %s", name);
	return NULL;
}

static int64_t call(const char *name, struct xdp_context *ctx, int64_t arg)
{
	return (int64_t)helper(name, NULL)((uintptr_t)ctx, (uint64_t)arg, 0, 0, 0);
}

/* A test-run context over n bytes 0, 1, 2, ... with metalen bytes of metadata in front. */
static struct xdp_context *make_ctx(size_t n, uint32_t metalen)
{
	unsigned char in[2048];
	struct xdp_md_view md = { .data = metalen, .data_end = (uint32_t)n };
	void *ctx = NULL;

	for (size_t i = 0; i < n; i++)
		in[i] = (unsigned char)i;
	assert_int_equal(
	    info->context_create(in, n, metalen ? &md : NULL, metalen ? sizeof(md) : 0, &ctx), 0);
	return ctx;
}

static size_t pkt_len(const struct xdp_context *ctx)
{
	return ctx->data_end - ctx->data;
}

static const unsigned char *pkt(const struct xdp_context *ctx)
{
	return (const unsigned char *)(uintptr_t)ctx->data;
}

static void destroy(struct xdp_context *ctx)
{
	info->context_destroy(ctx, NULL, NULL, NULL, NULL);
}

/* ---- the program information ------------------------------------------------------------- */

static void test_info_layout(void **state)
{
	assert_string_equal(info->name, "xdp");
	/* Linux's struct xdp_md: six __u32, data at 0, data_end at 4, data_meta at 8. */
	assert_int_equal(info->context.size, 24);
	assert_int_equal(info->context.data, 0);
	assert_int_equal(info->context.data_end, 4);
	assert_int_equal(info->context.meta, 8);
	assert_int_equal(info->context.writable_count, 0);
	/* The pointer slots lie beyond what programs may address, 8 bytes each. */
	assert_true(info->context_pointers.data >= info->context.size);
	assert_true(info->context_pointers.data_end >= info->context.size);
	assert_true(info->context_pointers.meta >= info->context.size);
	assert_int_equal(info->context_pointers.data, offsetof(struct xdp_context, data));
	assert_int_equal(info->context_pointers.data_end, offsetof(struct xdp_context, data_end));
	assert_int_equal(info->context_pointers.meta, offsetof(struct xdp_context, data_meta));
}

static void test_info_sections(void **state)
{
	bool xdp = false, xdp_slash = false, frags = false;

	for (uint32_t i = 0; i < info->section_count; i++) {
		const struct ebpf_section_prefix *s = &info->sections[i];

		xdp |= !strcmp(s->prefix, "xdp") && !s->refused;
		xdp_slash |= !strcmp(s->prefix, "xdp/") && !s->refused;
		frags |= !strcmp(s->prefix, "xdp.frags") && !s->refused;
	}
	assert_true(xdp);
	assert_true(xdp_slash);
	assert_true(frags);
}

/* Linux-id helpers are allowed only where the core has no global helper of that id. */
static void test_helper_ids_do_not_shadow_globals(void **state)
{
	size_t n;
	const struct ebpf_helper_proto *globals = ebpf_global_helpers(&n);

	for (uint32_t i = 0; i < info->helper_count; i++) {
		assert_non_null(info->helper_addresses[i]);
		for (size_t g = 0; g < n; g++)
			if (globals[g].id == info->helpers[i].id)
				fail_msg("helper %s has the id of global helper %s",
					 info->helpers[i].name, globals[g].name);
	}
}

static void test_helper_flags(void **state)
{
	const struct ebpf_helper_proto *p;

	helper("bpf_xdp_adjust_head", &p);
	assert_int_equal(p->id, 44);
	assert_true(p->flags & EBPF_HELPER_CHANGES_PACKET);
	helper("bpf_xdp_adjust_tail", &p);
	assert_int_equal(p->id, 65);
	assert_true(p->flags & EBPF_HELPER_CHANGES_PACKET);
	helper("bpf_xdp_adjust_meta", &p);
	assert_int_equal(p->id, 54);
	assert_true(p->flags & EBPF_HELPER_CHANGES_PACKET);
	helper("bpf_redirect", &p);
	assert_int_equal(p->id, 23);
	helper("bpf_redirect_map", &p);
	assert_int_equal(p->id, 51);
	assert_int_equal(p->args[0], EBPF_ARG_CONST_MAP_PTR);
	helper("bpf_fib_lookup", &p);
	assert_int_equal(p->id, 69);
	assert_true(p->flags & EBPF_HELPER_VERIFY_ONLY);
	assert_non_null(p->unavailable_reason);
}

/* ---- test-run contexts ------------------------------------------------------------------- */

static void test_context_create_rules(void **state)
{
	unsigned char in[64] = { 0 };
	struct xdp_md_view md = { .data_end = sizeof(in) };
	void *ctx;

	/* Shorter than an Ethernet header, or no data at all. */
	assert_int_equal(info->context_create(in, 13, NULL, 0, &ctx), -EINVAL);
	assert_int_equal(info->context_create(NULL, 0, NULL, 0, &ctx), -EINVAL);
	/* A context image of the wrong size. */
	assert_int_equal(info->context_create(in, sizeof(in), &md, 20, &ctx), -EINVAL);
	/* data_end must be the input size; data_meta 0; egress_ifindex 0. */
	md.data_end = 10;
	assert_int_equal(info->context_create(in, sizeof(in), &md, sizeof(md), &ctx), -EINVAL);
	md.data_end = sizeof(in);
	md.data_meta = 4;
	assert_int_equal(info->context_create(in, sizeof(in), &md, sizeof(md), &ctx), -EINVAL);
	md.data_meta = 0;
	md.egress_ifindex = 1;
	assert_int_equal(info->context_create(in, sizeof(in), &md, sizeof(md), &ctx), -EINVAL);
	md.egress_ifindex = 0;
	/* Metadata lengths: multiples of 4, at most 32. */
	md.data = 6;
	assert_int_equal(info->context_create(in, sizeof(in), &md, sizeof(md), &ctx), -EINVAL);
	md.data = 36;
	assert_int_equal(info->context_create(in, sizeof(in), &md, sizeof(md), &ctx), -EINVAL);
	/* A queue without a device. */
	md.data = 0;
	md.rx_queue_index = 1;
	assert_int_equal(info->context_create(in, sizeof(in), &md, sizeof(md), &ctx), -EINVAL);
	md.ingress_ifindex = 3;
	assert_int_equal(info->context_create(in, sizeof(in), &md, sizeof(md), &ctx), 0);
	assert_int_equal(((struct xdp_context *)ctx)->md.ingress_ifindex, 3);
	assert_int_equal(((struct xdp_context *)ctx)->md.rx_queue_index, 1);
	destroy(ctx);
}

static void test_context_layout_and_headroom(void **state)
{
	struct xdp_context *ctx = make_ctx(100, 8);
	const unsigned char *meta = (const unsigned char *)(uintptr_t)ctx->data_meta;

	/* The first 8 input bytes are metadata right before the packet. */
	assert_int_equal(ctx->data - ctx->data_meta, 8);
	assert_int_equal(pkt_len(ctx), 92);
	assert_int_equal(meta[0], 0);
	assert_int_equal(pkt(ctx)[0], 8);
	/* XDP_PACKET_HEADROOM in front of the metadata's end. */
	assert_int_equal(ctx->data - (uintptr_t)ctx->hard_start, XDP_HEADROOM);
	/* md mirrors the pointers' low 32 bits. */
	assert_int_equal(ctx->md.data, (uint32_t)ctx->data);
	assert_int_equal(ctx->md.data_end, (uint32_t)ctx->data_end);
	assert_int_equal(ctx->md.data_meta, (uint32_t)ctx->data_meta);
	destroy(ctx);
}

static void test_context_destroy_output(void **state)
{
	struct xdp_context *ctx = make_ctx(64, 4);
	unsigned char out[128];
	struct xdp_md_view md;
	size_t out_size = sizeof(out), md_size = sizeof(md), small = 10;

	assert_int_equal(call("bpf_xdp_adjust_head", ctx, 2), 0);
	info->context_destroy(ctx, out, &out_size, &md, &md_size);
	/* As Linux: the output starts at the metadata (moved with the head) and md holds
	 * offsets into it. */
	assert_int_equal(out_size, 62);
	assert_int_equal(md_size, sizeof(md));
	assert_int_equal(md.data_meta, 0);
	assert_int_equal(md.data, 4);
	assert_int_equal(md.data_end, 62);
	assert_int_equal(out[0], 0); /* the metadata moved, intact */
	assert_int_equal(out[3], 3);
	assert_int_equal(out[4], 6); /* the packet now starts 2 bytes later */

	/* Truncated output: the full size is still reported. */
	ctx = make_ctx(64, 0);
	info->context_destroy(ctx, out, &small, NULL, NULL);
	assert_int_equal(small, 64);
}

/* ---- adjust_head ------------------------------------------------------------------------- */

static void test_adjust_head(void **state)
{
	struct xdp_context *ctx = make_ctx(100, 0);
	uintptr_t data = ctx->data;

	/* Shrinking from the front. */
	assert_int_equal(call("bpf_xdp_adjust_head", ctx, 20), 0);
	assert_int_equal(ctx->data, data + 20);
	assert_int_equal(pkt(ctx)[0], 20);
	assert_int_equal(ctx->md.data, (uint32_t)(data + 20));
	/* Growing into the headroom. */
	assert_int_equal(call("bpf_xdp_adjust_head", ctx, -20 - 200), 0);
	assert_int_equal(ctx->data, data - 200);
	/* At most the headroom minus Linux's struct xdp_frame (216 bytes). */
	assert_int_equal(
	    call("bpf_xdp_adjust_head", ctx, -(XDP_HEADROOM - XDP_FRAME_RESERVED - 200) - 1),
	    -EINVAL);
	assert_int_equal(
	    call("bpf_xdp_adjust_head", ctx, -(XDP_HEADROOM - XDP_FRAME_RESERVED - 200)), 0);
	assert_int_equal(ctx->data, (uintptr_t)ctx->hard_start + XDP_FRAME_RESERVED);
	destroy(ctx);

	/* At least an Ethernet header must remain. */
	ctx = make_ctx(100, 0);
	assert_int_equal(call("bpf_xdp_adjust_head", ctx, 100 - 14 + 1), -EINVAL);
	assert_int_equal(call("bpf_xdp_adjust_head", ctx, 100 - 14), 0);
	assert_int_equal(pkt_len(ctx), 14);
	destroy(ctx);
}

static void test_adjust_head_moves_metadata(void **state)
{
	struct xdp_context *ctx = make_ctx(64, 8);
	const unsigned char *meta;

	assert_int_equal(call("bpf_xdp_adjust_head", ctx, -16), 0);
	meta = (const unsigned char *)(uintptr_t)ctx->data_meta;
	assert_int_equal(ctx->data - ctx->data_meta, 8);
	for (int i = 0; i < 8; i++)
		assert_int_equal(meta[i], i);
	/* The metadata's room counts against the headroom. */
	assert_int_equal(
	    call("bpf_xdp_adjust_head", ctx, -(XDP_HEADROOM - XDP_FRAME_RESERVED - 8 - 16) - 1),
	    -EINVAL);
	destroy(ctx);
}

/* ---- adjust_tail ------------------------------------------------------------------------- */

static void test_adjust_tail(void **state)
{
	struct xdp_context *ctx = make_ctx(100, 0);
	size_t room = XDP_FRAME_SIZE - XDP_SHINFO_RESERVED - XDP_HEADROOM;

	assert_int_equal(call("bpf_xdp_adjust_tail", ctx, -30), 0);
	assert_int_equal(pkt_len(ctx), 70);
	/* Growing zeroes the new bytes (they held 70..99). */
	assert_int_equal(call("bpf_xdp_adjust_tail", ctx, 30), 0);
	assert_int_equal(pkt_len(ctx), 100);
	for (int i = 70; i < 100; i++)
		assert_int_equal(pkt(ctx)[i], 0);
	/* Up to the frame's tailroom, as a Linux page frame. */
	assert_int_equal(call("bpf_xdp_adjust_tail", ctx, (int64_t)(room - 100) + 1), -EINVAL);
	assert_int_equal(call("bpf_xdp_adjust_tail", ctx, (int64_t)(room - 100)), 0);
	assert_int_equal(pkt_len(ctx), room);
	/* Never below an Ethernet header. */
	assert_int_equal(call("bpf_xdp_adjust_tail", ctx, -(int64_t)room + 13), -EINVAL);
	assert_int_equal(call("bpf_xdp_adjust_tail", ctx, -(int64_t)room + 14), 0);
	assert_int_equal(pkt_len(ctx), 14);
	destroy(ctx);
}

/* ---- adjust_meta ------------------------------------------------------------------------- */

static void test_adjust_meta(void **state)
{
	struct xdp_context *ctx = make_ctx(64, 0);

	assert_int_equal(ctx->data_meta, ctx->data); /* no metadata yet */
	assert_int_equal(call("bpf_xdp_adjust_meta", ctx, -8), 0);
	assert_int_equal(ctx->data - ctx->data_meta, 8);
	/* Lengths must be multiples of 4 ... */
	assert_int_equal(call("bpf_xdp_adjust_meta", ctx, -2), -EACCES);
	/* ... and at most 32. */
	assert_int_equal(call("bpf_xdp_adjust_meta", ctx, -28), -EACCES);
	assert_int_equal(call("bpf_xdp_adjust_meta", ctx, -24), 0);
	assert_int_equal(ctx->data - ctx->data_meta, 32);
	/* The metadata cannot start after the packet. */
	assert_int_equal(call("bpf_xdp_adjust_meta", ctx, 36), -EINVAL);
	assert_int_equal(call("bpf_xdp_adjust_meta", ctx, 32), 0);
	assert_int_equal(ctx->data_meta, ctx->data);
	destroy(ctx);
}

/* ---- bytes and length -------------------------------------------------------------------- */

static void test_load_store_bytes(void **state)
{
	struct xdp_context *ctx = make_ctx(64, 0);
	ebpf_helper_fn load = helper("bpf_xdp_load_bytes", NULL);
	ebpf_helper_fn store = helper("bpf_xdp_store_bytes", NULL);
	unsigned char buf[8] = { 0 }, ones[4] = { 1, 1, 1, 1 };

	assert_int_equal(helper("bpf_xdp_get_buff_len", NULL)((uintptr_t)ctx, 0, 0, 0, 0), 64);
	assert_int_equal(load((uintptr_t)ctx, 10, (uintptr_t)buf, 8, 0), 0);
	assert_int_equal(buf[0], 10);
	assert_int_equal(buf[7], 17);
	assert_int_equal((int64_t)load((uintptr_t)ctx, 60, (uintptr_t)buf, 8, 0), -EINVAL);
	assert_int_equal((int64_t)load((uintptr_t)ctx, 0x10000, (uintptr_t)buf, 1, 0), -EFAULT);
	assert_int_equal(store((uintptr_t)ctx, 60, (uintptr_t)ones, 4, 0), 0);
	assert_int_equal(pkt(ctx)[63], 1);
	assert_int_equal((int64_t)store((uintptr_t)ctx, 61, (uintptr_t)ones, 4, 0), -EINVAL);
	destroy(ctx);
}

/* ---- redirect ---------------------------------------------------------------------------- */

static void test_redirect_records_target(void **state)
{
	ebpf_helper_fn redirect = helper("bpf_redirect", NULL);
	struct xdp_redirect to;

	assert_false(xdp_redirect_take(&to));
	assert_int_equal(redirect(7, 0, 0, 0, 0), XDP_VERDICT_REDIRECT);
	assert_true(xdp_redirect_take(&to));
	assert_int_equal(to.kind, XDP_REDIRECT_DEVICE);
	assert_int_equal(to.target, 7);
	/* Taken once: forgotten afterwards. */
	assert_false(xdp_redirect_take(&to));
	/* Flags mean nothing to XDP: Linux returns XDP_ABORTED. */
	assert_int_equal(redirect(7, 1, 0, 0, 0), XDP_VERDICT_ABORTED);
	assert_false(xdp_redirect_take(&to));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info_layout),
		cmocka_unit_test(test_info_sections),
		cmocka_unit_test(test_helper_ids_do_not_shadow_globals),
		cmocka_unit_test(test_helper_flags),
		cmocka_unit_test(test_context_create_rules),
		cmocka_unit_test(test_context_layout_and_headroom),
		cmocka_unit_test(test_context_destroy_output),
		cmocka_unit_test(test_adjust_head),
		cmocka_unit_test(test_adjust_head_moves_metadata),
		cmocka_unit_test(test_adjust_tail),
		cmocka_unit_test(test_adjust_meta),
		cmocka_unit_test(test_load_store_bytes),
		cmocka_unit_test(test_redirect_records_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * The output contract (docs/extensions.md): the verifier counts a helper's output argument
 * written once the call returns, so every helper that runs must fill its whole output on every
 * path, failures included (with zeros, as Linux does). This test finds every helper with an
 * output argument, global or offered by any extension of the build, and requires each to be
 * verification-only or listed below with the test of its failure paths: a new helper with an
 * output cannot be added without one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>
#include <extbpf/extension.h>

/* Helpers with outputs, audited: every failure path fills the output. */
static const struct {
	const char *name;
	const char *tested_by;
} audited[] = {
	{ "bpf_map_pop_elem", "test_helpers_maps (test_queue, test_stack, test_take_failures), "
			      "test_packet_run (test_helper_failure_zeroes_output)" },
	{ "bpf_map_peek_elem", "test_helpers_maps, test_packet_run" },
	{ "bpf_strtol", "test_helpers_data (a failed call leaves 0), test_packet_run" },
	{ "bpf_strtoul", "test_helpers_data (a failed call leaves 0), test_packet_run" },
	{ "bpf_xdp_load_bytes", "test_packet_run (test_helper_failure_zeroes_output)" },
};

static bool is_output(enum ebpf_arg_type t)
{
	return t == EBPF_ARG_PTR_TO_UNINIT_MEM || t == EBPF_ARG_PTR_TO_UNINIT_MAP_VALUE ||
	       t == EBPF_ARG_PTR_TO_LONG;
}

static bool has_output(const struct ebpf_helper_proto *p)
{
	for (int i = 0; i < 5; i++)
		if (is_output(p->args[i]))
			return true;
	return false;
}

static bool is_audited(const char *name)
{
	for (size_t i = 0; i < sizeof(audited) / sizeof(audited[0]); i++)
		if (name && !strcmp(audited[i].name, name))
			return true;
	return false;
}

struct census {
	unsigned int types;
	unsigned int outputs; /* helpers with an output that run */
	char unaudited[512];
};

static void check_protos(struct census *c, const char *owner, const struct ebpf_helper_proto *p,
			 size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(c->unaudited);

		if (!has_output(&p[i]) || (p[i].flags & EBPF_HELPER_VERIFY_ONLY))
			continue;
		c->outputs++;
		if (!is_audited(p[i].name))
			snprintf(c->unaudited + len, sizeof(c->unaudited) - len, " %s:%s", owner,
				 p[i].name ? p[i].name : "?");
	}
}

static int check_type(const struct ebpf_program_info *info, void *arg)
{
	struct census *c = arg;

	c->types++;
	check_protos(c, info->name, info->helpers, info->helper_count);
	return 0;
}

static void test_every_output_helper_is_audited(void **state)
{
	struct census c = { 0 };
	const struct ebpf_helper_proto *globals;
	size_t n;

	assert_int_equal(ebpf_extension_load_dir(EXTENSION_DIR), 0);
	globals = ebpf_global_helpers(&n);
	check_protos(&c, "global", globals, n);
	assert_int_equal(ebpf_foreach_program_type(check_type, &c), 0);
	/* The build's extensions are there (sample, packet, linux at least). */
	assert_true(c.types >= 3);
	assert_true(c.outputs >= sizeof(audited) / sizeof(audited[0]));
	if (c.unaudited[0])
		fail_msg("helpers with an output argument and no failure-path test:%s",
			 c.unaudited);
	ebpf_runtime_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_output_helper_is_audited),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

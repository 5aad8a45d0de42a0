// SPDX-License-Identifier: MIT
/*
 * Runs every case of the corpus (cases_*.c) as its own cmocka test, named "topic/case", and
 * checks the verdict, the reason and, where a case gives one, the refused instruction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vcases.h"

static void run_case(void **state)
{
	const struct vcase *c = *state;
	struct verifier_input in;
	struct verifier_result res;
	char log[8192];
	int64_t expected_insn;
	int err;

	vt_input(&in, c);
	in.log = log;
	in.log_size = sizeof(log);
	err = verifier_verify(&in, &res);
	expected_insn = c->insn == -2 ? -1 : c->insn;
	if (err != c->expect || (c->reason && !strstr(res.message, c->reason)) ||
	    (c->insn && res.insn != expected_insn)) {
		print_error("case %s: expected %d '%s' (insn %lld), got %d (insn %lld):\n%s\n",
			    c->name, c->expect, c->reason ? c->reason : "",
			    (long long)expected_insn, err, (long long)res.insn, res.message);
		fail();
	}
	if (!err)
		assert_string_equal(res.message, "");
	else if (res.insn >= 0)
		assert_int_equal(strncmp(res.message, "insn ", 5), 0);
}

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
	TOPIC(ctx),	 TOPIC(stack),	   TOPIC(packet),    TOPIC(map),      TOPIC(helpers),
	TOPIC(alu),	 TOPIC(cfg),	   TOPIC(loops),     TOPIC(calls),    TOPIC(spill),
	TOPIC(jmp),	 TOPIC(misc),	   TOPIC(access),    TOPIC(printk),   TOPIC(attack),
	TOPIC(bounds32), TOPIC(limits),	   TOPIC(spin_lock), TOPIC(storage),  TOPIC(hostile),
	TOPIC(kshapes),	 TOPIC(callbacks), TOPIC(relax),     TOPIC(may_goto), TOPIC(precision),
	TOPIC(acq_rel),
};

int main(void)
{
	size_t n = 0, i, k, t;
	struct CMUnitTest *tests;
	char **names;
	int ret;

	for (t = 0; t < sizeof(topics) / sizeof(topics[0]); t++)
		n += *topics[t].count;
	tests = calloc(n, sizeof(*tests));
	names = calloc(n, sizeof(*names));
	if (!tests || !names)
		return 1;
	for (t = 0, k = 0; t < sizeof(topics) / sizeof(topics[0]); t++) {
		for (i = 0; i < *topics[t].count; i++, k++) {
			const struct vcase *c = &topics[t].cases[i];
			size_t len = strlen(topics[t].name) + strlen(c->name) + 2;

			names[k] = malloc(len);
			if (!names[k])
				return 1;
			snprintf(names[k], len, "%s/%s", topics[t].name, c->name);
			tests[k].name = names[k];
			tests[k].test_func = run_case;
			tests[k].initial_state = (void *)c;
		}
	}
	printf("verifier corpus: %zu cases\n", n);
	ret = _cmocka_run_group_tests("verifier_corpus", tests, n, NULL, NULL);
	for (k = 0; k < n; k++)
		free(names[k]);
	free(names);
	free(tests);
	return ret;
}

/* SPDX-License-Identifier: MIT */
/* Bad objects through the public API (e2e_bad.c). */
#ifndef EXTBPF_TESTS_E2E_BAD_H
#define EXTBPF_TESTS_E2E_BAD_H

void test_bad_truncated(void **state);
void test_bad_corrupt(void **state);
void test_bad_wrong_machine(void **state);
void test_bad_relocation_outside_section(void **state);
void test_bad_map_zero_sizes(void **state);
void test_bad_map_unsupported_type(void **state);
void test_bad_duplicate_sections(void **state);
void test_refused_object_leaves_nothing(void **state);
void test_refused_object_unpins_its_maps(void **state);

#define E2E_BAD_TESTS(teardown)                                                                    \
	cmocka_unit_test_teardown(test_bad_truncated, teardown),                                   \
	    cmocka_unit_test_teardown(test_bad_corrupt, teardown),                                 \
	    cmocka_unit_test_teardown(test_bad_wrong_machine, teardown),                           \
	    cmocka_unit_test_teardown(test_bad_relocation_outside_section, teardown),              \
	    cmocka_unit_test_teardown(test_bad_map_zero_sizes, teardown),                          \
	    cmocka_unit_test_teardown(test_bad_map_unsupported_type, teardown),                    \
	    cmocka_unit_test_teardown(test_bad_duplicate_sections, teardown),                      \
	    cmocka_unit_test_teardown(test_refused_object_leaves_nothing, teardown),               \
	    cmocka_unit_test_teardown(test_refused_object_unpins_its_maps, teardown)

#endif /* EXTBPF_TESTS_E2E_BAD_H */

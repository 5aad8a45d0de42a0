// SPDX-License-Identifier: MIT
/* Every kind of CO-RE relocation, each result stored for the host to check against the
 * target's layout (tests/core_relo/test_core_relo.c names each slot). */
#include "core_local.h"

__u64 results[32];

static __always_inline int plain_a(struct core_inner___plain *in)
{
	return *(int *)__builtin_preserve_access_index(&in->a);
}

SEC("core_test")
int core_kinds(void *ctx)
{
	struct core_s *s;
	struct core_s___v2 *v2;
	__u32 key = 0;

	s = bpf_map_lookup_elem(&input, &key);
	if (!s)
		return 1;
	v2 = (void *)s;
	results[0] = s->x;
	results[1] = s->small;
	results[2] = s->in.a;
	results[3] = s->in.b;
	results[4] = s->arr[2];
	results[5] = s->u2;
	results[6] = BPF_CORE_READ_BITFIELD(s, flag);
	results[7] = BPF_CORE_READ_BITFIELD(s, sflag);
	results[8] = bpf_core_field_exists(s->gone);
	results[9] = bpf_core_field_exists(s->x);
	results[10] = bpf_core_field_size(s->arr);
	results[11] = bpf_core_field_offset(s->in);
	results[12] = __builtin_preserve_field_info(s->sflag, BPF_FIELD_SIGNED);
	results[13] = __builtin_preserve_field_info(s->flag, BPF_FIELD_SIGNED);
	results[14] = bpf_core_type_exists(struct core_s);
	results[15] = bpf_core_type_exists(struct core_nowhere);
	results[16] = bpf_core_type_size(struct core_s);
	results[17] = bpf_core_type_id_kernel(struct core_s);
	results[18] = bpf_core_type_id_local(struct core_s);
	results[19] = bpf_core_enum_value_exists(enum core_e, CORE_GONE);
	results[20] = bpf_core_enum_value_exists(enum core_e, CORE_A);
	results[21] = bpf_core_enum_value(enum core_e, CORE_B);
	results[22] = v2->x;
	results[23] = bpf_core_field_exists(v2->newer);
	/* Code behind a failed existence check may name what is missing: poisoned, never run. */
	if (bpf_core_field_exists(s->gone))
		results[24] = s->gone;
	else
		results[24] = 7;
	results[25] = __builtin_preserve_field_info(s->flag, BPF_FIELD_LSHIFT_U64);
	results[26] = __builtin_preserve_field_info(s->flag, BPF_FIELD_RSHIFT_U64);
	results[27] = bpf_core_type_exists(struct core_nowhere) ? bpf_core_type_size(struct core_nowhere) : 5;
	results[28] = plain_a((void *)&s->in);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

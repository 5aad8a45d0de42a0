// SPDX-License-Identifier: MIT
/*
 * The names of Linux's helper functions by id, from the kernel's own list (<linux/bpf.h>,
 * __BPF_FUNC_MAPPER: id = position), so that a message can say "bpf_timer_init (169)" where a
 * program calls a helper its program type does not offer.
 */
#include <stddef.h>

#include <linux/bpf.h>

#include "isa/isa.h"

/* Headers of Linux 6.1 and later list (name, id) without commas; older ones list names with. */
#ifdef ___BPF_FUNC_MAPPER
#define HELPER_NAME(name, id, ...) [id] = "bpf_" #name,
static const char *const linux_helper_names[] = { ___BPF_FUNC_MAPPER(HELPER_NAME) };
#else
#define HELPER_NAME(name) "bpf_" #name
static const char *const linux_helper_names[] = { __BPF_FUNC_MAPPER(HELPER_NAME) };
#endif
#undef HELPER_NAME

const char *isa_linux_helper_name(uint32_t id)
{
	if (id == 0 || id >= sizeof(linux_helper_names) / sizeof(linux_helper_names[0]))
		return NULL;
	return linux_helper_names[id];
}

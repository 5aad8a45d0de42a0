/* SPDX-License-Identifier: MIT */
/*
 * The versions and sizes of the structures that cross the extension contract, and their check.
 *
 * Every such structure starts with struct ebpf_extension_header. The core accepts a structure
 * only in a version it knows and at a size that version was ever compiled at (fields are only
 * appended, so one version may have had several sizes before it was bumped); anything else is
 * refused rather than guessed at, and so are flag bits the core does not know. The rules are in
 * docs/extensions.md ("How the contract grows").
 */
#ifndef EXTBPF_CORE_CONTRACT_H
#define EXTBPF_CORE_CONTRACT_H

#include <stddef.h>
#include <stdint.h>

#include <extbpf/extension.h>

#define CORE_CONTRACT_MAX_SIZES 4

/* One version of a structure and the sizes (sizeof as compiled) it has had; 0 ends the list. */
struct core_contract_version {
	uint16_t version;
	uint16_t sizes[CORE_CONTRACT_MAX_SIZES];
};

struct core_contract {
	const char *name; /* "struct ebpf_program_info" */
	const struct core_contract_version *versions;
	size_t version_count;
};

extern const struct core_contract core_contract_program_info;
extern const struct core_contract core_contract_attach_provider_data;
extern const struct core_contract core_contract_extension_descriptor;
extern const struct core_contract core_contract_registration;
extern const struct core_contract core_contract_context_info;
extern const struct core_contract core_contract_map_type_info;

/* Copies an attach type's data (checked already) at today's size: what its version lacks is 0. */
void core_attach_data_read(const struct ebpf_attach_provider_data *data,
			   struct ebpf_attach_provider_data *out);

/* Flag bits this core knows. */
#define CORE_PROGRAM_TYPE_FLAGS                                                                    \
	(EBPF_PROGRAM_TYPE_ALLOW_POINTER_LEAK | EBPF_PROGRAM_TYPE_PACKET_READ_ONLY)
#define CORE_MAP_TYPE_FLAGS                                                                        \
	(EBPF_MAP_TYPE_VALUE_READ_ONLY | EBPF_MAP_TYPE_NO_PROG_LOOKUP |                            \
	 EBPF_MAP_TYPE_NO_PROG_UPDATE | EBPF_MAP_TYPE_VERIFY_ONLY)
#define CORE_HELPER_FLAGS                                                                          \
	(EBPF_HELPER_CHANGES_PACKET | EBPF_HELPER_VERIFY_ONLY | EBPF_HELPER_GPL_ONLY |             \
	 EBPF_HELPER_IMPLICIT_CTX | EBPF_HELPER_ACQUIRE | EBPF_HELPER_RELEASE |                    \
	 EBPF_HELPER_PTR_CAST)
/* The runtime's own attach flags (extbpf.h), outside EBPF_ATTACH_HOOK_FLAGS. */
#define CORE_ATTACH_FLAGS     ((1u << 3) | (1u << 4))
#define CORE_CHAIN_POLICY_MAX EBPF_CHAIN_FIRST

/*
 * Checks header against contract: a known version at one of its sizes, and no more than
 * `available` bytes claimed (the NMR registration's npi_specific_size; SIZE_MAX when unknown).
 * `who` names the structure's owner ("extension 'sample', program type 'xdp'"). Returns 0, or
 * -EINVAL with the reason written to msg.
 */
int core_contract_check(const struct core_contract *contract,
			const struct ebpf_extension_header *header, size_t available,
			const char *who, char *msg, size_t msg_size);

/* Refuses bits of `flags` outside `known`: -EINVAL with msg naming field, bits and who. */
int core_contract_check_flags(const char *field, uint32_t flags, uint32_t known, const char *who,
			      char *msg, size_t msg_size);

/*
 * Checks the element size an array declares: 0 (the element's first layout, what an extension
 * built before element sizes existed has) or the one this runtime knows. An element that grows
 * adds its older sizes here and the core copies such arrays into today's layout.
 */
int core_contract_check_element(const char *name, uint32_t size, size_t known, const char *who,
				char *msg, size_t msg_size);

/*
 * Change detectors for what a program was verified against (FNV-1a: a change detector, not a
 * defence). Each extends the running hash h; start with CORE_HASH_BASIS.
 */
#define CORE_HASH_BASIS 0xcbf29ce484222325ull
uint64_t core_hash(uint64_t h, const void *data, size_t size);
uint64_t core_hash_u64(uint64_t h, uint64_t v);
uint64_t core_hash_str(uint64_t h, const char *s);
/* The context as the verifier sees it: layout, packet pointers, type flags, BTF for CO-RE. */
uint64_t core_hash_context(uint64_t h, const struct ebpf_program_info *info);
/* One helper's prototype: id, name, return and argument types, flags. */
uint64_t core_hash_helper(uint64_t h, const struct ebpf_helper_proto *proto);

#endif /* EXTBPF_CORE_CONTRACT_H */

/* SPDX-License-Identifier: MIT */
/*
 * The known versions and sizes of the contract's structures (contract.h). When a field is
 * appended to a structure in include/extbpf/extension.h, its new sizeof goes here: under the
 * current version while nothing shipped with the old size, under a new version otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/contract.h"
#include "verifier/verifier.h"

/* The size a structure had when it ended with `field`: sizeof rounds up to its alignment. */
#define SIZE_ENDING_AT(type, field)                                                                \
	((offsetof(type, field) + sizeof(((type *)0)->field) + _Alignof(type) - 1) /               \
	 _Alignof(type) * _Alignof(type))

static const struct core_contract_version program_info_versions[] = {
	/* Version 1 grew three times: flags, the test-run callbacks, the narrow packet pointers. */
	{ 1,
	  { SIZE_ENDING_AT(struct ebpf_program_info, flags),
	    SIZE_ENDING_AT(struct ebpf_program_info, context_destroy),
	    SIZE_ENDING_AT(struct ebpf_program_info, context_pointers) } },
	/* Version 2: the optional BTF of the context for CO-RE. */
	{ 2, { SIZE_ENDING_AT(struct ebpf_program_info, btf_size) } },
	/* Version 3: the arrays' element sizes and the context by pointer. */
	{ 3, { SIZE_ENDING_AT(struct ebpf_program_info, context_info) } },
	/* Version 4: the sections attached through BTF (Linux's fentry, tp_btf, lsm). */
	{ 4, { SIZE_ENDING_AT(struct ebpf_program_info, btf_attach_count) } },
	/* Version 5: functions called by name (kfuncs). */
	{ 5, { SIZE_ENDING_AT(struct ebpf_program_info, kfunc_count) } },
	/* Version 6: the kfuncs' own BTF (prototypes derived from it). */
	{ 6, { SIZE_ENDING_AT(struct ebpf_program_info, kfunc_btf_size) } },
};

static const struct core_contract_version context_info_versions[] = {
	{ 1, { SIZE_ENDING_AT(struct ebpf_context_info, pointers) } },
	/* Version 2: the readable fields and the pointers they hold. */
	{ 2, { SIZE_ENDING_AT(struct ebpf_context_info, field_size) } },
};

static const struct core_contract_version attach_provider_data_versions[] = {
	{ 1, { SIZE_ENDING_AT(struct ebpf_attach_provider_data, params_size) } },
	/* Version 2: parameter size ranges, the hook's flags, its chaining policy. */
	{ 2, { SIZE_ENDING_AT(struct ebpf_attach_provider_data, default_result) } },
};

static const struct core_contract_version extension_descriptor_versions[] = {
	{ 1, { SIZE_ENDING_AT(struct ebpf_extension_descriptor, unload) } },
};

static const struct core_contract_version registration_versions[] = {
	{ 1, { SIZE_ENDING_AT(struct ebpf_extension_registration, hook_count) } },
	/* Version 2: map types. */
	{ 2, { SIZE_ENDING_AT(struct ebpf_extension_registration, map_type_count) } },
	/* Version 3: hooks with per-link callbacks (struct ebpf_hook grew, this did not). */
	{ 3, { SIZE_ENDING_AT(struct ebpf_extension_registration, map_type_count) } },
};

static const struct core_contract_version map_type_info_versions[] = {
	{ 1, { SIZE_ENDING_AT(struct ebpf_map_type_info, get_next_key) } },
};

#define CONTRACT(name_, versions_)                                                                 \
	{                                                                                          \
		.name = (name_), .versions = (versions_),                                          \
		.version_count = sizeof(versions_) / sizeof((versions_)[0]),                       \
	}

const struct core_contract core_contract_program_info =
    CONTRACT("struct ebpf_program_info", program_info_versions);
const struct core_contract core_contract_attach_provider_data =
    CONTRACT("struct ebpf_attach_provider_data", attach_provider_data_versions);
const struct core_contract core_contract_extension_descriptor =
    CONTRACT("struct ebpf_extension_descriptor", extension_descriptor_versions);
const struct core_contract core_contract_registration =
    CONTRACT("struct ebpf_extension_registration", registration_versions);
const struct core_contract core_contract_context_info =
    CONTRACT("struct ebpf_context_info", context_info_versions);
const struct core_contract core_contract_map_type_info =
    CONTRACT("struct ebpf_map_type_info", map_type_info_versions);

void core_attach_data_read(const struct ebpf_attach_provider_data *data,
			   struct ebpf_attach_provider_data *out)
{
	size_t size = data->header.size < sizeof(*out) ? data->header.size : sizeof(*out);

	/* Version 1's size ends in padding, which nobody promised to zero. */
	if (data->header.version < 2)
		size = offsetof(struct ebpf_attach_provider_data, params_size_max);
	memset(out, 0, sizeof(*out));
	memcpy(out, data, size);
}

static const struct core_contract_version *find_version(const struct core_contract *contract,
							uint16_t version)
{
	for (size_t i = 0; i < contract->version_count; i++) {
		if (contract->versions[i].version == version)
			return &contract->versions[i];
	}
	return NULL;
}

/* "1, 2" or "136, 152": the list a refusal quotes, so the author sees what would be accepted. */
static void format_list(char *buf, size_t size, const uint16_t *values, size_t count, size_t stride)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < count && len < size; i++) {
		uint16_t v = *(const uint16_t *)((const char *)values + i * stride);

		if (!v)
			break;
		len += (size_t)snprintf(buf + len, size - len, "%s%u", i ? ", " : "", v);
	}
}

int core_contract_check(const struct core_contract *contract,
			const struct ebpf_extension_header *header, size_t available,
			const char *who, char *msg, size_t msg_size)
{
	const struct core_contract_version *v = find_version(contract, header->version);
	char known[64];

	if (!v) {
		format_list(known, sizeof(known), &contract->versions[0].version,
			    contract->version_count, sizeof(contract->versions[0]));
		snprintf(msg, msg_size, "%s: %s has unknown version %u (this runtime knows %s)",
			 who, contract->name, header->version, known);
		return -EINVAL;
	}
	for (size_t i = 0; i < CORE_CONTRACT_MAX_SIZES && v->sizes[i]; i++) {
		if (header->size != v->sizes[i])
			continue;
		if (header->size > available) {
			snprintf(msg, msg_size,
				 "%s: %s claims %u bytes but its registration gives only %zu", who,
				 contract->name, header->size, available);
			return -EINVAL;
		}
		return 0;
	}
	format_list(known, sizeof(known), v->sizes, CORE_CONTRACT_MAX_SIZES, sizeof(v->sizes[0]));
	snprintf(msg, msg_size, "%s: %s version %u has unknown size %u bytes (known: %s)", who,
		 contract->name, header->version, header->size, known);
	return -EINVAL;
}

int core_contract_check_flags(const char *field, uint32_t flags, uint32_t known, const char *who,
			      char *msg, size_t msg_size)
{
	if (!(flags & ~known))
		return 0;
	snprintf(msg, msg_size, "%s: %s has unknown flag bits 0x%x (this runtime knows 0x%x)", who,
		 field, flags & ~known, known);
	return -EINVAL;
}

int core_contract_check_element(const char *name, uint32_t size, size_t known, const char *who,
				char *msg, size_t msg_size)
{
	if (!size || size == known)
		return 0;
	snprintf(msg, msg_size, "%s: %s array has unknown element size %u (known: %zu)", who, name,
		 size, known);
	return -EINVAL;
}

/* ---- change detectors --------------------------------------------------------------------- */

uint64_t core_hash(uint64_t h, const void *data, size_t size)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < size; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

uint64_t core_hash_u64(uint64_t h, uint64_t v)
{
	return core_hash(h, &v, sizeof(v));
}

uint64_t core_hash_str(uint64_t h, const char *s)
{
	return core_hash(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

/* The readable fields (context_info version 2): another rule is another contract. */
static uint64_t hash_context_fields(uint64_t h, const struct ebpf_program_info *info)
{
	const struct ebpf_context_info *ci = info->header.version >= 3 ? info->context_info : NULL;

	if (!ci || ci->header.version < 2 || !ci->fields)
		return h;
	for (uint32_t i = 0; i < ci->field_count; i++) {
		const struct ebpf_context_field *f = verifier_ctx_field_at(ci, i);

		h = core_hash_u64(h, f->offset);
		h = core_hash_u64(h, f->size);
		h = core_hash_u64(h, ((uint64_t)f->width << 16) | f->flags);
		h = core_hash_u64(h, f->pointer);
		h = core_hash_u64(h, f->pointee_size);
	}
	return h;
}

uint64_t core_hash_context(uint64_t h, const struct ebpf_program_info *info)
{
	const struct ebpf_context_descriptor *ctx = &info->context;

	h = core_hash_u64(h, ctx->size);
	h = core_hash_u64(h, (uint64_t)(int64_t)ctx->data);
	h = core_hash_u64(h, (uint64_t)(int64_t)ctx->data_end);
	h = core_hash_u64(h, (uint64_t)(int64_t)ctx->meta);
	for (uint32_t i = 0; i < ctx->writable_count; i++) {
		h = core_hash_u64(h, ctx->writable[i].offset);
		h = core_hash_u64(h, ctx->writable[i].size);
	}
	h = core_hash_u64(h, info->flags);
	h = core_hash(h, &info->context_pointers, sizeof(info->context_pointers));
	h = hash_context_fields(h, info);
	/* CO-RE relocated the program against this BTF: another layout is another contract. */
	if (info->btf && info->btf_size)
		h = core_hash(h, info->btf, info->btf_size);
	return h;
}

uint64_t core_hash_helper(uint64_t h, const struct ebpf_helper_proto *proto)
{
	h = core_hash_u64(h, proto->id);
	h = core_hash_str(h, proto->name);
	h = core_hash_u64(h, proto->ret);
	for (int a = 0; a < 5; a++)
		h = core_hash_u64(h, proto->args[a]);
	return core_hash_u64(h, proto->flags);
}

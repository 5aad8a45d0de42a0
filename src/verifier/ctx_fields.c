// SPDX-License-Identifier: MIT
/*
 * The context's readable fields (struct ebpf_context_info, version 2): which loads a program
 * type allows where (Linux's *_is_valid_access: __sk_buff fields hidden from some types, access
 * sizes per field), and the pointers some fields hold (Linux's __sk_buff.sk, flow_keys,
 * bpf_sk_lookup.sk, ...). A type without fields keeps the first contract's rule: every byte
 * of the context reads as a number.
 */
#include <stdio.h>

#include "verifier_int.h"

/* The version-2 part of the context, NULL when the type does not give it. */
static const struct ebpf_context_info *fields_info(const struct ebpf_program_info *info)
{
	const struct ebpf_context_info *ci;

	if (info->header.version < 3 || !info->context_info)
		return NULL;
	ci = info->context_info;
	if (ci->header.version < 2 || !ci->fields || !ci->field_count)
		return NULL;
	return ci;
}

const struct ebpf_context_field *verifier_ctx_field_at(const struct ebpf_context_info *ci,
						       uint32_t i)
{
	uint32_t stride = ci->field_size ? ci->field_size : sizeof(struct ebpf_context_field);

	return (const struct ebpf_context_field *)((const char *)ci->fields + (size_t)i * stride);
}

static uint32_t field_width(const struct ebpf_context_field *f)
{
	return f->width ? f->width : f->size;
}

/* Whether f lets a program load (store: with narrow the flag allowing narrow stores) size
 * bytes at off (both in context bytes). */
static bool field_allows_narrow(const struct ebpf_context_field *f, int64_t off, int size,
				uint16_t narrow)
{
	uint32_t width = field_width(f);

	if (off < f->offset || off + size > (int64_t)f->offset + f->size)
		return false;
	if ((uint32_t)size == width)
		return (off - f->offset) % width == 0;
	if (!(f->flags & narrow) || (uint32_t)size > width)
		return false;
	return off % size == 0;
}

static bool field_allows(const struct ebpf_context_field *f, int64_t off, int size)
{
	return field_allows_narrow(f, off, size, EBPF_CTX_FIELD_NARROW);
}

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static int field_err(char *why, size_t why_size, uint32_t i, const struct ebpf_context_field *f,
		     const char *what)
{
	snprintf(why, why_size, "context field #%u (offset %u, size %u) %s", i, f->offset, f->size,
		 what);
	return -EINVAL;
}

/* A pointer field: whole, aligned, alone, never written. */
static int check_pointer_field(const struct ebpf_context_info *ci, uint32_t i,
			       const struct ebpf_context_field *f, uint32_t *mem_fields, char *why,
			       size_t why_size)
{
	if (f->pointer > EBPF_CTX_PTR_MEM)
		return field_err(why, why_size, i, f, "has an unknown pointer kind");
	if (f->size != 8 || field_width(f) != 8 || f->offset % 8 ||
	    (f->flags & EBPF_CTX_FIELD_NARROW))
		return field_err(
		    why, why_size, i, f,
		    "holds a pointer: it must be 8 bytes at a multiple of 8, read whole");
	if (f->pointer == EBPF_CTX_PTR_MEM && (!f->pointee_size || ++*mem_fields > 1))
		return field_err(why, why_size, i, f,
				 f->pointee_size ? "is a second memory pointer (one per context)"
						 : "points to memory of size 0");
	for (uint32_t j = 0; j < ci->field_count; j++) {
		const struct ebpf_context_field *g = verifier_ctx_field_at(ci, j);

		if (j != i && overlaps(f->offset, 8, g->offset, g->size))
			return field_err(why, why_size, i, f,
					 "holds a pointer, and another field overlaps it");
	}
	for (uint32_t j = 0; j < ci->writable_count; j++) {
		const struct ebpf_context_range *r = &ci->writable[j];

		if (overlaps(f->offset, 8, r->offset, r->size))
			return field_err(why, why_size, i, f,
					 "holds a pointer, but a writable range covers it");
	}
	return 0;
}

int verifier_ctx_fields_check(const struct ebpf_context_info *ci, char *why, size_t why_size)
{
	uint32_t mem_fields = 0;

	if (ci->header.version < 2 || !ci->field_count)
		return 0;
	if (!ci->fields) {
		snprintf(why, why_size, "%u context fields declared without the array",
			 ci->field_count);
		return -EINVAL;
	}
	for (uint32_t i = 0; i < ci->field_count; i++) {
		const struct ebpf_context_field *f = verifier_ctx_field_at(ci, i);
		uint32_t width = field_width(f);
		int err;

		if (!f->size || (uint64_t)f->offset + f->size > ci->size)
			return field_err(why, why_size, i, f, "lies outside the context");
		if (f->flags & ~(EBPF_CTX_FIELD_NARROW | EBPF_CTX_FIELD_NARROW_STORE))
			return field_err(why, why_size, i, f, "has unknown flag bits");
		if (!is_pow2(width) || width > 8 || width > f->size ||
		    (!(f->flags & EBPF_CTX_FIELD_NARROW) && f->size % width))
			return field_err(why, why_size, i, f,
					 "has a width that is not 1, 2, 4 or 8 bytes dividing it");
		if (!f->pointer)
			continue;
		err = check_pointer_field(ci, i, f, &mem_fields, why, why_size);
		if (err)
			return err;
	}
	return 0;
}

/* The register a pointer field's load gives. */
static void load_pointer(struct venv *env, const struct ebpf_context_field *f, struct reg *out)
{
	static const enum reg_type types[] = {
		[EBPF_CTX_PTR_SOCKET] = PTR_TO_SOCKET,
		[EBPF_CTX_PTR_SOCKET_OR_NULL] = PTR_TO_SOCKET_OR_NULL,
		[EBPF_CTX_PTR_SOCK_COMMON_OR_NULL] = PTR_TO_SOCK_COMMON_OR_NULL,
		[EBPF_CTX_PTR_MEM] = PTR_TO_MEM,
	};

	reg_mark_ptr(out, types[f->pointer]);
	/* Copies of one load share its null check; the context holds the object, the program
	 * holds no reference (nothing to release). */
	out->id = ++env->id_gen;
	out->ref_id = 0;
	if (f->pointer == EBPF_CTX_PTR_MEM)
		out->range = f->pointee_size;
}

int ctx_field_read(struct venv *env, uint32_t idx, int64_t off, int size, bool sext,
		   struct reg *out)
{
	const struct ebpf_program_info *info = env->in->info;
	const struct ebpf_context_info *ci = fields_info(info);

	if (!ci)
		return 1;
	for (uint32_t i = 0; i < ci->field_count; i++) {
		const struct ebpf_context_field *f = verifier_ctx_field_at(ci, i);

		if (!field_allows(f, off, size))
			continue;
		if (!f->pointer) {
			result_scalar(out, size, sext);
			return 0;
		}
		if (sext)
			return verr_state(env, idx, -EACCES,
					  "sign-extending load of the pointer at context offset "
					  "%lld prohibited",
					  (long long)off);
		load_pointer(env, f, out);
		return 0;
	}
	return verr_state(env, idx, -EACCES,
			  "program type '%s' may not read context offset %lld (size %d)",
			  info->name ? info->name : "?", (long long)off, size);
}

/*
 * A store the writable ranges allow also writes whole fields as Linux's *_is_valid_access do:
 * the width of a field containing it, aligned, unless the field takes narrow stores. Bytes no
 * field describes keep the ranges' rule (any store inside them).
 */
int ctx_field_write(struct venv *env, uint32_t idx, int64_t off, int size)
{
	const struct ebpf_program_info *info = env->in->info;
	const struct ebpf_context_info *ci = fields_info(info);
	const struct ebpf_context_field *hit = NULL;
	uint32_t width;
	int64_t word;

	if (!ci)
		return 1;
	for (uint32_t i = 0; i < ci->field_count; i++) {
		const struct ebpf_context_field *f = verifier_ctx_field_at(ci, i);

		if (f->pointer || !overlaps(off, size, f->offset, f->size))
			continue;
		if (field_allows_narrow(f, off, size, EBPF_CTX_FIELD_NARROW_STORE))
			return 1;
		hit = f;
	}
	if (!hit)
		return 1;
	width = field_width(hit);
	word = off < hit->offset ? hit->offset : off - (off - hit->offset) % width;
	return verr_state(env, idx, -EACCES,
			  "a %d-byte store at context offset %lld prohibited: program type '%s' "
			  "writes the %u-byte field at offset %lld whole, one field per store",
			  size, (long long)off, info->name ? info->name : "?", width,
			  (long long)word);
}

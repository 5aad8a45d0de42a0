// SPDX-License-Identifier: MIT
/*
 * Scalar value tracking: the transfer function of every ALU instruction, pointer arithmetic,
 * and conditional jumps (is a branch decided? what does each side prove?).
 *
 * Every register carries bounds of its low 32 bits beside the 64-bit ones (as Linux's
 * s32/u32_min/max_value). Addition and subtraction compute them with 32-bit wrap-around for
 * either width; the other 32-bit operations are computed as 64-bit operations on the
 * zero-extended low halves, then truncated. JMP32 compares and refines the 32-bit bounds.
 */
#include <string.h>

#include "verifier_int.h"

#define U32_MAX 0xffffffffull

static uint64_t umax64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t umin64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static int64_t smax64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static int64_t smin64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static void reg_unbound_signed(struct reg *reg)
{
	reg->smin = INT64_MIN;
	reg->smax = INT64_MAX;
}

static void reg_unbound_unsigned(struct reg *reg)
{
	reg->umin = 0;
	reg->umax = UINT64_MAX;
}

static uint32_t umax32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

static uint32_t umin32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static int32_t smax32(int32_t a, int32_t b)
{
	return a > b ? a : b;
}

static int32_t smin32(int32_t a, int32_t b)
{
	return a < b ? a : b;
}

static void bounds_from_tnum(struct reg *r)
{
	uint32_t v32 = (uint32_t)r->var.value, m32 = (uint32_t)r->var.mask;

	r->smin = smax64(r->smin, (int64_t)(r->var.value | (r->var.mask & (1ull << 63))));
	r->smax = smin64(r->smax, (int64_t)(r->var.value | (r->var.mask & ~(1ull << 63))));
	r->umin = umax64(r->umin, r->var.value);
	r->umax = umin64(r->umax, r->var.value | r->var.mask);
	r->s32_min = smax32(r->s32_min, (int32_t)(v32 | (m32 & (1u << 31))));
	r->s32_max = smin32(r->s32_max, (int32_t)(v32 | (m32 & ~(1u << 31))));
	r->u32_min = umax32(r->u32_min, v32);
	r->u32_max = umin32(r->u32_max, v32 | m32);
}

/* Each of the signed and unsigned ranges can tighten the other where they agree on sign. */
static void deduce_bounds(struct reg *r)
{
	if (r->smin >= 0 || r->smax < 0) {
		r->umin = umax64((uint64_t)r->smin, r->umin);
		r->umax = umin64((uint64_t)r->smax, r->umax);
		r->smin = (int64_t)r->umin;
		r->smax = (int64_t)r->umax;
	} else if ((int64_t)r->umax >= 0) {
		r->smin = (int64_t)r->umin;
		r->umax = umin64(r->umax, (uint64_t)r->smax);
		r->smax = (int64_t)r->umax;
	} else if ((int64_t)r->umin < 0) {
		r->umin = umax64(r->umin, (uint64_t)r->smin);
		r->smin = (int64_t)r->umin;
		r->smax = (int64_t)r->umax;
	}
}

/* The same for the low 32 bits (Linux's __reg32_deduce_bounds). */
static void deduce_bounds32(struct reg *r)
{
	if (r->s32_min >= 0 || r->s32_max < 0) {
		r->u32_min = umax32((uint32_t)r->s32_min, r->u32_min);
		r->u32_max = umin32((uint32_t)r->s32_max, r->u32_max);
		r->s32_min = (int32_t)r->u32_min;
		r->s32_max = (int32_t)r->u32_max;
	} else if ((int32_t)r->u32_max >= 0) {
		r->s32_min = (int32_t)r->u32_min;
		r->u32_max = umin32(r->u32_max, (uint32_t)r->s32_max);
		r->s32_max = (int32_t)r->u32_max;
	} else if ((int32_t)r->u32_min < 0) {
		r->u32_min = umax32(r->u32_min, (uint32_t)r->s32_min);
		r->s32_min = (int32_t)r->u32_min;
		r->s32_max = (int32_t)r->u32_max;
	}
}

/*
 * What a contiguous 64-bit range [lo, hi] says of its low halves: inside one 4 GiB block they
 * run from (u32)lo to (u32)hi; across one block boundary they still form one signed 32-bit
 * range when they go from negative through -1 to 0 and up.
 */
static void range64_into_32(struct reg *r, uint64_t lo, uint64_t hi)
{
	if ((lo >> 32) == (hi >> 32)) {
		r->u32_min = umax32(r->u32_min, (uint32_t)lo);
		r->u32_max = umin32(r->u32_max, (uint32_t)hi);
		if ((int32_t)lo <= (int32_t)hi) {
			r->s32_min = smax32(r->s32_min, (int32_t)lo);
			r->s32_max = smin32(r->s32_max, (int32_t)hi);
		}
	} else if ((uint32_t)(lo >> 32) + 1 == (uint32_t)(hi >> 32) && (int32_t)lo < 0 &&
		   (int32_t)hi >= 0) {
		r->s32_min = smax32(r->s32_min, (int32_t)lo);
		r->s32_max = smin32(r->s32_max, (int32_t)hi);
	}
}

/* Linux's __reg_combine_64_into_32: the 64-bit ranges bound the low half. */
static void bounds32_from_64(struct reg *r)
{
	if (r->umin <= r->umax)
		range64_into_32(r, r->umin, r->umax);
	if (r->smin <= r->smax)
		range64_into_32(r, (uint64_t)r->smin, (uint64_t)r->smax);
}

/*
 * Linux's __reg_combine_32_into_64: where a 64-bit range stays inside one 4 GiB block its upper
 * half is fixed, so the low half's range bounds the whole value.
 */
static void bounds64_from_32(struct reg *r)
{
	uint64_t hi;

	if ((r->umin >> 32) == (r->umax >> 32)) {
		hi = r->umin & ~U32_MAX;
		r->umin = umax64(r->umin, hi | r->u32_min);
		r->umax = umin64(r->umax, hi | r->u32_max);
	}
	if ((r->smin >> 32) == (r->smax >> 32)) {
		hi = (uint64_t)r->smin & ~U32_MAX;
		r->smin = smax64(r->smin, (int64_t)(hi | r->u32_min));
		r->smax = smin64(r->smax, (int64_t)(hi | r->u32_max));
	}
}

/* Known bits from the ranges of the whole value and of its low half. */
static void tnum_from_bounds(struct reg *r)
{
	if (r->umin <= r->umax)
		r->var = tnum_intersect(r->var, tnum_range(r->umin, r->umax));
	if (r->u32_min <= r->u32_max) {
		struct tnum low = tnum_range(r->u32_min, r->u32_max);

		low.mask |= ~U32_MAX; /* says nothing of the upper half */
		r->var = tnum_intersect(r->var, low);
	}
}

/* Every view of the value (known bits, 64-bit and 32-bit ranges) tightens the others. */
void reg_bounds_sync(struct reg *r)
{
	bounds_from_tnum(r);
	deduce_bounds32(r);
	deduce_bounds(r);
	bounds32_from_64(r);
	deduce_bounds32(r);
	bounds64_from_32(r);
	deduce_bounds(r);
	tnum_from_bounds(r);
	bounds_from_tnum(r);
}

/* False when the constraints contradict each other: the path cannot happen. */
bool reg_bounds_sane(const struct reg *r)
{
	if (r->type != SCALAR && !reg_is_pointer(r))
		return true;
	return r->umin <= r->umax && r->smin <= r->smax && r->u32_min <= r->u32_max &&
	       r->s32_min <= r->s32_max && r->umin <= (r->var.value | r->var.mask) &&
	       r->umax >= r->var.value;
}

/* The contiguous range of the low `bits` bits, or false when they wrap. */
static bool low_range(const struct reg *r, int bits, uint64_t *lo, uint64_t *hi)
{
	uint64_t m = (1ull << bits) - 1;

	if ((r->umin >> bits) == (r->umax >> bits)) {
		*lo = r->umin & m;
		*hi = r->umax & m;
		return true;
	}
	if ((r->smin >> bits) == (r->smax >> bits)) {
		*lo = (uint64_t)r->smin & m;
		*hi = (uint64_t)r->smax & m;
		return *lo <= *hi;
	}
	return false;
}

/* The value truncated to its low 32 bits (what every ALU32 instruction leaves). */
void reg_zext32(struct reg *r)
{
	reg_bounds_sync(r);
	r->var = tnum_cast(r->var, 4);
	r->umin = r->u32_min;
	r->umax = r->u32_max;
	r->smin = (int64_t)r->u32_min;
	r->smax = (int64_t)r->u32_max;
	reg_bounds_sync(r);
}

/* Known bits of the low `bits` bits sign-extended. */
static struct tnum tnum_sext(struct tnum t, int bits)
{
	uint64_t low = (1ull << bits) - 1, sign = 1ull << (bits - 1);

	t.value &= low;
	t.mask &= low;
	if (t.mask & sign)
		t.mask |= ~low;
	else if (t.value & sign)
		t.value |= ~low;
	return t;
}

/* The low `bytes` bytes sign-extended to 64 bits. */
void reg_sext(struct reg *r, int bytes)
{
	int bits = bytes * 8;
	uint64_t half = 1ull << (bits - 1), lo, hi;

	if (bytes == 8)
		return;
	if (reg_is_const(r)) {
		uint64_t v = r->var.value & ((1ull << bits) - 1);

		reg_mark_const(r, v & half ? v | ~((1ull << bits) - 1) : v);
		return;
	}
	reg_bounds_sync(r);
	if (bytes == 4) {
		/* The low half stays as it was: its signed range is the whole value's. */
		r->smin = r->s32_min;
		r->smax = r->s32_max;
	} else if (low_range(r, bits, &lo, &hi) && (hi < half || lo >= half)) {
		int64_t shift = lo >= half ? (int64_t)(1ull << bits) : 0;

		r->smin = (int64_t)lo - shift;
		r->smax = (int64_t)hi - shift;
		reg_unbound32(r);
	} else {
		r->smin = -(int64_t)half;
		r->smax = (int64_t)half - 1;
		reg_unbound32(r);
	}
	r->var = tnum_sext(r->var, bits);
	reg_unbound_unsigned(r);
	reg_bounds_sync(r);
}

/* ---- concrete evaluation (both operands known) -------------------------------------------- */

static uint64_t eval_alu(uint8_t op, int16_t off, uint64_t a, uint64_t b, bool is64)
{
	uint8_t shift_mask = is64 ? 63 : 31;

	if (!is64) {
		a = (uint32_t)a;
		b = (uint32_t)b;
	}
	switch (op) {
	case EBPF_ALU_ADD:
		return a + b;
	case EBPF_ALU_SUB:
		return a - b;
	case EBPF_ALU_MUL:
		return a * b;
	case EBPF_ALU_OR:
		return a | b;
	case EBPF_ALU_AND:
		return a & b;
	case EBPF_ALU_XOR:
		return a ^ b;
	case EBPF_ALU_LSH:
		return a << (b & shift_mask);
	case EBPF_ALU_RSH:
		return a >> (b & shift_mask);
	case EBPF_ALU_ARSH:
		if (!is64)
			return (uint32_t)((int32_t)a >> (b & shift_mask));
		return (uint64_t)((int64_t)a >> (b & shift_mask));
	case EBPF_ALU_DIV:
		if (!b)
			return 0;
		if (off != 1)
			return a / b;
		if (is64) {
			if ((int64_t)a == INT64_MIN && (int64_t)b == -1)
				return a;
			return (uint64_t)((int64_t)a / (int64_t)b);
		}
		if ((int32_t)a == INT32_MIN && (int32_t)b == -1)
			return a;
		return (uint32_t)((int32_t)a / (int32_t)b);
	case EBPF_ALU_MOD:
		if (!b)
			return a;
		if (off != 1)
			return a % b;
		if (is64) {
			if ((int64_t)b == -1)
				return 0;
			return (uint64_t)((int64_t)a % (int64_t)b);
		}
		if ((int32_t)b == -1)
			return 0;
		return (uint32_t)((int32_t)a % (int32_t)b);
	default:
		return 0;
	}
}

/* ---- abstract transfer functions (64-bit) ------------------------------------------------- */

static void scalar_add(struct reg *a, const struct reg *b)
{
	int64_t smin, smax;

	if (__builtin_add_overflow(a->smin, b->smin, &smin) ||
	    __builtin_add_overflow(a->smax, b->smax, &smax)) {
		reg_unbound_signed(a);
	} else {
		a->smin = smin;
		a->smax = smax;
	}
	if (a->umax + b->umax < a->umax) {
		reg_unbound_unsigned(a);
	} else {
		a->umin += b->umin;
		a->umax += b->umax;
	}
	a->var = tnum_add(a->var, b->var);
}

/* The low halves of a + b or a - b, for ALU32 and ALU64 alike (Linux's scalar32_min_max_*). */
static void scalar32_addsub(struct reg *a, const struct reg *b, uint8_t op)
{
	int32_t smin = 0, smax = 0;
	uint32_t umin, umax = 0;
	bool s_over, u_over;

	if (op == EBPF_ALU_ADD) {
		s_over = __builtin_add_overflow(a->s32_min, b->s32_min, &smin) ||
			 __builtin_add_overflow(a->s32_max, b->s32_max, &smax);
		u_over = __builtin_add_overflow(a->u32_max, b->u32_max, &umax);
		umin = a->u32_min + b->u32_min;
	} else {
		s_over = __builtin_sub_overflow(a->s32_min, b->s32_max, &smin) ||
			 __builtin_sub_overflow(a->s32_max, b->s32_min, &smax);
		u_over = a->u32_min < b->u32_max;
		umin = a->u32_min - b->u32_max;
		umax = a->u32_max - b->u32_min;
	}
	a->s32_min = s_over ? INT32_MIN : smin;
	a->s32_max = s_over ? INT32_MAX : smax;
	a->u32_min = u_over ? 0 : umin;
	a->u32_max = u_over ? UINT32_MAX : umax;
}

static void scalar_sub(struct reg *a, const struct reg *b)
{
	int64_t smin, smax;

	if (__builtin_sub_overflow(a->smin, b->smax, &smin) ||
	    __builtin_sub_overflow(a->smax, b->smin, &smax)) {
		reg_unbound_signed(a);
	} else {
		a->smin = smin;
		a->smax = smax;
	}
	if (a->umin < b->umax) {
		reg_unbound_unsigned(a);
	} else {
		a->umin -= b->umax;
		a->umax -= b->umin;
	}
	a->var = tnum_sub(a->var, b->var);
}

static void scalar_mul(struct reg *a, const struct reg *b)
{
	a->var = tnum_mul(a->var, b->var);
	if (a->smin < 0 || b->smin < 0 || a->umax > U32_MAX || b->umax > U32_MAX) {
		reg_unbound_signed(a);
		reg_unbound_unsigned(a);
		return;
	}
	a->umin *= b->umin;
	a->umax *= b->umax;
	a->smin = INT64_MIN;
	a->smax = INT64_MAX;
}

static void scalar_bitop(struct reg *a, const struct reg *b, uint8_t op)
{
	bool nonneg = a->smin >= 0 && b->smin >= 0;

	switch (op) {
	case EBPF_ALU_AND:
		a->var = tnum_and(a->var, b->var);
		a->umax = umin64(a->umax, b->umax);
		a->umin = a->var.value;
		break;
	case EBPF_ALU_OR:
		a->var = tnum_or(a->var, b->var);
		a->umin = umax64(a->umin, b->umin);
		a->umax = a->var.value | a->var.mask;
		break;
	default: /* XOR */
		a->var = tnum_xor(a->var, b->var);
		a->umin = a->var.value;
		a->umax = a->var.value | a->var.mask;
		break;
	}
	if (nonneg && (int64_t)a->umax >= 0) {
		a->smin = (int64_t)a->umin;
		a->smax = (int64_t)a->umax;
	} else {
		reg_unbound_signed(a);
	}
}

static void scalar_shift(struct reg *a, uint8_t op, uint8_t k)
{
	switch (op) {
	case EBPF_ALU_LSH:
		if (k && a->umax > (UINT64_MAX >> k)) {
			reg_unbound_unsigned(a);
		} else {
			a->umin <<= k;
			a->umax <<= k;
		}
		reg_unbound_signed(a);
		a->var = tnum_lshift(a->var, k);
		break;
	case EBPF_ALU_RSH:
		a->umin >>= k;
		a->umax >>= k;
		reg_unbound_signed(a);
		a->var = tnum_rshift(a->var, k);
		break;
	default: /* ARSH */
		a->smin >>= k;
		a->smax >>= k;
		reg_unbound_unsigned(a);
		a->var = tnum_arshift(a->var, k, 64);
		break;
	}
}

/* Unsigned division and modulo; RFC 9669: x / 0 == 0, x % 0 == x. */
static void scalar_divmod(struct reg *a, const struct reg *b, uint8_t op)
{
	uint64_t lo = 0, hi = a->umax;

	if (op == EBPF_ALU_DIV && reg_is_const(b) && b->var.value == 0) {
		reg_mark_const(a, 0);
		return;
	}
	if (op == EBPF_ALU_DIV) {
		if (b->umin > 0) {
			lo = a->umin / b->umax;
			hi = a->umax / b->umin;
		}
	} else if (b->umin > 0 && a->umax < b->umin) {
		return; /* x % k == x */
	} else if (b->umin > 0) {
		hi = umin64(a->umax, b->umax - 1);
	}
	a->umin = lo;
	a->umax = hi;
	reg_unbound_signed(a);
	a->var = tnum_range(lo, hi);
}

static void scalar_op(struct reg *a, const struct reg *b, uint8_t op, int16_t off)
{
	switch (op) {
	case EBPF_ALU_ADD:
		scalar_add(a, b);
		break;
	case EBPF_ALU_SUB:
		scalar_sub(a, b);
		break;
	case EBPF_ALU_MUL:
		scalar_mul(a, b);
		break;
	case EBPF_ALU_AND:
	case EBPF_ALU_OR:
	case EBPF_ALU_XOR:
		scalar_bitop(a, b, op);
		break;
	case EBPF_ALU_DIV:
	case EBPF_ALU_MOD:
		if (off == 1)
			reg_mark_unknown(a);
		else
			scalar_divmod(a, b, op);
		break;
	default:
		reg_mark_unknown(a);
		break;
	}
}

/* dst op= src on scalars, 64-bit or 32-bit. */
static void scalar_alu(struct reg *dst, const struct reg *src_in, uint8_t op, int16_t off,
		       bool is64)
{
	struct reg src = *src_in;
	uint8_t width = is64 ? 64 : 32;

	if (reg_is_const(dst) && reg_is_const(&src)) {
		uint64_t v = eval_alu(op, off, dst->var.value, src.var.value, is64);

		reg_mark_const(dst, is64 ? v : (uint32_t)v);
		return;
	}
	dst->id = 0;
	if (!is64) {
		if (op == EBPF_ALU_ARSH)
			reg_sext(dst, 4);
		else
			reg_zext32(dst);
		reg_zext32(&src);
	}
	/* The 64-bit transfer functions leave the 32-bit bounds alone: set them first. */
	if (op == EBPF_ALU_ADD || op == EBPF_ALU_SUB)
		scalar32_addsub(dst, &src, op);
	else
		reg_unbound32(dst);
	if (op == EBPF_ALU_LSH || op == EBPF_ALU_RSH || op == EBPF_ALU_ARSH) {
		if (!reg_is_const(&src)) {
			reg_mark_unknown(dst);
		} else {
			scalar_shift(dst, op, src.var.value & (width - 1));
			if (!is64 && op == EBPF_ALU_ARSH)
				reg_zext32(dst);
		}
	} else {
		scalar_op(dst, &src, op, off);
	}
	reg_bounds_sync(dst);
	if (!is64)
		reg_zext32(dst);
}

/* ---- ALU instructions --------------------------------------------------------------------- */

static const char *alu_op_name(uint8_t op)
{
	static const char *const names[16] = { "+",  "-",   "*", "/", "|",   "&",   "<<",
					       ">>", "neg", "%", "^", "mov", "s>>", "endian" };

	return names[op >> 4] ? names[op >> 4] : "?";
}

static bool is_packet_family(const struct reg *r)
{
	return r->type == PTR_TO_PACKET || r->type == PTR_TO_PACKET_META ||
	       r->type == PTR_TO_PACKET_END;
}

static int check_reg_read(struct venv *env, uint32_t idx, int regno)
{
	if (cur_regs(env)[regno].type == NOT_INIT)
		return verr_state(env, idx, -EACCES, "read of uninitialised register r%d", regno);
	return 0;
}

/*
 * The range of a packet pointer moved by a variable amount. Moved back by d >= dmin >= 0, the
 * range R > 0 still proves pkt + var + R <= end, and the result's variable part is var - d:
 * pkt + (var - d) + R + dmin <= end, a range of R + dmin from the new pointer (an access must
 * still start at or after the packet's start: packet_access). Moved forward by any amount, it
 * proves nothing until it is compared again.
 */
static uint32_t pkt_range_moved(const struct reg *ptr, const struct reg *off, uint8_t op)
{
	int64_t back;

	if (!ptr->range)
		return 0;
	if (op == EBPF_ALU_SUB ? off->smin < 0 : off->smax > 0)
		return 0;
	back = op == EBPF_ALU_SUB ? off->smin : off->smax == INT64_MIN ? INT64_MAX : -off->smax;
	/* Proving fewer bytes is safe. */
	if (back > MAX_PACKET_OFF - (int64_t)ptr->range)
		back = MAX_PACKET_OFF - (int64_t)ptr->range;
	return ptr->range + (uint32_t)(back > 0 ? back : 0);
}

/* ptr += / -= scalar. */
static int pointer_alu(struct venv *env, uint32_t idx, struct reg *dst, const struct reg *ptr,
		       const struct reg *off, uint8_t op, int regno)
{
	struct reg res = *ptr;
	char desc[96];

	/* Where the pointer was against data_end says nothing of the moved one: moved back it
	 * may be inside; moved forward it is still past, but Linux 6.18 forgets that too. */
	res.pkt_end_side = PKT_END_UNKNOWN;
	reg_describe(env, ptr, desc, sizeof(desc));
	if (reg_type_nonnull(ptr->type) != NOT_INIT)
		return verr_state(env, idx, -EACCES,
				  "pointer arithmetic on r%d (%s) before a null check prohibited",
				  regno, desc);
	switch (ptr->type) {
	case PTR_TO_PACKET_END:
	case CONST_MAP_PTR:
	case PTR_TO_ITER_INT:
	case PTR_TO_SOCKET:
	case PTR_TO_SOCK_COMMON:
	case PTR_TO_TCP_SOCK:
		return verr_state(env, idx, -EACCES, "pointer arithmetic on r%d (%s) prohibited",
				  regno, desc);
	case PTR_TO_CTX:
		if (!reg_is_const(off))
			return verr_state(env, idx, -EACCES,
					  "variable offset on ctx pointer r%d prohibited (only "
					  "constant offsets)",
					  regno);
		break;
	default:
		break;
	}
	if (reg_is_const(off)) {
		int64_t v = (int64_t)off->var.value, n = 0;

		/* Bounded before negating and adding: -INT64_MIN and INT64_MAX + off overflow. */
		if (v > -MAX_VAR_OFF && v < MAX_VAR_OFF)
			n = (int64_t)ptr->off + (op == EBPF_ALU_SUB ? -v : v);
		if (v <= -MAX_VAR_OFF || v >= MAX_VAR_OFF || n <= -MAX_VAR_OFF || n >= MAX_VAR_OFF)
			return verr_state(env, idx, -EACCES,
					  "pointer offset out of range: r%d (%s) %s %lld", regno,
					  desc, alu_op_name(op), (long long)off->var.value);
		res.off = (int32_t)n;
	} else {
		scalar32_addsub(&res, off, op);
		if (op == EBPF_ALU_SUB)
			scalar_sub(&res, off);
		else
			scalar_add(&res, off);
		reg_bounds_sync(&res);
		if (reg_is_packet(&res)) {
			res.id = ++env->id_gen;
			res.range = pkt_range_moved(ptr, off, op);
		}
	}
	*dst = res;
	return 0;
}

/*
 * dst = dst - src of two packet pointers: a number. pkt_end - (data + off), in 64 bits, stays
 * linked to data + off: a lower bound proven on it later proves the packet's bytes
 * (prove_pkt_len). A fresh id names the value, so any change to it breaks the link.
 */
static void pkt_distance(struct venv *env, struct reg *dst, const struct reg *src, bool is64)
{
	bool link = is64 && dst->type == PTR_TO_PACKET_END && src->type == PTR_TO_PACKET &&
		    src->id == 0 && src->off >= 0 && tnum_is_const(src->var) && src->var.value == 0;
	int32_t off = src->off;

	reg_mark_unknown(dst);
	if (!is64)
		reg_zext32(dst);
	if (!link)
		return;
	dst->id = ++env->id_gen;
	dst->pkt_len_id = dst->id;
	dst->pkt_len_off = off;
}

static bool same_object(const struct venv *env, const struct reg *a, const struct reg *b);

/* The offset of p from the start of what it points into, as a scalar: off + the variable part. */
static void ptr_offset_scalar(const struct reg *p, struct reg *out)
{
	struct reg off;

	reg_mark_unknown(out);
	out->var = p->var;
	out->smin = p->smin;
	out->smax = p->smax;
	out->umin = p->umin;
	out->umax = p->umax;
	out->s32_min = p->s32_min;
	out->s32_max = p->s32_max;
	out->u32_min = p->u32_min;
	out->u32_max = p->u32_max;
	reg_mark_const(&off, (uint64_t)(int64_t)p->off);
	scalar32_addsub(out, &off, EBPF_ALU_ADD);
	scalar_add(out, &off);
	reg_bounds_sync(out);
}

/*
 * Do two pointers of one object point into one element of it, so that their distance is a
 * difference of offsets the verifier knows? A stack frame, a ring buffer reservation, a hash
 * element (each lookup is an object of its own) and the value of an array of one entry (global
 * data) are one element; an array's values are laid out by index, one object of unknown
 * elements.
 */
static bool same_element(const struct venv *env, const struct reg *a, const struct reg *b)
{
	if (a->type == PTR_TO_STACK || a->type == PTR_TO_MEM)
		return true;
	if (a->type != PTR_TO_MAP_VALUE)
		return false;
	return a->ref_id || env->in->maps[a->map].max_entries == 1;
}

/*
 * dst = dst - src of two pointers into one object (one frame's stack, one map's values, one
 * reservation): a distance inside memory whose layout the program knows, not an address. Exact
 * where both lie in one element; any number otherwise (an array's elements apart). Pointers
 * into different objects stay refused: the distance would tell where the host placed them.
 */
static bool ptr_distance(const struct venv *env, struct reg *dst, const struct reg *src)
{
	struct reg a, b;

	if (dst->type != src->type || !same_object(env, dst, src))
		return false;
	switch (dst->type) {
	case PTR_TO_STACK:
	case PTR_TO_MAP_VALUE:
	case PTR_TO_MEM:
		break;
	default:
		return false;
	}
	if (!same_element(env, dst, src)) {
		reg_mark_unknown(dst);
		return true;
	}
	ptr_offset_scalar(dst, &a);
	ptr_offset_scalar(src, &b);
	scalar32_addsub(&a, &b, EBPF_ALU_SUB);
	scalar_sub(&a, &b);
	reg_bounds_sync(&a);
	*dst = a;
	return true;
}

static int alu_pointers(struct venv *env, uint32_t idx, struct reg *dst, struct reg *src, bool is64)
{
	const struct ebpf_inst *insn = &env->insns[idx];
	uint8_t op = EBPF_OP(insn->code);
	bool src_ptr = EBPF_SRC(insn->code) == EBPF_SRC_X && reg_is_pointer(src);
	char d1[96], d2[96];

	reg_describe(env, dst, d1, sizeof(d1));
	reg_describe(env, src, d2, sizeof(d2));
	if (dst->type == PTR_TO_FUNC || (src_ptr && src->type == PTR_TO_FUNC))
		return verr_state(env, idx, -EACCES,
				  "arithmetic on a function pointer prohibited: r%d (%s), %s",
				  insn->dst_reg, d1, d2);
	/*
	 * The distance between two packet pointers is a number (the packet's length, say), in 64
	 * or 32 bits: clang computes ctx->data_end - ctx->data of __u32 fields with a 32-bit
	 * subtraction at -mcpu=v3.
	 */
	if (op == EBPF_ALU_SUB && src_ptr && is_packet_family(dst) && is_packet_family(src)) {
		pkt_distance(env, dst, src, is64);
		return 0;
	}
	if (!is64)
		return verr_state(env, idx, -EACCES, "32-bit arithmetic on pointer %s prohibited",
				  reg_is_pointer(dst) ? d1 : d2);
	if (reg_is_pointer(dst) && src_ptr) {
		if (op == EBPF_ALU_SUB && ptr_distance(env, dst, src))
			return 0;
		return verr_state(env, idx, -EACCES,
				  "pointer %s pointer prohibited: r%d (%s), r%d (%s)",
				  alu_op_name(op), insn->dst_reg, d1, insn->src_reg, d2);
	}
	if (op != EBPF_ALU_ADD && op != EBPF_ALU_SUB)
		return verr_state(env, idx, -EACCES,
				  "pointer arithmetic with '%s' prohibited (only adding or "
				  "subtracting a scalar): %s",
				  alu_op_name(op), reg_is_pointer(dst) ? d1 : d2);
	/* The scalar's value becomes part of a pointer: it is needed precise (precision.c). */
	if (reg_is_pointer(dst)) {
		if (EBPF_SRC(insn->code) == EBPF_SRC_X)
			prec_mark_reg(env, insn->src_reg);
		return pointer_alu(env, idx, dst, dst, src, op, insn->dst_reg);
	}
	prec_mark_reg(env, insn->dst_reg);
	if (op == EBPF_ALU_SUB)
		return verr_state(env, idx, -EACCES,
				  "subtracting pointer r%d (%s) from a scalar prohibited",
				  insn->src_reg, d2);
	{
		struct reg scalar = *dst;

		return pointer_alu(env, idx, dst, src, &scalar, op, insn->src_reg);
	}
}

/*
 * w = w of a value below 2^32 (clang's zero extension at -mcpu=v3) copies it unchanged: the
 * copy shares its id, so a check on the 32-bit copy bounds the original, a loop's counter
 * included. The link to the packet's length is not carried (a 32-bit view ends it).
 */
static int zext_copy(struct venv *env, const struct ebpf_inst *insn, struct reg *dst,
		     struct reg *src)
{
	if (insn->src_reg == insn->dst_reg)
		return 0;
	if (!reg_is_const(src) && !src->id)
		src->id = ++env->id_gen;
	*dst = *src;
	dst->pkt_len_id = 0;
	return 0;
}

static int check_mov(struct venv *env, uint32_t idx, struct reg *dst, bool is64)
{
	const struct ebpf_inst *insn = &env->insns[idx];
	struct reg *src;
	int err;

	if (EBPF_SRC(insn->code) == EBPF_SRC_K) {
		reg_mark_const(dst, is64 ? (uint64_t)(int64_t)insn->imm : (uint32_t)insn->imm);
		return 0;
	}
	err = check_reg_read(env, idx, insn->src_reg);
	if (err)
		return err;
	src = &cur_regs(env)[insn->src_reg];
	if (insn->off && src->type != SCALAR) {
		char d[96];

		reg_describe(env, src, d, sizeof(d));
		return verr_state(env, idx, -EACCES,
				  "sign extension of pointer r%d (%s) prohibited", insn->src_reg,
				  d);
	}
	if (!is64 && src->type != SCALAR) {
		char d[96];

		reg_describe(env, src, d, sizeof(d));
		return verr_state(env, idx, -EACCES,
				  "32-bit move of pointer r%d (%s) prohibited (it would truncate "
				  "it)",
				  insn->src_reg, d);
	}
	if (is64 && !insn->off && src->type == SCALAR && !reg_is_const(src) &&
	    insn->src_reg != insn->dst_reg) {
		/* Copies share an id: a bounds check on one also bounds the other. */
		if (!src->id)
			src->id = ++env->id_gen;
	}
	if (!is64 && !insn->off && src->type == SCALAR && src->umax <= UINT32_MAX)
		return zext_copy(env, insn, dst, src);
	if (insn->src_reg != insn->dst_reg)
		*dst = *src;
	if (insn->off) {
		dst->id = 0;
		reg_sext(dst, insn->off / 8);
	}
	if (!is64) {
		dst->id = 0;
		reg_zext32(dst);
	}
	return 0;
}

static uint64_t bswap_value(uint64_t v, int bits)
{
	switch (bits) {
	case 16:
		return __builtin_bswap16((uint16_t)v);
	case 32:
		return __builtin_bswap32((uint32_t)v);
	default:
		return __builtin_bswap64(v);
	}
}

/* le/be conversions (host is little-endian) and bswap. */
static void scalar_endian(struct reg *dst, const struct ebpf_inst *insn)
{
	int bits = insn->imm;
	bool swap = EBPF_CLASS(insn->code) == EBPF_CLS_ALU64 || EBPF_SRC(insn->code) == EBPF_TO_BE;

	if (reg_is_const(dst)) {
		uint64_t v = dst->var.value;

		if (bits < 64)
			v &= (1ull << bits) - 1;
		reg_mark_const(dst, swap ? bswap_value(v, bits) : v);
		return;
	}
	dst->id = 0;
	if (!swap) {
		if (bits == 32)
			reg_zext32(dst);
		else if (bits == 16) {
			dst->var = tnum_cast(dst->var, 2);
			reg_unbound32(dst);
			dst->umin = 0;
			dst->umax = UINT64_MAX;
			dst->smin = INT64_MIN;
			dst->smax = INT64_MAX;
			reg_bounds_sync(dst);
		}
		return;
	}
	reg_mark_unknown(dst);
	if (bits < 64) {
		dst->var = tnum_range(0, (1ull << bits) - 1);
		reg_bounds_sync(dst);
	}
}

static int check_alu_op(struct venv *env, uint32_t idx)
{
	const struct ebpf_inst *insn = &env->insns[idx];
	bool is64 = EBPF_CLASS(insn->code) == EBPF_CLS_ALU64;
	uint8_t op = EBPF_OP(insn->code);
	struct reg *regs = cur_regs(env), *dst = &regs[insn->dst_reg], src;
	int err;

	if (op == EBPF_ALU_MOV)
		return check_mov(env, idx, dst, is64);
	err = check_reg_read(env, idx, insn->dst_reg);
	if (err)
		return err;
	if (op == EBPF_ALU_NEG || op == EBPF_ALU_END) {
		if (dst->type != SCALAR) {
			char d[96];

			reg_describe(env, dst, d, sizeof(d));
			return verr_state(env, idx, -EACCES, "%s of pointer r%d (%s) prohibited",
					  op == EBPF_ALU_NEG ? "negation" : "byte swap",
					  insn->dst_reg, d);
		}
		if (op == EBPF_ALU_END) {
			scalar_endian(dst, insn);
		} else {
			struct reg zero;

			reg_mark_const(&zero, 0);
			scalar_alu(&zero, dst, EBPF_ALU_SUB, 0, is64);
			*dst = zero;
		}
		return 0;
	}
	if (EBPF_SRC(insn->code) == EBPF_SRC_X) {
		err = check_reg_read(env, idx, insn->src_reg);
		if (err)
			return err;
		src = regs[insn->src_reg];
	} else {
		reg_mark_const(&src, is64 ? (uint64_t)(int64_t)insn->imm : (uint32_t)insn->imm);
	}
	if (reg_is_pointer(dst) || reg_is_pointer(&src))
		return alu_pointers(env, idx, dst, &src, is64);
	scalar_alu(dst, &src, op, insn->off, is64);
	return 0;
}

static bool is_shift32(const struct ebpf_inst *insn, uint8_t op)
{
	return insn->code == (EBPF_CLS_ALU64 | EBPF_SRC_K | op) && insn->imm == 32 && !insn->off;
}

/*
 * r <<= 32; r >>= 32 is clang's zero extension before -mcpu=v3. On a value below 2^32 the pair
 * leaves the register as it was, its id (copies made before) and its relation to a loop head
 * included: a check on the result bounds the counter it was taken from. Only when the right
 * shift is reached from the left one alone (not a jump target) and right after it on this path.
 */
static void zext_pair(struct venv *env, uint32_t idx, const struct reg *before, struct reg *dst)
{
	const struct ebpf_inst *insn = &env->insns[idx];

	if (is_shift32(insn, EBPF_ALU_LSH)) {
		env->zext_at = env->res->insns_processed;
		env->zext_reg = *before;
		return;
	}
	if (!is_shift32(insn, EBPF_ALU_RSH) || !idx ||
	    env->zext_at + 1 != env->res->insns_processed || (env->aux[idx].flags & INSN_PRUNE) ||
	    !is_shift32(&env->insns[idx - 1], EBPF_ALU_LSH) ||
	    env->insns[idx - 1].dst_reg != insn->dst_reg || env->zext_reg.type != SCALAR ||
	    env->zext_reg.umax > UINT32_MAX)
		return;
	*dst = env->zext_reg;
	dst->pkt_len_id = 0;
}

int check_alu(struct venv *env, uint32_t idx)
{
	const struct ebpf_inst *insn = &env->insns[idx];
	struct reg *regs = cur_regs(env), before = regs[insn->dst_reg], src;
	bool has_src = EBPF_SRC(insn->code) == EBPF_SRC_X && insn->src_reg < EBPF_NUM_REGS;
	int err;

	if (has_src)
		src = regs[insn->src_reg];
	err = check_alu_op(env, idx);
	if (err)
		return err;
	loop_track_alu(env, insn, &before, has_src ? &src : NULL, &regs[insn->dst_reg]);
	zext_pair(env, idx, &before, &regs[insn->dst_reg]);
	return 0;
}

/* ---- conditional jumps -------------------------------------------------------------------- */

/*
 * The 32-bit view of a register for JMP32: its 32-bit bounds in the 64-bit fields (u in
 * [0, 2^32), s in [-2^31, 2^31)), which branch_taken and refine read one by one.
 */
static void view32(const struct reg *r, struct reg *v)
{
	*v = *r;
	v->var = tnum_cast(r->var, 4);
	v->umin = r->u32_min;
	v->umax = r->u32_max;
	v->smin = r->s32_min;
	v->smax = r->s32_max;
}

/* 1: always taken, 0: never, -1: unknown. */
static int branch_taken(const struct reg *a, const struct reg *b, uint8_t op)
{
	switch (op) {
	case EBPF_JMP_JEQ:
	case EBPF_JMP_JNE: {
		int eq = -1;

		if (reg_is_const(a) && reg_is_const(b))
			eq = a->var.value == b->var.value;
		else if (a->umin > b->umax || a->umax < b->umin || a->smin > b->smax ||
			 a->smax < b->smin ||
			 ((a->var.value ^ b->var.value) & ~(a->var.mask | b->var.mask)))
			eq = 0;
		if (eq < 0)
			return -1;
		return op == EBPF_JMP_JEQ ? eq : !eq;
	}
	case EBPF_JMP_JSET:
		if (a->var.value & b->var.value)
			return 1;
		if (!((a->var.value | a->var.mask) & (b->var.value | b->var.mask)))
			return 0;
		return -1;
	case EBPF_JMP_JGT:
		return a->umin > b->umax ? 1 : a->umax <= b->umin ? 0 : -1;
	case EBPF_JMP_JGE:
		return a->umin >= b->umax ? 1 : a->umax < b->umin ? 0 : -1;
	case EBPF_JMP_JLT:
		return a->umax < b->umin ? 1 : a->umin >= b->umax ? 0 : -1;
	case EBPF_JMP_JLE:
		return a->umax <= b->umin ? 1 : a->umin > b->umax ? 0 : -1;
	case EBPF_JMP_JSGT:
		return a->smin > b->smax ? 1 : a->smax <= b->smin ? 0 : -1;
	case EBPF_JMP_JSGE:
		return a->smin >= b->smax ? 1 : a->smax < b->smin ? 0 : -1;
	case EBPF_JMP_JSLT:
		return a->smax < b->smin ? 1 : a->smin >= b->smax ? 0 : -1;
	case EBPF_JMP_JSLE:
		return a->smax <= b->smin ? 1 : a->smin > b->smax ? 0 : -1;
	default:
		return -1;
	}
}

static uint8_t negate_op(uint8_t op)
{
	switch (op) {
	case EBPF_JMP_JEQ:
		return EBPF_JMP_JNE;
	case EBPF_JMP_JNE:
		return EBPF_JMP_JEQ;
	case EBPF_JMP_JGT:
		return EBPF_JMP_JLE;
	case EBPF_JMP_JLE:
		return EBPF_JMP_JGT;
	case EBPF_JMP_JGE:
		return EBPF_JMP_JLT;
	case EBPF_JMP_JLT:
		return EBPF_JMP_JGE;
	case EBPF_JMP_JSGT:
		return EBPF_JMP_JSLE;
	case EBPF_JMP_JSLE:
		return EBPF_JMP_JSGT;
	case EBPF_JMP_JSGE:
		return EBPF_JMP_JSLT;
	case EBPF_JMP_JSLT:
		return EBPF_JMP_JSGE;
	default:
		return op; /* JSET: handled by the caller */
	}
}

/* Narrows a and b to what "a op b" being true implies. */
static void refine(struct reg *a, struct reg *b, uint8_t op, bool jset_false)
{
	switch (op) {
	case EBPF_JMP_JEQ:
		a->umin = b->umin = umax64(a->umin, b->umin);
		a->umax = b->umax = umin64(a->umax, b->umax);
		a->smin = b->smin = smax64(a->smin, b->smin);
		a->smax = b->smax = smin64(a->smax, b->smax);
		a->var = b->var = tnum_intersect(a->var, b->var);
		break;
	case EBPF_JMP_JNE:
		if (reg_is_const(b)) {
			if (a->umin == b->umin && a->umin < UINT64_MAX)
				a->umin++;
			if (a->umax == b->umin && a->umax > 0)
				a->umax--;
			if (a->smin == b->smin && a->smin < INT64_MAX)
				a->smin++;
			if (a->smax == b->smin && a->smax > INT64_MIN)
				a->smax--;
		}
		break;
	case EBPF_JMP_JSET:
		if (!reg_is_const(b))
			break;
		if (jset_false)
			a->var = tnum_and(a->var, tnum_const(~b->var.value));
		else if (b->var.value && !(b->var.value & (b->var.value - 1)))
			a->var = tnum_or(a->var, b->var);
		break;
	case EBPF_JMP_JGT:
		if (b->umin < UINT64_MAX)
			a->umin = umax64(a->umin, b->umin + 1);
		if (a->umax > 0)
			b->umax = umin64(b->umax, a->umax - 1);
		break;
	case EBPF_JMP_JGE:
		a->umin = umax64(a->umin, b->umin);
		b->umax = umin64(b->umax, a->umax);
		break;
	case EBPF_JMP_JLT:
		refine(b, a, EBPF_JMP_JGT, false);
		break;
	case EBPF_JMP_JLE:
		refine(b, a, EBPF_JMP_JGE, false);
		break;
	case EBPF_JMP_JSGT:
		if (b->smin < INT64_MAX)
			a->smin = smax64(a->smin, b->smin + 1);
		if (a->smax > INT64_MIN)
			b->smax = smin64(b->smax, a->smax - 1);
		break;
	case EBPF_JMP_JSGE:
		a->smin = smax64(a->smin, b->smin);
		b->smax = smin64(b->smax, a->smax);
		break;
	case EBPF_JMP_JSLT:
		refine(b, a, EBPF_JMP_JSGT, false);
		break;
	case EBPF_JMP_JSLE:
		refine(b, a, EBPF_JMP_JSGE, false);
		break;
	}
}

/* Maps a refined 32-bit view back onto the register's 32-bit bounds and low known bits. */
static void unview32(struct reg *r, const struct reg *v)
{
	struct tnum low = { .value = v->var.value & U32_MAX, .mask = v->var.mask | ~U32_MAX };

	/* Refining past the ends of the 32-bit ranges (w > U32_MAX) proves the path impossible. */
	if (v->umin > v->umax || v->umin > U32_MAX || v->smin > v->smax || v->smin > INT32_MAX ||
	    v->smax < INT32_MIN) {
		r->u32_min = 1;
		r->u32_max = 0;
		return;
	}
	r->u32_min = (uint32_t)v->umin;
	r->u32_max = (uint32_t)v->umax;
	r->s32_min = (int32_t)v->smin;
	r->s32_max = (int32_t)v->smax;
	r->var = tnum_intersect(r->var, low);
	reg_bounds_sync(r);
}

/* Applies "a op b" (true side) to a state's registers a and b. Returns false if impossible. */
static bool refine_scalars(struct reg *a, struct reg *b, uint8_t op, bool jset_false, bool jmp32)
{
	if (!jmp32) {
		refine(a, b, op, jset_false);
		reg_bounds_sync(a);
		reg_bounds_sync(b);
	} else {
		struct reg va, vb;

		view32(a, &va);
		view32(b, &vb);
		refine(&va, &vb, op, jset_false);
		unview32(a, &va);
		unview32(b, &vb);
	}
	return reg_bounds_sane(a) && reg_bounds_sane(b);
}

struct id_copy {
	const struct reg *src;
};

/* Copies hold one value: each keeps its own relations to it (a loop head, the packet), which
 * a copy made through a zero extension does not have. */
static void copy_linked(struct reg *reg, void *arg)
{
	const struct reg *src = ((struct id_copy *)arg)->src;

	if (reg == src || reg->type != SCALAR || reg->id != src->id)
		return;
	reg->var = src->var;
	reg->umin = src->umin;
	reg->umax = src->umax;
	reg->smin = src->smin;
	reg->smax = src->smax;
	reg->u32_min = src->u32_min;
	reg->u32_max = src->u32_max;
	reg->s32_min = src->s32_min;
	reg->s32_max = src->s32_max;
}

/* What b = a + s (modulo 2^64) may hold: a's ranges moved by s, where no value inside them
 * wraps around (the moved ends stay in order). */
static bool range_shifted(const struct reg *a, uint64_t s, struct reg *t)
{
	t->umin = a->umin + s;
	t->umax = a->umax + s;
	t->smin = (int64_t)((uint64_t)a->smin + s);
	t->smax = (int64_t)((uint64_t)a->smax + s);
	t->var = tnum_add(a->var, tnum_const(s));
	return t->umin <= t->umax && t->smin <= t->smax;
}

/*
 * Scalars tagged with one loop walk and slot are that slot's value at one instant plus their
 * own constants (loop.c): b = a + (b's delta - a's delta). A check on a (the counter's copy
 * taken before the increment) bounds b (the counter after it), as Linux's linked scalars with
 * constant offsets do. Only bounds that do not wrap are carried; an empty result (a dead side)
 * leaves b as it was.
 */
static void shift_linked(struct reg *reg, void *arg)
{
	const struct reg *src = ((struct id_copy *)arg)->src;
	struct reg t, r;

	if (reg == src || reg->type != SCALAR || reg->loop_id != src->loop_id ||
	    reg->loop_origin != src->loop_origin ||
	    !range_shifted(src, reg->loop_delta - src->loop_delta, &t))
		return;
	r = *reg;
	r.umin = umax64(r.umin, t.umin);
	r.umax = umin64(r.umax, t.umax);
	r.smin = smax64(r.smin, t.smin);
	r.smax = smin64(r.smax, t.smax);
	r.var = tnum_intersect(r.var, t.var);
	reg_bounds_sync(&r);
	if (reg_bounds_sane(&r))
		*reg = r;
}

/* A check on one copy of a scalar bounds every copy (same id), and every value a constant
 * away from it in a loop walk. */
static void propagate_scalar(struct vstate *st, const struct reg *reg)
{
	struct id_copy c = { .src = reg };

	if (reg->type != SCALAR)
		return;
	if (reg->id)
		state_foreach_reg(st, copy_linked, &c);
	if (reg->loop_id)
		state_foreach_reg(st, shift_linked, &c);
}

/* ---- pointer comparisons ------------------------------------------------------------------ */

struct null_mark {
	uint32_t id;
	bool is_null;
	bool keep_id; /* a value with a spin lock: the id names the lock (Linux's as well); an
		       * acquired pointer: the id tells it from those derived from it */
};

static void mark_null(struct reg *reg, void *arg)
{
	struct null_mark *m = arg;

	if (reg->id != m->id || reg_type_nonnull(reg->type) == NOT_INIT)
		return;
	if (m->is_null) {
		reg_mark_const(reg, 0);
		return;
	}
	reg->type = reg_type_nonnull(reg->type);
	if (!m->keep_id)
		reg->id = 0;
}

/* After `if (p == NULL)`: every copy of p is NULL on one side and valid on the other. */
static void mark_ptr_or_null(struct venv *env, struct vstate *st, const struct reg *ptr,
			     bool is_null)
{
	/* The pointer the acquiring call returned (its id is the reference's, Linux's
	 * ref_obj_id == id); one derived from it (bpf_sk_fullsock's) shares the reference only.
	 * The acquired pointer keeps its id, which tells it from those derived from it. */
	uint32_t ref = ptr->ref_id && ptr->ref_id == ptr->id ? ptr->ref_id : 0;
	struct null_mark m = {
		.id = ptr->id,
		.is_null = is_null,
		.keep_id = ref || (ptr->type == PTR_TO_MAP_VALUE_OR_NULL &&
				   map_has_spin_lock(&env->in->maps[ptr->map])),
	};

	state_foreach_reg(st, mark_null, &m);
	/* A failed acquire holds nothing to release. */
	if (is_null && ref)
		ref_forget(st, ref);
}

struct range_mark {
	enum reg_type type;
	uint32_t id;
	uint32_t range;
};

static void mark_range(struct reg *reg, void *arg)
{
	struct range_mark *m = arg;

	if (reg->type == m->type && reg->id == m->id && reg->range < m->range)
		reg->range = m->range;
}

/*
 * ptr <= end proven (right_open: ptr < end): the bytes [pkt + var, pkt + var + off) exist for
 * every packet pointer sharing ptr's variable part.
 */
static void find_good_pkt_pointers(struct vstate *st, const struct reg *ptr, bool right_open)
{
	struct range_mark m = { .type = ptr->type, .id = ptr->id };
	int64_t range = (int64_t)ptr->off + (right_open ? 1 : 0);

	if (ptr->off < 0 || ptr->smin < 0 || ptr->umax > MAX_PACKET_OFF ||
	    ptr->umax + (uint64_t)ptr->off > MAX_PACKET_OFF || range <= 0)
		return;
	m.range = (uint32_t)range;
	state_foreach_reg(st, mark_range, &m);
}

/*
 * A scalar linked to data + off (pkt_distance) with a lower bound L proven on it:
 * pkt_end - (data + off) >= L, so the bytes [data, data + off + L) exist. The signed bound
 * holds for the distance as it is (it may be negative: off past the end); the unsigned one
 * only when off is 0, where the distance is the packet's length and never negative.
 */
static void prove_pkt_len(struct vstate *st, const struct reg *reg)
{
	struct reg p;
	int64_t low = reg->smin;

	if (!reg_pkt_len_linked(reg))
		return;
	if (reg->pkt_len_off == 0 && reg->umin <= (uint64_t)INT64_MAX && (int64_t)reg->umin > low)
		low = (int64_t)reg->umin;
	if (low > MAX_PACKET_OFF - (int64_t)reg->pkt_len_off)
		low = MAX_PACKET_OFF - (int64_t)reg->pkt_len_off; /* proving less is safe */
	if (low <= 0)
		return;
	reg_mark_ptr(&p, PTR_TO_PACKET);
	p.off = reg->pkt_len_off + (int32_t)low;
	find_good_pkt_pointers(st, &p, false);
}

/* A check on a scalar: its copies, and the packet bytes it proves. */
static void propagate_check(struct vstate *st, const struct reg *reg)
{
	propagate_scalar(st, reg);
	prove_pkt_len(st, reg);
}

/* data as loaded from the context: no fixed or variable offset (Linux's
 * reg_is_init_pkt_pointer). */
static bool pkt_pointer_unmoved(const struct reg *r)
{
	return r->type == PTR_TO_PACKET && r->off == 0 && tnum_is_const(r->var) &&
	       r->var.value == 0;
}

/*
 * Is `lo` a pointer below `hi` in the packet layout (meta < data < data_end) such that
 * lo <= hi proves lo's range? data_end cannot move; data bounds meta only unmoved, since
 * meta + K <= data + K proves nothing about the K bytes after meta.
 */
static bool pkt_pair(const struct reg *lo, const struct reg *hi)
{
	return (lo->type == PTR_TO_PACKET && hi->type == PTR_TO_PACKET_END) ||
	       (lo->type == PTR_TO_PACKET_META && pkt_pointer_unmoved(hi));
}

/*
 * On the side of a comparison where packet pointer register regno is at or past data_end
 * (Linux's mark_pkt_end): the register compared only, as Linux; copies made later share it.
 * The current frame of both sides is the state's own (the pending one is a fresh copy).
 */
static void mark_pkt_end(struct vstate *st, uint8_t regno, enum pkt_end_side side)
{
	struct reg *r = &st->frames[st->curframe]->regs[regno];

	if (r->type == PTR_TO_PACKET)
		r->pkt_end_side = (uint8_t)side;
}

/*
 * Comparisons of a packet pointer with data_end (or a meta pointer with data), in every
 * direction. taken/fall are the states of the two sides; the side where p is not inside the
 * packet learns how far out it is (p >= end or p > end).
 */
static void match_pkt_pointers(const struct ebpf_inst *insn, struct vstate *taken,
			       struct vstate *fall, struct reg *dst, struct reg *src)
{
	uint8_t op = EBPF_OP(insn->code), d = insn->dst_reg, s = insn->src_reg;
	bool dst_low = pkt_pair(dst, src), src_low = pkt_pair(src, dst);

	if (!dst_low && !src_low)
		return;
	switch (op) {
	case EBPF_JMP_JGT: /* p > end: fall proves p <= end;  end > p: taken proves p < end */
		if (dst_low) {
			find_good_pkt_pointers(fall, dst, false);
			mark_pkt_end(taken, d, PKT_END_BEYOND);
		} else {
			find_good_pkt_pointers(taken, src, true);
			mark_pkt_end(fall, s, PKT_END_AT);
		}
		break;
	case EBPF_JMP_JLT: /* p < end: taken proves p < end; end < p: fall proves p <= end */
		if (dst_low) {
			find_good_pkt_pointers(taken, dst, true);
			mark_pkt_end(fall, d, PKT_END_AT);
		} else {
			find_good_pkt_pointers(fall, src, false);
			mark_pkt_end(taken, s, PKT_END_BEYOND);
		}
		break;
	case EBPF_JMP_JGE: /* p >= end: fall proves p < end; end >= p: taken proves p <= end */
		if (dst_low) {
			find_good_pkt_pointers(fall, dst, true);
			mark_pkt_end(taken, d, PKT_END_AT);
		} else {
			find_good_pkt_pointers(taken, src, false);
			mark_pkt_end(fall, s, PKT_END_BEYOND);
		}
		break;
	case EBPF_JMP_JLE: /* p <= end: taken proves it; end <= p: fall proves p < end */
		if (dst_low) {
			find_good_pkt_pointers(taken, dst, false);
			mark_pkt_end(fall, d, PKT_END_BEYOND);
		} else {
			find_good_pkt_pointers(fall, src, true);
			mark_pkt_end(taken, s, PKT_END_AT);
		}
		break;
	default:
		break;
	}
}

/* The comparison with its operands swapped: a > b is b < a. */
static uint8_t swap_op(uint8_t op)
{
	switch (op) {
	case EBPF_JMP_JGT:
		return EBPF_JMP_JLT;
	case EBPF_JMP_JLT:
		return EBPF_JMP_JGT;
	case EBPF_JMP_JGE:
		return EBPF_JMP_JLE;
	case EBPF_JMP_JLE:
		return EBPF_JMP_JGE;
	default:
		return op;
	}
}

/*
 * A packet pointer a comparison put at or past data_end compared with it again (Linux's
 * is_pkt_ptr_branch_taken, its four orderings): p > end decides all four, p >= end the two
 * that p == end leaves open no more. 1 taken, 0 not, -1 undecided.
 */
static int pkt_end_side_branch(const struct reg *p, uint8_t op)
{
	switch (op) {
	case EBPF_JMP_JGT:
	case EBPF_JMP_JLE:
		if (p->pkt_end_side == PKT_END_BEYOND)
			return op == EBPF_JMP_JGT;
		return -1;
	case EBPF_JMP_JGE:
	case EBPF_JMP_JLT:
		if (p->pkt_end_side != PKT_END_UNKNOWN)
			return op == EBPF_JMP_JGE;
		return -1;
	default:
		return -1;
	}
}

/*
 * A packet pointer inside its proven range compared with data_end: the range proves
 * pkt + var + range <= end, so p = pkt + var + off with off <= range is <= end, and < end when
 * off < range. The branch is decided and its impossible side not walked (Linux decides only
 * a pointer it saw at or beyond the end, pkt_end_side_branch, which decides the rest here).
 * Range 0 proves nothing. 1 taken, 0 not, -1 undecided.
 */
static int pkt_range_branch(const struct reg *p, uint8_t op)
{
	bool le = (int64_t)p->off <= (int64_t)p->range, lt = (int64_t)p->off < (int64_t)p->range;

	if (!p->range)
		return -1;
	switch (op) {
	case EBPF_JMP_JGT: /* p > end */
		return le ? 0 : -1;
	case EBPF_JMP_JLE:
		return le ? 1 : -1;
	case EBPF_JMP_JGE:
	case EBPF_JMP_JEQ:
		return lt ? 0 : -1;
	case EBPF_JMP_JLT:
	case EBPF_JMP_JNE:
		return lt ? 1 : -1;
	default:
		return -1;
	}
}

/* A packet pointer compared with data_end, either way round: decided by what the path knows. */
static int pkt_end_branch(const struct reg *dst, const struct reg *src, uint8_t op)
{
	const struct reg *p = dst;
	int decided;

	if (dst->type == PTR_TO_PACKET_END && src->type == PTR_TO_PACKET) {
		p = src;
		op = swap_op(op);
	} else if (dst->type != PTR_TO_PACKET || src->type != PTR_TO_PACKET_END) {
		return -1;
	}
	decided = pkt_range_branch(p, op);
	return decided >= 0 ? decided : pkt_end_side_branch(p, op);
}

static bool is_or_null(const struct reg *r)
{
	return reg_type_nonnull(r->type) != NOT_INIT;
}

/*
 * Whether two valid pointers of one type point into one object, whose layout the program
 * knows: comparing pointers into different objects (two maps' values, two elements of a
 * hash map, two inner maps or their values, two ring buffer reservations, the stack frames of
 * two calls, which each engine places its own way, the ints of two iterators, two objects of
 * BTF types) tells the program how the host placed them.
 */
static bool same_object(const struct venv *env, const struct reg *a, const struct reg *b)
{
	switch (a->type) {
	case PTR_TO_STACK:
		return a->frameno == b->frameno;
	case PTR_TO_MAP_VALUE:
	case CONST_MAP_PTR:
		return a->map == b->map && a->ref_id == b->ref_id && a->ref_id != REG_OBJ_ANY;
	case PTR_TO_MEM:
		return a->ref_id == b->ref_id;
	case PTR_TO_ITER_INT:
		/* In the slots of the iterators, of one frame or two. */
		return a->frameno == b->frameno;
	case PTR_TO_BTF_ID:
		/* Objects an extension hands out, placed by it: nothing tells two apart. A
		 * kernel type's (btf_ctx, the kernel's BTF) are only verified, never run. */
		return btf_kernel_objects(env);
	default:
		return true;
	}
}

/*
 * A kernel object's address compared with a scalar (a lock address a map holds, say): Linux
 * allows it to programs that may leak pointers (CAP_PERFMON); its outcome says nothing the
 * program may rely on, so both sides go on unchanged.
 */
static bool btf_ptr_compare(const struct venv *env, const struct reg *ptr, const struct reg *val)
{
	return ptr->type == PTR_TO_BTF_ID && val->type == SCALAR &&
	       (env->in->info->flags & EBPF_PROGRAM_TYPE_ALLOW_POINTER_LEAK);
}

/*
 * Whether two sockets, either possibly NULL, are the same one (sk_lookup's `ctx->sk != sk` after
 * bpf_sk_assign, as Linux's selftests write it): equality of 64-bit socket pointers tells which
 * socket a pointer names, never where one lies, and a NULL equals no socket. Neither side is
 * refined (Linux 6.1 learns nothing from it either); the possibly-NULL one stays unchecked.
 */
static bool socket_identity_check(const struct ebpf_inst *insn, const struct reg *dst,
				  const struct reg *src)
{
	uint8_t op = EBPF_OP(insn->code);
	struct reg a = *dst, b = *src;

	if ((op != EBPF_JMP_JEQ && op != EBPF_JMP_JNE) || is_jmp32(insn->code))
		return false;
	if (is_or_null(&a))
		a.type = reg_type_nonnull(a.type);
	if (is_or_null(&b))
		b.type = reg_type_nonnull(b.type);
	return reg_is_socket(&a) && reg_is_socket(&b);
}

/*
 * Comparisons involving a pointer: null checks, packet range checks, same-type pointers.
 * Sets *taken to the decided outcome or -1; fills *other (taken side) and cur (fall side).
 */
static int cond_jmp_pointers(struct venv *env, uint32_t idx, struct reg *dst, struct reg *src,
			     int *decided, struct vstate *other)
{
	const struct ebpf_inst *insn = &env->insns[idx];
	uint8_t op = EBPF_OP(insn->code);
	bool src_x = EBPF_SRC(insn->code) == EBPF_SRC_X;
	struct reg *ptr = reg_is_pointer(dst) ? dst : src, *val = ptr == dst ? src : dst;
	char d1[96], d2[96];

	reg_describe(env, dst, d1, sizeof(d1));
	reg_describe(env, src, d2, sizeof(d2));
	*decided = -1;
	/* Its outcome would tell where the host placed the program's code. */
	if (dst->type == PTR_TO_FUNC || src->type == PTR_TO_FUNC)
		return verr_state(env, idx, -EACCES,
				  "comparison of a function pointer prohibited: %s with %s", d1,
				  d2);
	if (!reg_is_pointer(val) && btf_ptr_compare(env, ptr, val))
		return 0;
	if (!reg_is_pointer(val)) {
		if (!reg_is_null(val) || (op != EBPF_JMP_JEQ && op != EBPF_JMP_JNE))
			return verr_state(env, idx, -EACCES,
					  "comparison of pointer %s with a scalar prohibited (only "
					  "== 0 and != 0 null checks)",
					  ptr == dst ? d1 : d2);
		if (is_jmp32(insn->code))
			return verr_state(env, idx, -EACCES,
					  "32-bit null check of pointer %s prohibited (compare all "
					  "64 bits)",
					  ptr == dst ? d1 : d2);
		if (ptr->type == PTR_TO_BTF_ID)
			return 0; /* a kernel object's pointer may be NULL: both sides, as Linux */
		if (!is_or_null(ptr)) {
			/* A valid pointer is never NULL: the branch is decided. */
			*decided = op == EBPF_JMP_JNE;
			return 0;
		}
		{
			uint32_t regno = ptr == dst ? insn->dst_reg : insn->src_reg;
			struct reg *optr = &other->frames[other->curframe]->regs[regno];

			/* JEQ: taken side is NULL; JNE: taken side is valid. */
			mark_ptr_or_null(env, other, optr, op == EBPF_JMP_JEQ);
			mark_ptr_or_null(env, env->cur, ptr, op != EBPF_JMP_JEQ);
		}
		return 0;
	}
	if (!src_x)
		return -EFAULT;
	if (socket_identity_check(insn, dst, src))
		return 0;
	if (is_or_null(dst) || is_or_null(src))
		return verr_state(env, idx, -EACCES,
				  "comparison of possibly-null pointers %s and %s prohibited "
				  "(null-check them first)",
				  d1, d2);
	if (is_jmp32(insn->code) && (is_packet_family(dst) || is_packet_family(src)))
		return verr_state(env, idx, -EACCES,
				  "32-bit comparison of packet pointers %s and %s prohibited "
				  "(compare all 64 bits)",
				  d1, d2);
	if (op == EBPF_JMP_JSET)
		return verr_state(
		    env, idx, -EACCES,
		    "bit test of pointers %s and %s prohibited (it reads address bits)", d1, d2);
	/* The low halves of two addresses into one object order as the addresses do only when
	 * the object crosses no 4 GiB-aligned address: the outcome would tell where it lies. */
	if (is_jmp32(insn->code) && !(env->in->info->flags & EBPF_PROGRAM_TYPE_ALLOW_POINTER_LEAK))
		return verr_state(
		    env, idx, -EACCES,
		    "32-bit comparison of pointers %s and %s prohibited (compare all "
		    "64 bits: the low halves' order depends on where memory is placed)",
		    d1, d2);
	if (is_packet_family(dst) && is_packet_family(src)) {
		struct reg fdst = *dst, fsrc = *src;

		*decided = pkt_end_branch(dst, src, op);
		if (*decided >= 0)
			return 0;

		/* Copies: the marking walks the whole state, dst and src included. */
		match_pkt_pointers(insn, other, env->cur, &fdst, &fsrc);
		return 0;
	}
	/* Linux lets programs that may leak pointers compare any two (is_pointer_value): the
	 * outcome depends on where memory lies, so both sides go on unchanged. */
	if ((dst->type != src->type || !same_object(env, dst, src)) &&
	    (env->in->info->flags & EBPF_PROGRAM_TYPE_ALLOW_POINTER_LEAK))
		return 0;
	if (dst->type != src->type)
		return verr_state(env, idx, -EACCES,
				  "comparison of pointers of different types prohibited: %s, %s",
				  d1, d2);
	if (!same_object(env, dst, src))
		return verr_state(
		    env, idx, -EACCES,
		    "comparison of pointers into different objects prohibited: %s, %s "
		    "(its outcome depends on where memory is placed)",
		    d1, d2);
	return 0;
}

/*
 * A conditional jump. On return *other is the state for the taken side when both sides are
 * possible (the caller pushes it), or NULL; env->cur is the state that goes on: the fall-through
 * side, or the taken side when the branch is decided (cur->insn set accordingly).
 */
int check_cond_jmp(struct venv *env, uint32_t idx, struct vstate **other)
{
	const struct ebpf_inst *insn = &env->insns[idx];
	uint8_t op = EBPF_OP(insn->code);
	bool jmp32 = is_jmp32(insn->code), src_x = EBPF_SRC(insn->code) == EBPF_SRC_X;
	uint32_t target = idx + insn->off + 1;
	struct reg *regs = cur_regs(env), *dst = &regs[insn->dst_reg], srck, *src;
	struct vstate *o = NULL;
	int decided, err;

	*other = NULL;
	err = check_reg_read(env, idx, insn->dst_reg);
	if (err)
		return err;
	if (src_x) {
		err = check_reg_read(env, idx, insn->src_reg);
		if (err)
			return err;
		src = &regs[insn->src_reg];
	} else {
		reg_mark_const(&srck, jmp32 ? (uint32_t)insn->imm : (uint64_t)(int64_t)insn->imm);
		src = &srck;
	}

	if (reg_is_pointer(dst) || reg_is_pointer(src)) {
		o = state_copy(env->cur);
		if (!o)
			return -ENOMEM;
		err = cond_jmp_pointers(env, idx, dst, src, &decided, o);
		if (err || decided >= 0) {
			state_free(o);
			if (decided == 1)
				env->cur->insn = target;
			return err;
		}
		o->insn = target;
		*other = o;
		return 0;
	}

	if (src_x && insn->src_reg == insn->dst_reg) {
		switch (op) {
		case EBPF_JMP_JEQ:
		case EBPF_JMP_JGE:
		case EBPF_JMP_JLE:
		case EBPF_JMP_JSGE:
		case EBPF_JMP_JSLE:
			decided = 1;
			break;
		case EBPF_JMP_JSET:
			decided = -1;
			break;
		default:
			decided = 0;
		}
	} else if (jmp32) {
		struct reg va, vb;

		view32(dst, &va);
		view32(src, &vb);
		decided = branch_taken(&va, &vb, op);
	} else {
		decided = branch_taken(dst, src, op);
	}
	if (decided >= 0) {
		if (decided)
			env->cur->insn = target;
		return 0;
	}
	if (src_x && insn->src_reg == insn->dst_reg) {
		o = state_copy(env->cur);
		if (!o)
			return -ENOMEM;
		o->insn = target;
		*other = o;
		return 0;
	}

	o = state_copy(env->cur);
	if (!o)
		return -ENOMEM;
	o->insn = target;
	{
		struct reg *odst = &o->frames[o->curframe]->regs[insn->dst_reg];
		struct reg *osrc = src_x ? &o->frames[o->curframe]->regs[insn->src_reg] : &srck;
		struct reg fk = srck;
		struct reg *fsrc = src_x ? src : &fk;
		bool taken_ok, fall_ok;

		taken_ok = refine_scalars(odst, osrc, op, false, jmp32);
		if (op == EBPF_JMP_JSET)
			fall_ok = refine_scalars(dst, fsrc, op, true, jmp32);
		else
			fall_ok = refine_scalars(dst, fsrc, negate_op(op), false, jmp32);
		if (taken_ok) {
			propagate_check(o, odst);
			if (src_x)
				propagate_check(o, osrc);
		}
		if (fall_ok) {
			propagate_check(env->cur, dst);
			if (src_x)
				propagate_check(env->cur, fsrc);
		}
		if (!taken_ok) {
			state_free(o);
			o = NULL;
		}
		if (!fall_ok) {
			/* Only the taken side is possible. */
			if (!o)
				return verr(env, idx, -EFAULT,
					    "internal error: no feasible branch");
			err = state_copy_into(env->cur, o);
			state_free(o);
			return err;
		}
	}
	*other = o;
	return 0;
}

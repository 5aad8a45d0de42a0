// SPDX-License-Identifier: MIT
/*
 * Abstract values: tnums (known bits), registers, stack slots, whole states, and the state
 * comparison that pruning relies on.
 */
#include <stdlib.h>
#include <string.h>

#include "verifier_int.h"

/* ---- tnum: the algebra of partially known bits, as Linux's kernel/bpf/tnum.c ---------------- */

struct tnum tnum_const(uint64_t v)
{
	return (struct tnum){ .value = v, .mask = 0 };
}

struct tnum tnum_unknown(void)
{
	return (struct tnum){ .value = 0, .mask = UINT64_MAX };
}

/* The tightest tnum holding every value of [min, max]: the common high bits are known. */
struct tnum tnum_range(uint64_t min, uint64_t max)
{
	uint64_t chi = min ^ max, delta;
	int bits = chi ? 64 - __builtin_clzll(chi) : 0;

	if (bits > 63)
		return tnum_unknown();
	delta = (1ull << bits) - 1;
	return (struct tnum){ .value = min & ~delta, .mask = delta };
}

struct tnum tnum_add(struct tnum a, struct tnum b)
{
	uint64_t sm = a.mask + b.mask, sv = a.value + b.value;
	uint64_t sigma = sm + sv, chi = sigma ^ sv;
	uint64_t mu = chi | a.mask | b.mask;

	return (struct tnum){ .value = sv & ~mu, .mask = mu };
}

struct tnum tnum_sub(struct tnum a, struct tnum b)
{
	uint64_t dv = a.value - b.value;
	uint64_t alpha = dv + a.mask, beta = dv - b.mask;
	uint64_t chi = alpha ^ beta, mu = chi | a.mask | b.mask;

	return (struct tnum){ .value = dv & ~mu, .mask = mu };
}

struct tnum tnum_and(struct tnum a, struct tnum b)
{
	uint64_t alpha = a.value | a.mask, beta = b.value | b.mask, v = a.value & b.value;

	return (struct tnum){ .value = v, .mask = alpha & beta & ~v };
}

struct tnum tnum_or(struct tnum a, struct tnum b)
{
	uint64_t v = a.value | b.value, mu = a.mask | b.mask;

	return (struct tnum){ .value = v, .mask = mu & ~v };
}

struct tnum tnum_xor(struct tnum a, struct tnum b)
{
	uint64_t v = a.value ^ b.value, mu = a.mask | b.mask;

	return (struct tnum){ .value = v & ~mu, .mask = mu };
}

/* Shift-and-add over the bits of a, accumulating known and unknown parts separately. */
struct tnum tnum_mul(struct tnum a, struct tnum b)
{
	struct tnum acc_v = tnum_const(a.value * b.value), acc_m = tnum_const(0);

	while (a.value || a.mask) {
		if (a.value & 1)
			acc_m = tnum_add(acc_m, (struct tnum){ .value = 0, .mask = b.mask });
		else if (a.mask & 1)
			acc_m =
			    tnum_add(acc_m, (struct tnum){ .value = 0, .mask = b.value | b.mask });
		a = tnum_rshift(a, 1);
		b = tnum_lshift(b, 1);
	}
	return tnum_add(acc_v, acc_m);
}

struct tnum tnum_lshift(struct tnum a, uint8_t shift)
{
	return (struct tnum){ .value = a.value << shift, .mask = a.mask << shift };
}

struct tnum tnum_rshift(struct tnum a, uint8_t shift)
{
	return (struct tnum){ .value = a.value >> shift, .mask = a.mask >> shift };
}

/* Arithmetic shift of a width-bit (32 or 64) value. */
struct tnum tnum_arshift(struct tnum a, uint8_t shift, uint8_t width)
{
	if (width == 32)
		return (struct tnum){ .value = (uint32_t)((int32_t)a.value >> shift),
				      .mask = (uint32_t)((int32_t)a.mask >> shift) };
	return (struct tnum){ .value = (uint64_t)((int64_t)a.value >> shift),
			      .mask = (uint64_t)((int64_t)a.mask >> shift) };
}

struct tnum tnum_intersect(struct tnum a, struct tnum b)
{
	uint64_t v = a.value | b.value, mu = a.mask & b.mask;

	return (struct tnum){ .value = v & ~mu, .mask = mu };
}

/* Truncation to size bytes (zero-extended). */
struct tnum tnum_cast(struct tnum a, uint8_t size)
{
	uint64_t keep = size >= 8 ? UINT64_MAX : (1ull << (size * 8)) - 1;

	return (struct tnum){ .value = a.value & keep, .mask = a.mask & keep };
}

/* Every value inner may have, outer may have too. */
bool tnum_in(struct tnum outer, struct tnum inner)
{
	if (inner.mask & ~outer.mask)
		return false;
	return (inner.value & ~outer.mask) == outer.value;
}

/* ---- registers ---------------------------------------------------------------------------- */

static void reg_unbounded(struct reg *reg)
{
	reg->var = tnum_unknown();
	reg->smin = INT64_MIN;
	reg->smax = INT64_MAX;
	reg->umin = 0;
	reg->umax = UINT64_MAX;
}

void reg_mark_unknown(struct reg *reg)
{
	memset(reg, 0, sizeof(*reg));
	reg->type = SCALAR;
	reg->map = -1;
	reg_unbounded(reg);
}

void reg_mark_const(struct reg *reg, uint64_t v)
{
	memset(reg, 0, sizeof(*reg));
	reg->type = SCALAR;
	reg->map = -1;
	reg->var = tnum_const(v);
	reg->smin = reg->smax = (int64_t)v;
	reg->umin = reg->umax = v;
}

void reg_mark_not_init(struct reg *reg)
{
	memset(reg, 0, sizeof(*reg));
	reg->map = -1;
}

/* A pointer of the type with a zero offset. */
void reg_mark_ptr(struct reg *reg, enum reg_type type)
{
	reg_mark_const(reg, 0);
	reg->type = type;
}

bool reg_is_pointer(const struct reg *reg)
{
	return reg->type != NOT_INIT && reg->type != SCALAR;
}

bool reg_is_const(const struct reg *reg)
{
	return reg->type == SCALAR && tnum_is_const(reg->var);
}

bool reg_is_packet(const struct reg *reg)
{
	return reg->type == PTR_TO_PACKET || reg->type == PTR_TO_PACKET_META;
}

bool reg_is_null(const struct reg *reg)
{
	return reg_is_const(reg) && reg->var.value == 0;
}

/* ---- states ------------------------------------------------------------------------------- */

struct frame *frame_new(void)
{
	struct frame *f = calloc(1, sizeof(*f));
	int i;

	if (!f)
		return NULL;
	for (i = 0; i < EBPF_NUM_REGS; i++)
		reg_mark_not_init(&f->regs[i]);
	f->callsite = -1;
	return f;
}

struct vstate *state_new(void)
{
	return calloc(1, sizeof(struct vstate));
}

void state_free_frames(struct vstate *st)
{
	uint32_t i;

	for (i = 0; i < EBPF_MAX_CALL_DEPTH; i++) {
		free(st->frames[i]);
		st->frames[i] = NULL;
	}
}

void state_free(struct vstate *st)
{
	if (!st)
		return;
	state_free_frames(st);
	free(st);
}

/* Copies src into dst, reusing dst's frames. */
int state_copy_into(struct vstate *dst, const struct vstate *src)
{
	uint32_t i;

	for (i = 0; i < EBPF_MAX_CALL_DEPTH; i++) {
		if (i > src->curframe) {
			free(dst->frames[i]);
			dst->frames[i] = NULL;
			continue;
		}
		if (!dst->frames[i]) {
			dst->frames[i] = malloc(sizeof(struct frame));
			if (!dst->frames[i])
				return -ENOMEM;
		}
		memcpy(dst->frames[i], src->frames[i], sizeof(struct frame));
	}
	dst->curframe = src->curframe;
	dst->nrefs = src->nrefs;
	memcpy(dst->refs, src->refs, sizeof(src->refs));
	memcpy(dst->ref_insn, src->ref_insn, sizeof(src->ref_insn));
	dst->insn = src->insn;
	dst->parent = src->parent;
	return 0;
}

struct vstate *state_copy(const struct vstate *src)
{
	struct vstate *st = state_new();

	if (!st)
		return NULL;
	if (state_copy_into(st, src)) {
		state_free(st);
		return NULL;
	}
	return st;
}

struct reg *cur_regs(struct venv *env)
{
	return cur_frame(env)->regs;
}

void state_foreach_reg(struct vstate *st, void (*fn)(struct reg *reg, void *arg), void *arg)
{
	uint32_t f;
	int i;

	for (f = 0; f <= st->curframe; f++) {
		struct frame *fr = st->frames[f];

		for (i = 0; i < EBPF_NUM_REGS; i++)
			fn(&fr->regs[i], arg);
		for (i = 0; i < STACK_SLOTS; i++)
			if (fr->stack[i].type[0] == STACK_SPILL)
				fn(&fr->stack[i].spilled, arg);
	}
}

/* ---- comparison ----------------------------------------------------------------------------- */

/*
 * Ids of the old state must map one-to-one onto ids of the current one: two registers linked in
 * the old state must be linked in the current one too, or a check on one would prove more in the
 * old state than it does now.
 */
#define IDMAP_SIZE 64

struct idmap {
	uint32_t old[IDMAP_SIZE], cur[IDMAP_SIZE];
	uint32_t n;
};

static bool check_ids(struct idmap *map, uint32_t old, uint32_t cur)
{
	uint32_t i;

	if (!old)
		return true;
	if (!cur)
		return false;
	for (i = 0; i < map->n; i++) {
		if (map->old[i] == old)
			return map->cur[i] == cur;
		if (map->cur[i] == cur)
			return false;
	}
	if (map->n == IDMAP_SIZE)
		return false;
	map->old[map->n] = old;
	map->cur[map->n++] = cur;
	return true;
}

/* The current value range lies within the old one. */
static bool range_within(const struct reg *old, const struct reg *cur)
{
	return old->umin <= cur->umin && old->umax >= cur->umax && old->smin <= cur->smin &&
	       old->smax >= cur->smax && tnum_in(old->var, cur->var);
}

static bool range_equal(const struct reg *old, const struct reg *cur)
{
	return old->umin == cur->umin && old->umax == cur->umax && old->smin == cur->smin &&
	       old->smax == cur->smax && old->var.value == cur->var.value &&
	       old->var.mask == cur->var.mask;
}

/* Is every behaviour from cur already covered by the (proven safe) old register? */
static bool regsafe(const struct reg *old, const struct reg *cur, struct idmap *idmap, bool exact)
{
	if (old->type == NOT_INIT)
		return exact ? cur->type == NOT_INIT : true;
	if (old->type != cur->type)
		return false;
	if (exact ? !range_equal(old, cur) : !range_within(old, cur))
		return false;
	if (old->type == SCALAR)
		return check_ids(idmap, old->id, cur->id);
	if (old->off != cur->off || old->map != cur->map || old->frameno != cur->frameno)
		return false;
	if (!check_ids(idmap, old->id, cur->id) || !check_ids(idmap, old->ref_id, cur->ref_id))
		return false;
	if (old->id == 0 && cur->id != 0 && old->type != SCALAR)
		return false;
	switch (old->type) {
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
		/* The current path must have proven at least as much of the packet. */
		return exact ? old->range == cur->range : old->range <= cur->range;
	case PTR_TO_MEM:
	case PTR_TO_MEM_OR_NULL:
		return old->range == cur->range;
	default:
		return true;
	}
}

static bool stacksafe(const struct frame *old, const struct frame *cur, struct idmap *idmap,
		      bool exact)
{
	int s, b;

	for (s = 0; s < STACK_SLOTS; s++) {
		const struct stack_slot *os = &old->stack[s], *cs = &cur->stack[s];

		if (os->type[0] == STACK_SPILL) {
			if (cs->type[0] != STACK_SPILL ||
			    !regsafe(&os->spilled, &cs->spilled, idmap, exact))
				return false;
			continue;
		}
		for (b = 0; b < 8; b++) {
			uint8_t o = os->type[b], c = cs->type[b];

			if (exact && o != c)
				return false;
			if (o == STACK_INVALID || o == c)
				continue;
			if (o == STACK_MISC && c == STACK_ZERO)
				continue;
			if (o == STACK_MISC && c == STACK_SPILL && cs->spilled.type == SCALAR)
				continue;
			return false;
		}
	}
	return true;
}

static bool framesafe(struct venv *env, const struct frame *old, const struct frame *cur,
		      uint16_t live, struct idmap *idmap, bool exact)
{
	int i;

	if (old->callsite != cur->callsite)
		return false;
	for (i = 0; i < EBPF_NUM_REGS; i++) {
		if (!(live & (1u << i)))
			continue;
		if (!regsafe(&old->regs[i], &cur->regs[i], idmap, exact))
			return false;
	}
	return stacksafe(old, cur, idmap, exact);
}

/*
 * old was checkpointed at the same instruction as cur. Registers that are dead from here on
 * (static liveness) are not compared; in caller frames only r6-r9 survive the return.
 */
bool states_equal(struct venv *env, const struct vstate *old, const struct vstate *cur, bool exact)
{
	struct idmap idmap = { .n = 0 };
	uint32_t f, i;

	if (old->curframe != cur->curframe || old->nrefs != cur->nrefs)
		return false;
	/* Registers first: they differ far more often than the stack. */
	for (f = cur->curframe + 1; f-- > 0;) {
		uint16_t live;

		if (f == cur->curframe)
			live = env->aux[cur->insn].live;
		else
			live = env->aux[cur->frames[f + 1]->callsite + 1].live & 0x3c0;
		if (!framesafe(env, old->frames[f], cur->frames[f], live, &idmap, exact))
			return false;
	}
	for (i = 0; i < old->nrefs; i++)
		if (!check_ids(&idmap, old->refs[i], cur->refs[i]))
			return false;
	return true;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h;
}

/* Equal states (as states_equal(exact) sees them) have equal hashes. */
uint64_t state_hash(struct venv *env, const struct vstate *st)
{
	const struct frame *fr = st->frames[st->curframe];
	uint16_t live = env->aux[st->insn].live;
	uint64_t h = st->curframe;
	int i;

	for (i = 0; i < EBPF_NUM_REGS; i++) {
		const struct reg *r = &fr->regs[i];

		if (!(live & (1u << i)))
			continue;
		h = mix(h, r->type);
		if (r->type == NOT_INIT)
			continue;
		h = mix(h, (uint64_t)r->off);
		h = mix(h, r->var.value);
		h = mix(h, r->var.mask);
		h = mix(h, r->umin);
		h = mix(h, r->umax);
		h = mix(h, (uint64_t)r->smin);
		h = mix(h, (uint64_t)r->smax);
	}
	return h;
}

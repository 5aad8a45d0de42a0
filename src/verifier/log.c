// SPDX-License-Identifier: MIT
/*
 * Diagnostics: the caller's log buffer (written truncating safely, always NUL-terminated) and
 * the failure message: "section 'S': insn N (disassembly): reason", then the source line and
 * the register state on the following lines.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "verifier_int.h"

/* Whether the log takes more text: when it does not, nothing is worth formatting. */
static bool log_open(const struct venv *env)
{
	return env->in->log && env->in->log_size && !env->log_full;
}

void vlog(struct venv *env, const char *fmt, ...)
{
	const struct verifier_input *in = env->in;
	size_t room;
	va_list ap;
	int n;

	if (!log_open(env))
		return;
	room = in->log_size - env->log_len;
	va_start(ap, fmt);
	n = vsnprintf(in->log + env->log_len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= room) {
		env->log_len = in->log_size - 1;
		env->log_full = true;
		return;
	}
	env->log_len += (size_t)n;
}

const char *reg_type_name(enum reg_type type)
{
	switch (type) {
	case NOT_INIT:
		return "uninit";
	case SCALAR:
		return "scalar";
	case PTR_TO_CTX:
		return "ctx";
	case PTR_TO_STACK:
		return "fp";
	case PTR_TO_PACKET:
		return "pkt";
	case PTR_TO_PACKET_META:
		return "pkt_meta";
	case PTR_TO_PACKET_END:
		return "pkt_end";
	case PTR_TO_MAP_VALUE:
		return "map_value";
	case PTR_TO_MAP_VALUE_OR_NULL:
		return "map_value_or_null";
	case CONST_MAP_PTR:
		return "map_ptr";
	case CONST_MAP_PTR_OR_NULL:
		return "map_ptr_or_null";
	case PTR_TO_MEM:
		return "ringbuf_mem";
	case PTR_TO_MEM_OR_NULL:
		return "ringbuf_mem_or_null";
	case PTR_TO_BTF_ID:
		return "ptr_to_btf_id";
	case PTR_TO_BTF_ID_OR_NULL:
		return "ptr_to_btf_id_or_null";
	case PTR_TO_FUNC:
		return "func";
	case PTR_TO_ITER_INT:
		return "iter_int";
	case PTR_TO_SOCKET:
		return "sock";
	case PTR_TO_SOCKET_OR_NULL:
		return "sock_or_null";
	case PTR_TO_SOCK_COMMON:
		return "sock_common";
	case PTR_TO_SOCK_COMMON_OR_NULL:
		return "sock_common_or_null";
	case PTR_TO_TCP_SOCK:
		return "tcp_sock";
	case PTR_TO_TCP_SOCK_OR_NULL:
		return "tcp_sock_or_null";
	}
	return "?";
}

/* Does the unsigned 32-bit range say all the signed one does? */
static bool s32_implied(const struct reg *r)
{
	if (r->s32_min == INT32_MIN && r->s32_max == INT32_MAX)
		return true;
	if ((int32_t)r->u32_min <= (int32_t)r->u32_max)
		return r->s32_min == (int32_t)r->u32_min && r->s32_max == (int32_t)r->u32_max;
	return false;
}

/* Appends ",name=value" for the bounds that say something. */
static int describe_bounds(const struct reg *r, char *buf, size_t size)
{
	int n = 0;

#define ADD(...)                                                                                   \
	do {                                                                                       \
		int k_ = snprintf(buf + n, size > (size_t)n ? size - n : 0, __VA_ARGS__);          \
		if (k_ > 0)                                                                        \
			n += k_;                                                                   \
	} while (0)
	if (r->umin)
		ADD(",umin=%" PRIu64, r->umin);
	if (r->umax != UINT64_MAX)
		ADD(",umax=%" PRIu64, r->umax);
	if (r->smin != INT64_MIN && (r->smin != (int64_t)r->umin || r->smin < 0))
		ADD(",smin=%" PRId64, r->smin);
	if (r->smax != INT64_MAX && (r->smax != (int64_t)r->umax || r->smax < 0))
		ADD(",smax=%" PRId64, r->smax);
	/* The 32-bit bounds, where the 64-bit ones do not already imply them. */
	if ((r->umin >> 32) != (r->umax >> 32) && (r->u32_min || r->u32_max != UINT32_MAX))
		ADD(",u32=[%" PRIu32 ",%" PRIu32 "]", r->u32_min, r->u32_max);
	if (!s32_implied(r))
		ADD(",s32=[%" PRId32 ",%" PRId32 "]", r->s32_min, r->s32_max);
	if (r->var.mask != UINT64_MAX && r->umin != r->umax)
		ADD(",var=(%#" PRIx64 ";%#" PRIx64 ")", r->var.value, r->var.mask);
#undef ADD
	return n;
}

/* Where a comparison put a packet pointer against data_end (enum pkt_end_side). */
static const char *pkt_end_side_name(const struct reg *r)
{
	switch (r->pkt_end_side) {
	case PKT_END_AT:
		return ",at_end";
	case PKT_END_BEYOND:
		return ",beyond_end";
	default:
		return "";
	}
}

int reg_describe(const struct venv *env, const struct reg *r, char *buf, size_t size)
{
	const char *mapname = "?";
	char b[128] = "";
	int n;

	if (r->map >= 0 && (size_t)r->map < env->in->map_count && env->in->maps[r->map].name)
		mapname = env->in->maps[r->map].name;
	switch (r->type) {
	case NOT_INIT:
		return snprintf(buf, size, "uninit");
	case SCALAR:
		if (tnum_is_const(r->var))
			return snprintf(buf, size, "%" PRId64, (int64_t)r->var.value);
		describe_bounds(r, b, sizeof(b));
		return snprintf(buf, size, "scalar(%s)", b[0] ? b + 1 : "");
	default:
		break;
	}
	if (!tnum_is_const(r->var))
		describe_bounds(r, b, sizeof(b));
	else if (r->var.value)
		snprintf(b, sizeof(b), ",var=%" PRId64, (int64_t)r->var.value);
	switch (r->type) {
	case PTR_TO_STACK:
		if (r->frameno != env->cur->curframe)
			n = snprintf(buf, size, "fp[%u]%+d%s", r->frameno, r->off, b);
		else
			n = snprintf(buf, size, "fp%+d%s", r->off, b);
		return n;
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
		return snprintf(buf, size, "%s(off=%d,r=%u%s%s%s)", reg_type_name(r->type), r->off,
				r->range, r->id ? ",id" : "", pkt_end_side_name(r), b);
	case PTR_TO_MAP_VALUE:
	case PTR_TO_MAP_VALUE_OR_NULL:
		return snprintf(buf, size, "%s(map=%s,off=%d%s)", reg_type_name(r->type), mapname,
				r->off, b);
	case CONST_MAP_PTR:
	case CONST_MAP_PTR_OR_NULL:
		return snprintf(buf, size, "%s(%s)", reg_type_name(r->type), mapname);
	case PTR_TO_MEM:
	case PTR_TO_MEM_OR_NULL:
		return snprintf(buf, size, "%s(size=%u,off=%d%s)",
				r->type == PTR_TO_MEM && !r->ref_id ? "ctx_mem"
								    : reg_type_name(r->type),
				r->range, r->off, b);
	case PTR_TO_BTF_ID:
	case PTR_TO_BTF_ID_OR_NULL:
		return snprintf(buf, size, "ptr_to_%s%s(off=%d%s)",
				verifier_btf_type_name(env, r->btf_id),
				r->type == PTR_TO_BTF_ID_OR_NULL ? "_or_null" : "", r->off, b);
	case PTR_TO_FUNC:
		return snprintf(buf, size, "func(insn %d)", r->off);
	default:
		return snprintf(buf, size, "%s(off=%d%s)", reg_type_name(r->type), r->off, b);
	}
}

static char slot_char(uint8_t t)
{
	switch (t) {
	case STACK_MISC:
		return 'm';
	case STACK_ZERO:
		return '0';
	case STACK_SPILL:
		return 'r';
	case STACK_ITER:
		return 'i';
	case STACK_CONST:
		return 'c';
	default:
		return '?';
	}
}

/* "R0=... R1=ctx(off=0) fp-8=mmmmmmmm fp-16=spill(...)" for the current frame. */
void format_state(const struct venv *env, const struct vstate *st, char *buf, size_t size)
{
	const struct frame *fr = st->frames[st->curframe];
	size_t n = 0;
	int i;

	buf[0] = 0;
	if (st->curframe)
		n += snprintf(buf, size, "frame%u:", st->curframe);
	for (i = 0; i < EBPF_NUM_REGS && n < size; i++) {
		char d[128];

		if (fr->regs[i].type == NOT_INIT)
			continue;
		reg_describe(env, &fr->regs[i], d, sizeof(d));
		n += snprintf(buf + n, size - n, "%sR%d=%s", n ? " " : "", i, d);
	}
	for (i = STACK_SLOTS - 1; i >= 0 && n < size; i--) {
		const struct stack_slot *s = &fr->stack[i];
		int off = (i - STACK_SLOTS) * 8;
		char d[128];
		int b;

		if (s->type[0] == STACK_ITER) {
			reg_describe(env, &s->spilled, d, sizeof(d));
			n += snprintf(buf + n, size - n, " fp%d=iter_num(left=%s,insn %u)", off, d,
				      s->spilled.range);
			continue;
		}
		if (s->type[0] == STACK_SPILL) {
			int sz = slot_spill_size(s);

			reg_describe(env, &s->spilled, d, sizeof(d));
			if (sz < 8)
				n += snprintf(buf + n, size - n, " fp%d=%s(in %d bytes)", off, d,
					      sz);
			else
				n += snprintf(buf + n, size - n, " fp%d=%s", off, d);
			continue;
		}
		for (b = 0; b < 8 && s->type[b] == STACK_INVALID; b++)
			;
		if (b == 8)
			continue;
		for (b = 0; b < 8; b++)
			d[b] = slot_char(s->type[b]);
		d[8] = 0;
		n += snprintf(buf + n, size - n, " fp%d=%s", off, d);
	}
	if (st->nrefs && n < size)
		snprintf(buf + n, size - n, " refs=%u", st->nrefs);
}

static void disasm(const struct venv *env, uint32_t idx, char *buf, size_t size)
{
	if (isa_disasm(env->insns, env->count, idx, EBPF_DISASM_C, buf, size) < 0)
		snprintf(buf, size, "invalid");
}

void vlog_insn(struct venv *env, uint32_t idx)
{
	char d[96];

	if (!log_open(env))
		return;
	disasm(env, idx, d, sizeof(d));
	vlog(env, "%u: (%02x) %s\n", idx, env->insns[idx].code, d);
}

void vlog_state(struct venv *env, const struct vstate *st)
{
	char s[2048];

	if (!log_open(env))
		return;
	format_state(env, st, s, sizeof(s));
	vlog(env, "%u: %s\n", st->insn, s);
}

static const struct verifier_line *find_line(const struct venv *env, uint32_t idx)
{
	const struct verifier_line *lines = env->in->lines;
	size_t lo = 0, hi = env->in->line_count;

	if (!lines)
		return NULL;
	/* The last entry at or before idx. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (lines[mid].insn <= idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &lines[lo - 1] : NULL;
}

static int fail(struct venv *env, uint32_t idx, int error, bool with_state, const char *fmt,
		va_list ap)
{
	struct verifier_result *res = env->res;
	const struct verifier_line *line;
	size_t n = 0, size = sizeof(res->message);

	if (env->failed)
		return error;
	env->failed = true;
	res->error = error;
	res->insn = idx == UINT32_MAX ? -1 : (int64_t)idx;
	if (env->in->section)
		n += snprintf(res->message, size, "section '%s': ", env->in->section);
	if (idx != UINT32_MAX && idx < env->count && n < size) {
		char d[96];

		disasm(env, idx, d, sizeof(d));
		n += snprintf(res->message + n, size - n, "insn %u (%s): ", idx, d);
	}
	if (n < size)
		n += vsnprintf(res->message + n, size - n, fmt, ap);
	line = idx == UINT32_MAX ? NULL : find_line(env, idx);
	if (line && n < size)
		n += snprintf(res->message + n, size - n, "\n  source: %s:%u:%u%s%s",
			      line->file ? line->file : "?", line->line, line->column,
			      line->text ? ": " : "", line->text ? line->text : "");
	if (with_state && env->cur && n < size) {
		char s[1024];

		size_t len;

		format_state(env, env->cur, s, sizeof(s));
		n += snprintf(res->message + n, size - n, "\n  state: ");
		len = strlen(s);
		if (n < size) {
			if (len > size - n - 1)
				len = size - n - 1;
			memcpy(res->message + n, s, len);
			res->message[n + len] = 0;
		}
	}
	vlog(env, "%s\n", res->message);
	return error;
}

int verr(struct venv *env, uint32_t idx, int error, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = fail(env, idx, error, false, fmt, ap);
	va_end(ap);
	return ret;
}

int verr_state(struct venv *env, uint32_t idx, int error, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = fail(env, idx, error, true, fmt, ap);
	va_end(ap);
	return ret;
}

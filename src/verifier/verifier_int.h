/* SPDX-License-Identifier: MIT */
/*
 * The verifier's internal model, shared by its files:
 *
 *   cfg.c      control flow: encodings, jump targets, subprograms, reachability, liveness
 *   state.c    tnum (known bits), register and stack state, copying and comparing states
 *   bounds.c   scalar ranges: ALU transfer functions, branch decisions and refinement
 *   memory.c   loads, stores, atomics against ctx, stack, packet, map values and ring buffer memory
 *   helpers.c  helper calls checked against their prototypes
 *   verifier.c the walk: a DFS over paths with state pruning at join points
 *   log.c      the verifier log and the failure message
 *
 * The abstract state follows Linux's kernel/bpf/verifier.c: every register has a type; scalars
 * and the variable part of pointers carry known bits (tnum), signed/unsigned 64-bit bounds and,
 * on their own, signed/unsigned bounds of the low 32 bits (what ALU32 and JMP32 see).
 */
#ifndef EXTBPF_VERIFIER_INT_H
#define EXTBPF_VERIFIER_INT_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "isa/isa.h"
#include "verifier.h"

#define STACK_SLOTS	   (EBPF_STACK_SIZE / 8)
#define MAX_REFS	   16
#define MAX_PACKET_OFF	   0xffff
#define MAX_VAR_OFF	   (1 << 29) /* largest variable offset added to a pointer, as Linux */
#define DEFAULT_COMPLEXITY 1000000
#define TAIL_CALL_HELPER   12
#define PATH_DONE	   1 /* an instruction ended the current path (do_insn) */

/* Known bits: a bit is known when its mask bit is 0, and then it equals the value bit. */
struct tnum {
	uint64_t value;
	uint64_t mask;
};

enum reg_type {
	NOT_INIT = 0,
	SCALAR,
	PTR_TO_CTX,
	PTR_TO_STACK,
	PTR_TO_PACKET,
	PTR_TO_PACKET_META,
	PTR_TO_PACKET_END,
	PTR_TO_MAP_VALUE,
	PTR_TO_MAP_VALUE_OR_NULL,
	CONST_MAP_PTR,
	CONST_MAP_PTR_OR_NULL,
	PTR_TO_MEM, /* ring buffer reservation; range is its size */
	PTR_TO_MEM_OR_NULL,
	/* A kernel object of a BTF type (btf_id), possibly NULL: verify-only, never dereferenced
	 * in user space. Linux turns its loads into probe reads that cannot fault. */
	PTR_TO_BTF_ID,
	/* The same, where Linux makes the program check it against NULL before loading through
	 * it (an iterator's object, Linux's PTR_TO_BTF_ID_OR_NULL): loads are refused until then.
	 */
	PTR_TO_BTF_ID_OR_NULL,
	/* A subprogram's address (lddw src=BPF_PSEUDO_FUNC), `off` its first instruction: only
	 * passed to a helper's callback argument, never stored, compared or changed. */
	PTR_TO_FUNC,
	/* The int bpf_iter_num_next returned (iter.c): 4 read-only bytes inside the iterator
	 * ref_id, holding a value in [map, (int32_t)range). */
	PTR_TO_ITER_INT,
	/* A kernel socket a helper returned (sock.c), verify-only: its struct bpf_sock view,
	 * its struct sock_common part, its struct bpf_tcp_sock view; _OR_NULL until checked.
	 * ref_id: the reference it carries (a lookup's, or its parent's for bpf_sk_fullsock),
	 * 0 for none. Read-only, no arithmetic. */
	PTR_TO_SOCKET,
	PTR_TO_SOCKET_OR_NULL,
	PTR_TO_SOCK_COMMON,
	PTR_TO_SOCK_COMMON_OR_NULL,
	PTR_TO_TCP_SOCK,
	PTR_TO_TCP_SOCK_OR_NULL,
};

/* What a reference is: how the program gives it back (the messages name it). */
enum ref_kind {
	REF_RINGBUF = 0, /* a ring buffer reservation: bpf_ringbuf_submit/discard */
	REF_SOCKET,	 /* a socket a lookup returned: bpf_sk_release */
	REF_KFUNC,	 /* an object an acquiring kfunc returned: its releasing kfunc */
};

/* What a frame is running: a subprogram called by the program, or a helper's callback. */
enum callback_kind {
	CB_NONE = 0,
	CB_LOOP,     /* bpf_loop: long cb(u32 index, void *ctx) */
	CB_FOR_EACH, /* bpf_for_each_map_elem: long cb(map, key, value, ctx) */
	/* bpf_timer_set_callback: int cb(map, key, value), run later on its own (Linux's async
	 * callback): it returns 0, and nothing of it returns to the caller. */
	CB_TIMER,
};

/*
 * A register. For scalars var/bounds describe the value; for pointers `off` is the fixed offset
 * and var/bounds the variable one. `id` links copies: scalars with one id share their value,
 * *_OR_NULL pointers with one id are the same pointer (a null check marks all of them), packet
 * pointers with one id share their variable offset (a data_end check proves all of them).
 */
struct reg {
	uint8_t type;
	uint8_t frameno;      /* PTR_TO_STACK: the frame it points into */
	uint16_t loop_origin; /* loop_id set: the register or stack slot it came from (loop.c) */
	int32_t off;
	int32_t map;	 /* map index: map values and handles */
	uint32_t btf_id; /* PTR_TO_BTF_ID: the type pointed to, in verifier_input.btf_ctx->btf */
	uint32_t id;
	/* Ring buffer memory: the reservation it belongs to. Map values and map handles: the
	 * object they point into, 0 for a map's own (an array's values are one object, laid out
	 * by index), else one per element or inner map (helpers.c), REG_OBJ_ANY once joined. */
	uint32_t ref_id;
	uint32_t range; /* packet: bytes proven from pkt+var; mem: size */
	/* Scalars in a loop walked by abstraction (loop.c): the value is the loop_origin slot's
	 * value at the loop head, when the walk loop_id started this iteration, plus loop_delta
	 * (modulo 2^64). 0: no such relation. */
	uint32_t loop_id;
	struct tnum var;
	int64_t smin, smax;
	uint64_t umin, umax;
	/* The low 32 bits: a counter compared with JMP32 is bounded here even when its upper
	 * half is unknown or its signed 32-bit range crosses zero. */
	int32_t s32_min, s32_max;
	uint32_t u32_min, u32_max;
	uint64_t loop_delta;
	/* A scalar computed as pkt_end - (data + pkt_len_off), data the packet's start: a lower
	 * bound proven on it proves that many bytes after data + pkt_len_off (bounds.c). Holds
	 * while pkt_len_id == id (non-zero): any change to the value gives it another id. */
	uint32_t pkt_len_id;
	int32_t pkt_len_off;
	/* Packet pointers: where a comparison with data_end put this pointer on the path
	 * (enum pkt_end_side): a later comparison of it with data_end is decided (Linux's
	 * AT_PKT_END / BEYOND_PKT_END ranges). Moving it back or by a variable amount drops it. */
	uint8_t pkt_end_side;
};

/* What is known of a packet pointer p against data_end, weakest first: each implies those
 * before it, so two paths join to the smaller one. */
enum pkt_end_side {
	PKT_END_UNKNOWN = 0,
	PKT_END_AT,	/* p >= data_end */
	PKT_END_BEYOND, /* p > data_end */
};

/* The object of a map value or handle joined from different ones (loop.c): equal to none. */
#define REG_OBJ_ANY UINT32_MAX

/* What a stack byte holds. */
enum slot_type {
	STACK_INVALID = 0, /* never written: reading it is an error */
	STACK_MISC,	   /* some scalar bytes */
	STACK_ZERO,	   /* known zero */
	STACK_SPILL,	   /* part of a register spill, whose state is in spilled */
	/* A whole slot holding a live struct bpf_iter_num (iter.c): spilled is a scalar, the
	 * values it has left to give, with ref_id its identity, [off, map) the range of its
	 * values and range the insn that created it. Only the iterator kfuncs touch it. */
	STACK_ITER,
	STACK_CONST, /* a known non-zero byte, its value in the slot's val */
};

struct stack_slot {
	struct reg spilled;
	uint8_t type[8]; /* per byte, from the slot's lowest address */
	/* Per byte, the value of a STACK_CONST byte (meaningless for other types): narrow
	 * constant stores that share a slot (clang builds a string on the stack from 4-, 2- and
	 * 1-byte stores: a bpf_trace_printk format) stay readable. */
	uint8_t val[8];
};

/*
 * Bytes of a slot's spill: 8 for a register spilled whole, 1, 2 or 4 for a scalar stored at the
 * slot's start in that many bytes (spilled holds the value as stored: it fits in them, as
 * Linux's narrow spills), 0 when the slot holds no spill.
 */
static inline int slot_spill_size(const struct stack_slot *s)
{
	int n = 0;

	while (n < 8 && s->type[n] == STACK_SPILL)
		n++;
	return n;
}

struct frame {
	struct reg regs[EBPF_NUM_REGS];
	/* STACK_SLOTS slots, stack[0] is fp-512 .. fp-505 (shared by stored states, state.c) */
	struct stack_slot *stack;
	int32_t callsite; /* insn of the call that made this frame, -1 */
	uint32_t subprog;
	uint32_t depth;	 /* bytes of stack used */
	uint32_t refcnt; /* states sharing the frame (state.c) */
	/* A callback's frame: its kind, the last id given out before it was entered (a reference
	 * above it was acquired by the callback), and the id of the key pointer it was handed
	 * (bpf_for_each_map_elem: the key is the helper's copy, gone once the callback returns). */
	uint8_t callback;
	uint32_t cb_id_base;
	uint32_t cb_key_id;
	/* Names this frame from its entry until it next goes on past a callback-calling helper
	 * call (a fresh id each time): equal in two states of a path, the helper calls made from
	 * this frame in between have not returned (verifier.c, callback_iterated). */
	uint32_t resume_id;
	/* may_goto (verifier.c, may_goto_converged): this call of the function (a fresh id when
	 * the frame is entered) and the fall-throughs its may_goto took on this path since. */
	uint32_t entry_id;
	uint32_t may_goto_spent;
};

/* The bytes held by the frames of every state (current, pending, checkpoints): the budget. */
struct state_mem {
	uint64_t bytes, peak;
};

struct snode;

/* An instruction of a path's history that backtracking cannot infer (precision.c): one reached
 * other than from the instruction before it, a call, an exit, a stack access, a jump on linked
 * scalars, the first of its segment. */
struct hist_ent {
	uint32_t idx;
	uint32_t prev;	 /* the instruction run before it on the path */
	uint16_t linked; /* a conditional jump: registers sharing its operands' scalar ids */
	uint8_t frame;	 /* the frame it ran in */
	uint8_t flags;
	uint8_t sframe;		  /* a stack access: the frame accessed */
	uint8_t slot_lo, slot_hi; /* ... and the slots touched */
};

struct vstate {
	struct frame *frames[EBPF_MAX_CALL_DEPTH];
	uint32_t curframe;
	/* References the program holds (Linux's acquired_refs), each released on every path
	 * before the program exits: their ids (a pointer's ref_id), kinds and the instructions
	 * that acquired them (state.c, ref_acquire). */
	uint32_t nrefs;
	uint32_t refs[MAX_REFS];
	uint32_t ref_insn[MAX_REFS];
	uint8_t ref_kind[MAX_REFS]; /* enum ref_kind */
	/* The bpf_spin_lock held (Linux's active_lock): the map and the id of the value pointer
	 * it was taken through (0 for global data), and where. */
	bool lock_held;
	int32_t lock_map;
	uint32_t lock_id;
	uint32_t lock_insn;
	uint32_t insn;
	uint32_t prev_insn;   /* the instruction that led here: was it a loop's back-edge? */
	uint32_t walk;	      /* innermost loop walk by abstraction this path is in (loop.c), 0 */
	struct snode *parent; /* the last checkpoint on this path */
	struct state_mem *mem;
	bool oom; /* a frame could not be unshared (state_foreach_reg): the walk fails */
	/* Back at a callback-calling helper after its callback returned: the helper may call it
	 * again (verifier.c, "callbacks"). */
	bool cb_reentry;
	uint32_t cb_returns; /* callbacks returned on this path so far */
	/* Per frame, the stack slots this path overwrote whole (an aligned 8-byte store) since
	 * its last checkpoint: what they held there is never read afterwards (stack liveness,
	 * state.c). A checkpoint keeps the mask of the instructions that led to it. */
	uint64_t stack_written[EBPF_MAX_CALL_DEPTH];
	/* The instructions of this path since its last checkpoint (a checkpoint: those from its
	 * parent to it), for precision tracking (precision.c). */
	struct hist_ent *hist;
	uint32_t hist_len, hist_cap;
	uint32_t hist_last; /* the last instruction run on this path */
};

/* A checkpoint: a state seen at a prune point. */
struct snode {
	struct vstate st;
	struct snode *parent;
	/* While branches > 0, in the index of checkpoints in progress (venv.progress); then in
	 * the explored list of its instruction. */
	struct snode *next;
	uint32_t insn;
	uint32_t branches; /* paths from here not yet finished; 0: all proven safe */
	uint64_t hash;	   /* of the live registers: a cheap filter for the exact comparison */
	uint32_t hits, misses;
	bool invariant; /* a loop head's joined and widened state (loop.c), not in the lists */
	bool entry;	/* at a loop head, reached from outside the loop */
	struct snode *inv_next;
	/* Per frame, the stack slots some path from here reads before overwriting them whole
	 * (Linux's REG_LIVE_READ on stack slots): complete once branches is 0, so an explored
	 * checkpoint compares only these (state.c, stack_note_read). */
	uint64_t stack_read[EBPF_MAX_CALL_DEPTH];
	/* Per frame, the scalar registers and spilled scalars some path from here needs precise
	 * (precision.c); the others are compared as any scalar once branches is 0. prec_all:
	 * every scalar is needed. */
	uint16_t prec_regs[EBPF_MAX_CALL_DEPTH];
	uint64_t prec_stack[EBPF_MAX_CALL_DEPTH];
	bool prec_all;
};

enum insn_flags {
	INSN_PRUNE = 1u << 0,	  /* a join point: states are checkpointed here */
	INSN_LDDW_HI = 1u << 1,	  /* second slot of lddw */
	INSN_SUBPROG = 1u << 2,	  /* first instruction of a subprogram */
	INSN_LOOP_HEAD = 1u << 3, /* target of a back-edge */
	INSN_REACHED = 1u << 4,
	INSN_CALLBACK_CALL = 1u << 5, /* a helper that calls a callback: always checkpointed */
	INSN_BACK_S0 = 1u << 6,	      /* the edge to cfg_successors()[0] is a back-edge */
	INSN_BACK_S1 = 1u << 7,	      /* ... to [1] */
	INSN_MAY_GOTO = 1u << 8,      /* may_goto: always checkpointed (may_goto_converged) */
};

/* What a load or store instruction accessed, over every path (see note_access). */
enum insn_access {
	ACCESS_NONE = 0,
	ACCESS_CTX_FIELD_FIRST = VERIFIER_CTX_DATA, /* ..VERIFIER_CTX_META */
	ACCESS_OTHER = 0xff,
};

struct insn_aux {
	uint16_t flags;
	uint8_t access; /* enum insn_access */
	uint16_t live;	/* registers live before the instruction (bit per register) */
	uint32_t subprog;
	uint32_t back_edge_from; /* loop heads: the instruction jumping back */
	uint32_t visits;
	struct snode *explored;
};

struct loop;
struct loop_walk;

struct subprog {
	uint32_t start, end; /* [start, end) */
	uint32_t depth;	     /* deepest stack use seen */
};

struct venv {
	const struct verifier_input *in;
	struct verifier_result *res;
	const struct ebpf_inst *insns;
	uint32_t count;
	struct insn_aux *aux;
	struct subprog *subprogs;
	uint32_t subprog_count;
	uint64_t limit;
	uint32_t id_gen;
	uint64_t last_checkpoint; /* insns_processed when the last checkpoint was added */
	/*
	 * Checkpoints still being explored, hashed by instruction and state hash: a loop's walk
	 * adds one per iteration, and finding an equal one (no progress) must not cost a walk
	 * over all of them, which made verifying a loop quadratic in its trip count.
	 */
	struct snode **progress;
	uint32_t progress_size; /* buckets, a power of two */
	uint32_t progress_count;

	struct vstate *cur;
	struct state_mem mem; /* bytes held by states: the memory budget */
	uint64_t mem_limit;
	/* Loops walked by abstraction (loop.c): their heads' invariants and walks. */
	struct loop **loops;
	uint32_t loop_count;
	struct loop_walk *walks; /* walk id - 1 */
	uint32_t walk_count, walk_cap;
	uint32_t *pred_off, *preds; /* predecessors of insn i: preds[pred_off[i]..[i + 1]] */
	/* Loop heads walked exactly after their abstraction failed (loop.c), kept across the
	 * walk's restarts; the first such failure's verdict when the exact walk does no better. */
	uint32_t exact_heads[8];
	uint32_t exact_head_count;
	bool measure_failed, limit_hit;
	/* The last r <<= 32 walked, when, and its register before (bounds.c, zext_pair). */
	uint64_t zext_at;
	struct reg zext_reg;
	/* The instruction walked is a callback-calling helper its callback returned to. */
	bool cb_reentry;
	struct verifier_result *abstract_verdict;

	struct vstate **pending; /* DFS stack of states still to explore */
	uint32_t pending_count, pending_cap;

	/* log */
	size_t log_len;
	bool log_full;
	bool failed;
	bool in_branch;	   /* current path came from a pending branch (log level 1) */
	bool prec_in_insn; /* an instruction is being checked (its history entry is recorded) */
};

/* log.c */
void vlog(struct venv *env, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vlog_insn(struct venv *env, uint32_t idx);
void vlog_state(struct venv *env, const struct vstate *st);
int verr(struct venv *env, uint32_t idx, int error, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int verr_state(struct venv *env, uint32_t idx, int error, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *reg_type_name(enum reg_type type);
int reg_describe(const struct venv *env, const struct reg *reg, char *buf, size_t size);
void format_state(const struct venv *env, const struct vstate *st, char *buf, size_t size);

/* State-free checks of one instruction, for the structural pass and the walk alike. */
int lddw_validate(struct venv *env, uint32_t idx);
int helper_validate(struct venv *env, uint32_t idx, const struct ebpf_helper_proto **proto);

/* cfg.c */
int cfg_check(struct venv *env);
int cfg_successors(struct venv *env, uint32_t i, uint32_t succ[2]);

/* btf_access.c: contexts and pointers of programs attached through BTF */
const char *verifier_btf_type_name(const struct venv *env, uint32_t id);
uint32_t btf_kfunc_struct(const struct venv *env, const char *name, int param);
/* The kernel struct `name` in the kernel's BTF (a Linux helper's return), 0 when unknown. */
uint32_t btf_kernel_struct(const struct venv *env, const char *name);
/* Whether the typed pointers are the kernel's objects (verify-only), not an extension's. */
bool btf_kernel_objects(const struct venv *env);
/* Whether struct id begins with a struct sock_common (Linux's btf_struct_ids_match). */
bool btf_is_sock_common(const struct venv *env, uint32_t id);
/* The type behind typedefs and qualifiers; the struct or union a pointer points to, or 0. */
uint32_t btf_skip_mods(const struct btf *btf, uint32_t id);
uint32_t btf_pointee_struct(const struct btf *btf, uint32_t ptr_id);
int btf_ctx_access(struct venv *env, uint32_t idx, const struct reg *ptr, int off, int size,
		   bool write, struct reg *out);
int btf_id_access(struct venv *env, uint32_t idx, int regno, const struct reg *ptr, int off,
		  int size, bool write, struct reg *out, bool sext);
void result_scalar(struct reg *out, int size, bool sext);

/* state.c: tnum */
struct tnum tnum_const(uint64_t v);
struct tnum tnum_unknown(void);
struct tnum tnum_range(uint64_t min, uint64_t max);
struct tnum tnum_add(struct tnum a, struct tnum b);
struct tnum tnum_sub(struct tnum a, struct tnum b);
struct tnum tnum_and(struct tnum a, struct tnum b);
struct tnum tnum_or(struct tnum a, struct tnum b);
struct tnum tnum_xor(struct tnum a, struct tnum b);
struct tnum tnum_mul(struct tnum a, struct tnum b);
struct tnum tnum_lshift(struct tnum a, uint8_t shift);
struct tnum tnum_rshift(struct tnum a, uint8_t shift);
struct tnum tnum_arshift(struct tnum a, uint8_t shift, uint8_t width);
struct tnum tnum_intersect(struct tnum a, struct tnum b);
struct tnum tnum_cast(struct tnum a, uint8_t size);
bool tnum_in(struct tnum outer, struct tnum inner);
static inline bool tnum_is_const(struct tnum t)
{
	return t.mask == 0;
}

/* state.c: registers and states */
void reg_mark_unknown(struct reg *reg);
void reg_unbound32(struct reg *reg);
void reg_mark_const(struct reg *reg, uint64_t v);
void reg_mark_not_init(struct reg *reg);
void reg_mark_ptr(struct reg *reg, enum reg_type type);
bool reg_is_pointer(const struct reg *reg);
bool reg_is_const(const struct reg *reg);
bool reg_is_packet(const struct reg *reg);
bool reg_pkt_len_linked(const struct reg *reg);
bool reg_is_null(const struct reg *reg);
/* The type an _OR_NULL pointer has once checked non-NULL; NOT_INIT for other types. */
enum reg_type reg_type_nonnull(enum reg_type type);
bool reg_is_socket(const struct reg *reg); /* a null-checked socket pointer of any kind */
struct vstate *state_new(struct state_mem *mem);
struct vstate *state_copy(const struct vstate *src);
int state_copy_into(struct vstate *dst, const struct vstate *src);
int state_snapshot(struct vstate *dst, const struct vstate *src);
int state_unshare(struct vstate *st);
void state_free(struct vstate *st);
void state_free_frames(struct vstate *st);
struct frame *frame_new(struct state_mem *mem);
void state_frame_put(struct vstate *st, struct frame *f);
bool states_equal(struct venv *env, const struct vstate *old, const struct vstate *cur, bool exact);
bool states_pruned_by(struct venv *env, const struct snode *node, const struct vstate *cur);
void stack_note_read(struct venv *env, uint32_t frameno, uint64_t slots);
void stack_note_read_all(struct venv *env);
void stack_note_reads_of(struct venv *env, const struct snode *node);
uint64_t stack_slot_mask(int64_t lo, int64_t hi);
uint64_t state_hash(struct venv *env, const struct vstate *st);
bool slot_known_zero(const struct stack_slot *s);
void state_widen(const struct vstate *old, struct vstate *cur);
/*
 * References (Linux's acquire_reference_state / release_reference): ref_acquire gives a new id
 * held by the state from `idx` on; ref_forget drops it without touching registers (a failed
 * acquire: NULL holds nothing); ref_release (helpers.c) drops it and invalidates every
 * pointer carrying it (ref_id), so a use after release is a read of an uninitialised register.
 * ref_check_none refuses `what` (a tail call, ...; NULL: the program's exit) while any is
 * held, naming the acquiring instruction; ref_check_callback those acquired inside the current
 * callback.
 */
int ref_acquire(struct venv *env, uint32_t idx, enum ref_kind kind, uint32_t *id);
bool ref_held(const struct vstate *st, uint32_t id);
void ref_forget(struct vstate *st, uint32_t id);
void ref_release(struct vstate *st, uint32_t id);
int ref_check_none(struct venv *env, uint32_t idx, const char *what);
int ref_check_callback(struct venv *env, uint32_t idx, uint32_t id_base);
struct reg *cur_regs(struct venv *env);
static inline struct frame *cur_frame(struct venv *env)
{
	return env->cur->frames[env->cur->curframe];
}
/* Calls fn on every register and spilled register of the state, in every frame (a frame shared
 * with stored states is copied first when fn changes one of its registers). */
void state_foreach_reg(struct vstate *st, void (*fn)(struct reg *reg, void *arg), void *arg);

/* bounds.c */
void reg_bounds_sync(struct reg *reg);
bool reg_bounds_sane(const struct reg *reg);
void reg_zext32(struct reg *reg);
void reg_sext(struct reg *reg, int bytes);
int check_alu(struct venv *env, uint32_t idx);
int check_cond_jmp(struct venv *env, uint32_t idx, struct vstate **other);

/* precision.c: precision tracking (the rule is at the top of the file) */
int prec_record(struct venv *env, uint32_t idx);
int prec_hist_copy(struct vstate *dst, const struct vstate *src);
void prec_hist_free(struct vstate *st);
void prec_checkpoint(struct vstate *cur, struct snode *node);
void prec_mark_reg(struct venv *env, int regno);
void prec_mark_slots(struct venv *env, uint32_t frameno, uint64_t slots);
void prec_mark_all(struct venv *env);
void prec_propagate(struct venv *env, const struct snode *node);
void prec_cond_jmp(struct venv *env, const struct ebpf_inst *insn, const struct reg *dst,
		   const struct reg *src, bool one_side);

/* loop.c */
#define LOOP_VISIT_PRUNED 1
int loop_visit(struct venv *env, uint32_t idx);
int loop_widen(struct venv *env, uint32_t idx);
bool loop_edge_is_back(struct venv *env, uint32_t from, uint32_t to);
void loop_track_alu(struct venv *env, const struct ebpf_inst *insn, const struct reg *before,
		    const struct reg *src, struct reg *dst);
void loop_env_free(struct venv *env);
void loop_path_moved(struct venv *env);
bool loop_restart_exact(struct venv *env, int err);
void loop_final_verdict(struct venv *env);
/* state.c: cur within the loop invariant old at the head `head`, relations to that loop's head
 * aside (the loop's measure is checked on its own). */
bool states_covered(struct venv *env, const struct vstate *old, const struct vstate *cur,
		    uint32_t head);
uint32_t loop_walk_head(const struct venv *env, uint32_t walk);

/* memory.c */
int check_load(struct venv *env, uint32_t idx);
int check_store(struct venv *env, uint32_t idx);
int check_atomic(struct venv *env, uint32_t idx);
int check_lddw(struct venv *env, uint32_t idx);
int check_ld_abs(struct venv *env, uint32_t idx);
/* A helper's memory argument: [reg + 0, reg + size) readable (initialised) or writable. */
int check_mem_region(struct venv *env, uint32_t idx, int regno, uint64_t size, bool write,
		     const char *what);
void stack_mark_written(struct venv *env, const struct reg *ptr, uint64_t size);
void stack_mark_maybe_written(struct venv *env, const struct reg *ptr, uint64_t from, uint64_t to);
int stack_byte_value(struct venv *env, const struct reg *ptr, int64_t off, uint8_t *byte);
bool slot_byte_known(const struct stack_slot *s, int b, uint8_t *v);
int check_map_access_type(struct venv *env, uint32_t idx, const struct verifier_map *map,
			  bool write, const char *what);
void stack_update_depth(struct venv *env, struct frame *frame, int64_t lowest);

/* sock.c: loads through socket pointers, as Linux's bpf_sock_is_valid_access and friends */
/* A context load under the type's readable fields (ctx_fields.c): 0 allowed (*out set), <0
 * refused, 1 when the type declares no fields (every byte reads as a number). */
int ctx_field_read(struct venv *env, uint32_t idx, int64_t off, int size, bool sext,
		   struct reg *out);
int ctx_field_write(struct venv *env, uint32_t idx, int64_t off, int size);
int sock_access(struct venv *env, uint32_t idx, int regno, const struct reg *ptr, int off, int size,
		bool write, bool sext, struct reg *out);

/* helpers.c */
int check_helper_call(struct venv *env, uint32_t idx);
/* Refuses `what` (a call, an exit, a legacy packet load) while a bpf_spin_lock is held. */
int check_no_lock_held(struct venv *env, uint32_t idx, const char *what);
/* The map value's special field that [lo, hi) overlaps, or NULL. */
const struct verifier_field *map_field_overlap(const struct verifier_map *map, int64_t lo,
					       int64_t hi);
const char *map_field_name(enum verifier_field_kind kind);
bool map_has_spin_lock(const struct verifier_map *map);
/* Helpers that call a callback (bpf_loop, bpf_for_each_map_elem): their Linux ids. */
#define HELPER_FOR_EACH_MAP_ELEM  164
#define HELPER_LOOP		  181
#define HELPER_TIMER_INIT	  169
#define HELPER_TIMER_SET_CALLBACK 170
#define HELPER_TIMER_CANCEL	  172
#define BPF_LOOP_MAX		  (1u << 23) /* larger nr_loops fail with -E2BIG, as Linux */
bool loop_calls_surely(const struct reg *regs);
static inline bool is_callback_helper(uint32_t id)
{
	return id == HELPER_FOR_EACH_MAP_ELEM || id == HELPER_LOOP;
}
/* iter.c: open-coded numeric iterators (bpf_iter_num_*) */
bool iter_is_kfunc(const struct ebpf_helper_proto *proto);
int check_iter_call(struct venv *env, uint32_t idx, const struct ebpf_helper_proto *proto);
int iter_check_exit(struct venv *env, uint32_t idx, const char *what);
int iter_check_none(struct venv *env, uint32_t idx, const char *what);
int iter_check_stack_access(struct venv *env, uint32_t idx, const struct frame *frame, int64_t lo,
			    int64_t hi, const char *what);
void iter_value_bounds(const struct reg *ptr, int64_t off, int size, bool sext, struct reg *out);
void iter_widen(const struct stack_slot *old, struct stack_slot *cur);
/* verifier.c: another outcome of the call at idx, a path of its own going on after it. */
int push_branch(struct venv *env, struct vstate *st, uint32_t idx);

/* verifier.c: the callback `target` entered as a frame of its own with registers r1-r5 taken
 * from args; the walk goes there later (a pending path), the current path goes on. */
int push_callback_call(struct venv *env, uint32_t idx, uint32_t target, const struct reg args[5],
		       enum callback_kind kind, uint32_t key_id);
void invalidate_pointers_of(struct vstate *st, uint32_t id);
bool state_in_callback(const struct vstate *st);
/* Packet pointers in every frame and spill become unusable (the packet may have moved). */
void invalidate_packet_pointers(struct vstate *st);

static inline bool is_jmp32(uint8_t code)
{
	return EBPF_CLASS(code) == EBPF_CLS_JMP32;
}

#endif /* EXTBPF_VERIFIER_INT_H */

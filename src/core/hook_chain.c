/* SPDX-License-Identifier: MIT */
/*
 * The chains of the extension kit's hooks (extkit.h): where a link goes (a priority, or before /
 * after a given link or program, as Linux's multi-program attach), publishing a new chain under
 * the walkers, and where a link stands for ebpf_link_get_info.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <extbpf/extbpf.h>

#include "core/error.h"
#include "core/extkit.h"

#define NO_INDEX UINT32_MAX

struct kit_link kit_link_gone;

static struct kit_chain *chain_alloc(uint32_t count)
{
	struct kit_chain *c = calloc(1, sizeof(*c) + (size_t)count * sizeof(c->links[0]));

	if (c)
		c->count = count;
	return c;
}

/* The chain as the writer sees it: under kh->lock. */
static struct kit_chain *chain_current(struct kit_hook *kh)
{
	return atomic_load_explicit(&kh->chain, memory_order_relaxed);
}

static struct kit_link *slot(const struct kit_chain *c, uint32_t i)
{
	return atomic_load_explicit((_Atomic(struct kit_link *) *)&c->links[i],
				    memory_order_acquire);
}

static void chain_free_rcu(struct core_rcu_head *head)
{
	free((struct kit_chain *)head); /* rcu is the first member */
}

/* Walkers that loaded the old chain finish with it; it goes after a grace period. */
static void chain_publish(struct kit_hook *kh, struct kit_chain *next)
{
	struct kit_chain *old = chain_current(kh);

	atomic_store_explicit(&kh->chain, next, memory_order_release);
	if (old)
		core_call_rcu(&old->rcu, chain_free_rcu);
}

/* The chain's links other than l (and the gone ones), in order, into others; their count. */
static uint32_t chain_others(const struct kit_chain *c, const struct kit_link *l,
			     struct kit_link **others)
{
	uint32_t n = 0;

	for (uint32_t i = 0; c && i < c->count; i++) {
		struct kit_link *s = slot(c, i);

		if (s != l && s != &kit_link_gone)
			others[n++] = s;
	}
	return n;
}

static bool is_relative(const struct kit_link *s, const struct ebpf_link_client_data *o)
{
	if (o->relative_link_id)
		return s->link_id == o->relative_link_id;
	/* The program a link runs changes under ebpf_link_update: read it once, in a section. */
	return s->run && core_link_program_id(s->link) == o->relative_program_id;
}

/* The index in others of the link order names (NO_INDEX when it names none). */
static int find_relative(const struct kit_hook *kh, struct kit_link *const *others, uint32_t n,
			 const struct ebpf_link_client_data *o, uint32_t *index, char *msg,
			 size_t size)
{
	*index = NO_INDEX;
	if (!o->relative_link_id && !o->relative_program_id)
		return 0;
	core_rcu_read_lock();
	for (uint32_t i = 0; i < n && *index == NO_INDEX; i++) {
		if (is_relative(others[i], o))
			*index = i;
	}
	core_rcu_read_unlock();
	if (*index != NO_INDEX)
		return 0;
	if (o->relative_link_id)
		snprintf(msg, size, "hook '%s' has no link %u to place it %s", kh->data.name,
			 o->relative_link_id, o->flags & EBPF_F_BEFORE ? "before" : "after");
	else
		snprintf(msg, size, "no link of hook '%s' runs program %u to place it %s",
			 kh->data.name, o->relative_program_id,
			 o->flags & EBPF_F_BEFORE ? "before" : "after");
	return -ENOENT;
}

/*
 * Where the link goes among the n others, and the priority it takes there. The chain stays
 * sorted by priority: a link placed next to another takes that one's. By priority alone it goes
 * after the links of its priority with smaller ids (a new link after all of them: attach order),
 * and a link binding again after a reload (restore: the seq it had) where it stood among them,
 * whatever order they come back in, so that before/after placements survive the reload.
 */
static uint32_t place_index(struct kit_link *const *others, uint32_t n, uint32_t rel,
			    const struct ebpf_link_client_data *o, uint32_t id, uint64_t restore,
			    int32_t *priority)
{
	uint32_t at = 0;

	*priority = o->priority;
	if (o->flags & EBPF_F_BEFORE) {
		at = rel != NO_INDEX ? rel : 0;
		if (n)
			*priority = others[at]->priority;
		return at;
	}
	if (o->flags & EBPF_F_AFTER) {
		at = rel != NO_INDEX ? rel + 1 : n;
		if (n)
			*priority = others[at - 1]->priority;
		return at;
	}
	while (at < n && (others[at]->priority < o->priority ||
			  (others[at]->priority == o->priority &&
			   (restore ? others[at]->seq < restore : others[at]->link_id < id))))
		at++;
	return at;
}

#define SEQ_STEP (1ull << 32)

/* Gives the link at `at` of chain c a seq between its neighbours' (keeping the one it has when
 * it fits), numbering the whole chain afresh when there is no room left. */
static void seq_assign(struct kit_chain *c, uint32_t at)
{
	struct kit_link *l = slot(c, at);
	uint64_t lo = at ? slot(c, at - 1)->seq : 0;
	uint64_t hi = at + 1 < c->count ? slot(c, at + 1)->seq : UINT64_MAX;

	if (l->seq > lo && l->seq < hi)
		return;
	if (hi - lo >= 2) {
		l->seq = hi == UINT64_MAX && UINT64_MAX - lo > SEQ_STEP ? lo + SEQ_STEP
									: lo + (hi - lo) / 2;
		return;
	}
	for (uint32_t i = 0; i < c->count; i++)
		slot(c, i)->seq = (i + 1) * SEQ_STEP;
}

int kit_chain_place(struct kit_hook *kh, struct kit_link *l,
		    const struct ebpf_link_client_data *order, bool restore, char *msg,
		    size_t msg_size)
{
	struct kit_chain *c = chain_current(kh), *next = NULL;
	uint32_t max = (c ? c->count : 0) + 1, n, rel, at;
	struct kit_link **others = calloc(max, sizeof(*others));
	int32_t priority;
	int err = -ENOMEM;

	snprintf(msg, msg_size, "out of memory for the chain of hook '%s'", kh->data.name);
	if (!others)
		return err;
	n = chain_others(c, l, others);
	err = find_relative(kh, others, n, order, &rel, msg, msg_size);
	if (err)
		goto out;
	at = place_index(others, n, rel, order, l->link_id, restore ? l->seq : 0, &priority);
	err = -ENOMEM;
	next = chain_alloc(n + 1);
	if (!next)
		goto out;
	for (uint32_t i = 0, j = 0; i <= n; i++)
		atomic_init(&next->links[i], i == at ? l : others[j++]);
	if (!restore)
		l->seq = 0; /* a placement of its own: a seq between its new neighbours */
	seq_assign(next, at);
	l->priority = priority;
	chain_publish(kh, next);
	err = 0;
out:
	free(others);
	return err;
}

void kit_chain_remove(struct kit_hook *kh, struct kit_link *l)
{
	struct kit_chain *c = chain_current(kh), *next;
	uint32_t n = 0;

	if (!c)
		return;
	next = chain_alloc(c->count);
	if (!next) {
		/* No memory: the slot itself says "gone"; walkers skip it either way. */
		for (uint32_t i = 0; i < c->count; i++) {
			if (slot(c, i) == l)
				atomic_store_explicit(&c->links[i], &kit_link_gone,
						      memory_order_release);
		}
		return;
	}
	for (uint32_t i = 0; i < c->count; i++) {
		struct kit_link *s = slot(c, i);

		if (s != l && s != &kit_link_gone)
			atomic_init(&next->links[n++], s);
	}
	next->count = n;
	chain_publish(kh, next);
}

void kit_chain_free(struct kit_hook *kh)
{
	free(chain_current(kh));
	atomic_store_explicit(&kh->chain, NULL, memory_order_relaxed);
}

/* ---- for the core's links ------------------------------------------------------------------ */

void core_kit_position(const struct kit_link *entry, uint32_t *position, uint32_t *prev_id,
		       uint32_t *next_id)
{
	const struct kit_chain *c = atomic_load_explicit(&entry->hook->chain, memory_order_acquire);
	const struct kit_link *prev = NULL;
	uint32_t pos = 0;

	*position = *prev_id = *next_id = 0;
	for (uint32_t i = 0; c && i < c->count; i++) {
		const struct kit_link *s = slot(c, i);

		if (s == &kit_link_gone)
			continue;
		pos++;
		if (*position) {
			*next_id = s->link_id;
			return;
		}
		if (s == entry) {
			*position = pos;
			*prev_id = prev ? prev->link_id : 0;
		}
		prev = s;
	}
}

void *core_kit_lock(struct kit_link *entry)
{
	pthread_mutex_lock(&entry->hook->lock);
	return entry->hook;
}

void core_kit_unlock(void *hook)
{
	pthread_mutex_unlock(&((struct kit_hook *)hook)->lock);
}

int core_kit_reorder(struct kit_link *entry, const struct ebpf_link_client_data *order,
		     int32_t *priority)
{
	char msg[256];
	int err = kit_chain_place(entry->hook, entry, order, false, msg, sizeof(msg));

	if (err)
		return core_error(err, "link reorder: %s", msg);
	*priority = entry->priority;
	return 0;
}

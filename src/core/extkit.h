/* SPDX-License-Identifier: MIT */
/*
 * The extension kit's hooks (extkit.c) and their chains of links (hook_chain.c).
 *
 * A hook's links form a chain: an array in the order they run, published through one atomic
 * pointer. Firing loads the pointer once inside an RCU read-side critical section and walks that
 * array; attaching, detaching and reordering build a new array under the hook's lock, publish it
 * with a release store and free the old one after a grace period. A walk therefore sees one whole
 * chain, the old or the new, never a mix, and a link that stays attached runs exactly once per
 * firing whatever moves around it.
 */
#ifndef EXTBPF_CORE_EXTKIT_H
#define EXTBPF_CORE_EXTKIT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <extbpf/extension.h>

#include "core/core.h"
#include "core/rcu.h"

/* One link attached to a hook: what to call and the parameters to filter on. */
struct kit_link {
	struct kit_hook *hook;
	void *link; /* the core's client binding context */
	const struct ebpf_link_dispatch *dispatch;
	/* The core's links run inside the walk's read-side section, without a lock of their own. */
	core_link_run_fn run;
	void *context; /* what the hook's link_attach kept for it */
	bool attached; /* link_attach accepted it: link_detach is owed */
	uint32_t link_id;
	uint32_t flags;
	int32_t priority; /* under the hook's lock */
	/* Its place: the chain is sorted by (priority, seq), seq rising along it (under the
	 * hook's lock). Kept by the core's link while dormant, so that it comes back where it
	 * stood among the others (hook_chain.c). */
	uint64_t seq;
	size_t params_size;
	unsigned char params[];
};

/* The links of a hook in the order they run; never changed once published. */
struct kit_chain {
	struct core_rcu_head rcu;
	uint32_t count;
	/* A slot is overwritten only by kit_link_gone (a detach without memory for a new chain). */
	_Atomic(struct kit_link *) links[];
};

/* A hook while registered. */
struct kit_hook {
	struct ebpf_hook *hook;
	/* hook->data at today's size, and whether the hook has link_attach / link_detach. */
	struct ebpf_attach_provider_data data;
	bool callbacks;
	struct nmr_provider_characteristics chars;
	nmr_handle_t handle;		   /* NMR_INVALID_HANDLE until registered */
	pthread_mutex_t lock;		   /* serialises changes to the chain */
	_Atomic(struct kit_chain *) chain; /* NULL: no link yet */
};

/* Stands in a published slot for a link gone when no new chain could be allocated. */
extern struct kit_link kit_link_gone;

/*
 * Puts l into the hook's chain where order says (a new link, or one already in it: a move;
 * restore: a link binding again after a reload, back at its seq among its priority's links).
 * Under kh->lock. Returns 0 with the priority l took, or a negative errno with why in msg.
 */
int kit_chain_place(struct kit_hook *kh, struct kit_link *l,
		    const struct ebpf_link_client_data *order, bool restore, char *msg,
		    size_t msg_size);
/* Takes l out of the chain; under kh->lock. The caller waits for a grace period before l goes. */
void kit_chain_remove(struct kit_hook *kh, struct kit_link *l);
/* Frees the hook's last chain (deregistration, after every link detached). */
void kit_chain_free(struct kit_hook *kh);

#endif /* EXTBPF_CORE_EXTKIT_H */

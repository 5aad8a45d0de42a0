/* SPDX-License-Identifier: MIT */
/*
 * The module registrar (NMR): the decoupling layer between the extbpf core and its extensions.
 *
 * A *provider* and a *client* of the same NPI (network programming interface, named by a GUID)
 * are bound to each other by the registrar, whichever registers first. The client decides
 * whether it wants a provider (its attach_provider callback declines or calls
 * nmr_client_attach_provider), the provider may refuse a client (its attach_client callback
 * returns an error). Each side then holds the other's binding context and dispatch table.
 *
 * When either side deregisters, every binding it has is detached by calling the other side's
 * detach callback and then its own (so that both stop using each other). A detach may finish
 * later (the callback returns NMR_PENDING and the side calls nmr_*_detach_*_complete when its
 * last user is gone). Deregistration itself returns
 * NMR_PENDING while bindings remain; nmr_wait_for_deregistration blocks until they are gone, so a
 * provider's code and dispatch table can never disappear under a client still using them.
 *
 * Every function returns 0 (or NMR_PENDING where documented) or a negative errno. Handles are
 * opaque 64-bit identifiers checked by the registrar, so a stale or unknown handle is an error
 * (-ENOENT), never a crash. No callback is made with the registrar's lock held: a callback may
 * call back into the registrar.
 *
 * This header knows nothing about eBPF.
 */
#ifndef EXTBPF_NMR_H
#define EXTBPF_NMR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A GUID, stored as its 16 bytes in the order they are written: "00112233-4455-..." */
typedef struct nmr_guid {
	uint8_t bytes[16];
} nmr_guid_t;

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" plus the terminating NUL */
#define NMR_GUID_STRING_SIZE 37

/* Builds a GUID initializer from its textual groups: NMR_GUID(0x3474a18c, 0x6023, 0x4e12, 0x89f9,
 * 0x977eeb5853b4) is "3474a18c-6023-4e12-89f9-977eeb5853b4". The last group is widened to 64 bits
 * before shifting, so a small last group (an int literal) is fine too. */
#define NMR_GUID(a, b, c, d, e)                                                                    \
	{                                                                                          \
		{                                                                                  \
			(uint8_t)((a) >> 24), (uint8_t)((a) >> 16), (uint8_t)((a) >> 8),           \
			    (uint8_t)(a), (uint8_t)((b) >> 8), (uint8_t)(b), (uint8_t)((c) >> 8),  \
			    (uint8_t)(c), (uint8_t)((d) >> 8), (uint8_t)(d),                       \
			    (uint8_t)((uint64_t)(e) >> 40), (uint8_t)((uint64_t)(e) >> 32),        \
			    (uint8_t)((uint64_t)(e) >> 24), (uint8_t)((uint64_t)(e) >> 16),        \
			    (uint8_t)((uint64_t)(e) >> 8), (uint8_t)(e)                            \
		}                                                                                  \
	}

/* Parses the textual form (case-insensitive, optional surrounding braces). 0 or -EINVAL. */
int nmr_guid_parse(const char *text, nmr_guid_t *guid);
/* Writes the lower-case textual form into out (NMR_GUID_STRING_SIZE bytes); returns out. */
char *nmr_guid_format(const nmr_guid_t *guid, char out[NMR_GUID_STRING_SIZE]);
bool nmr_guid_equal(const nmr_guid_t *a, const nmr_guid_t *b);

/* Returned (positive) by detach callbacks and deregistration when completion comes later. */
#define NMR_PENDING 1

typedef struct nmr_registrar nmr_registrar_t;
/* A registration (provider or client) or a binding between one provider and one client. */
typedef uint64_t nmr_handle_t;
#define NMR_INVALID_HANDLE ((nmr_handle_t)0)

/* What one side of a binding learns of the other when it is offered. */
struct nmr_registration_info {
	nmr_guid_t npi_id;    /* the contract both sides implement */
	nmr_guid_t module_id; /* who this is */
	uint32_t version;     /* the module's version of the contract */
	/* The NPI-specific characteristics: an opaque block the other side reads (for instance the
	 * program information an extension provides). Must stay valid while registered. */
	const void *npi_specific;
	size_t npi_specific_size;
};

/*
 * The life of a binding (see docs/nmr.md):
 *
 * 1. Offer. Each pair (provider, client) of the same NPI id gets exactly one binding, made by
 *    whichever of the two registers second; the registrar calls the client's attach_provider
 *    with it, on the thread of that registration call.
 * 2. Attach. From inside attach_provider the client may call nmr_client_attach_provider, which
 *    calls the provider's attach_client. If that returns 0 the binding is attached: the client
 *    got the provider's binding context and dispatch table, the provider the client's. If the
 *    client does not call it, or the provider refuses, the binding silently disappears: no
 *    detach and no cleanup callback is ever made for it.
 * 3. Detach. When either side deregisters, each attached binding is detached by calling BOTH
 *    sides' detach callbacks, one after the other on one thread: first the side that did not
 *    deregister (it must stop using the deregistering side), then the deregistering side itself
 *    (it must stop calling into the other). Each callback returns 0 (done) or NMR_PENDING (the
 *    side calls nmr_*_detach_*_complete later, from any thread, even before the callback has
 *    returned). A negative return counts as done.
 * 4. Cleanup. Once both sides have completed their detach, the binding handle becomes invalid,
 *    each side's cleanup_binding_context (when set) is called once, and only then does the
 *    binding stop holding up the deregistration of either side.
 *
 * A deregistration that starts while a binding is being offered or attached does not interrupt
 * it: if the attach has not begun it is refused (nmr_client_attach_provider returns
 * -ESHUTDOWN); if it completes, the binding is detached as above right after the client's
 * attach_provider callback has returned.
 */
struct nmr_client_characteristics {
	struct nmr_registration_info info;
	/*
	 * A provider of info.npi_id is available. Return 0 after calling
	 * nmr_client_attach_provider (bound) or without calling it (declined), or a negative errno
	 * (treated as declined).
	 */
	int (*attach_provider)(nmr_registrar_t *registrar, nmr_handle_t binding,
			       void *client_context, const struct nmr_registration_info *provider);
	/*
	 * The provider is going away (or this client deregisters). Stop using the provider's
	 * dispatch table, then return 0, or return NMR_PENDING and call
	 * nmr_client_detach_provider_complete once the last use has finished.
	 */
	int (*detach_provider)(void *client_binding_context);
	/* Optional: the binding is gone; free client_binding_context. */
	void (*cleanup_binding_context)(void *client_binding_context);
};

struct nmr_provider_characteristics {
	struct nmr_registration_info info;
	/*
	 * A client asks to bind. Return 0 and fill *provider_binding_context and
	 * *provider_dispatch, or a negative errno to refuse the client.
	 */
	int (*attach_client)(nmr_registrar_t *registrar, nmr_handle_t binding,
			     void *provider_context, const struct nmr_registration_info *client,
			     void *client_binding_context, const void *client_dispatch,
			     void **provider_binding_context, const void **provider_dispatch);
	/* The binding is being removed (whichever side deregisters): stop calling the client's
	 * dispatch table, then return 0, or NMR_PENDING then later call
	 * nmr_provider_detach_client_complete. */
	int (*detach_client)(void *provider_binding_context);
	/* Optional: the binding is gone; free provider_binding_context. */
	void (*cleanup_binding_context)(void *provider_binding_context);
};

int nmr_registrar_create(nmr_registrar_t **registrar);
/* Fails with -EBUSY (and destroys nothing) while any registration remains, including one whose
 * deregistration returned NMR_PENDING and has not been waited for. */
int nmr_registrar_destroy(nmr_registrar_t *registrar);

/*
 * Optional: every error the registrar returns is also described, naming the call, the handle
 * or module and the reason, to log(arg, error, message). It is called on the failing call's
 * thread without the registrar's lock held. NULL turns it off.
 */
typedef void (*nmr_log_fn)(void *arg, int error, const char *message);
int nmr_registrar_set_log(nmr_registrar_t *registrar, nmr_log_fn log, void *arg);

/*
 * Registers a provider / client. The characteristics (and what they point to) must stay valid
 * until deregistration has completed. *handle is written first, then the new registration is
 * offered to every registration of the other kind with the same NPI id (in the order they
 * registered) before this returns; a callback may thus already deregister it. Registering the
 * same characteristics pointer twice (while the first is not fully deregistered) is refused
 * with -EEXIST. A NULL characteristics pointer, a missing mandatory callback (attach, detach)
 * or npi_specific NULL with a non-zero size is refused with -EINVAL.
 */
int nmr_register_provider(nmr_registrar_t *registrar,
			  const struct nmr_provider_characteristics *characteristics,
			  void *provider_context, nmr_handle_t *provider_handle);
int nmr_register_client(nmr_registrar_t *registrar,
			const struct nmr_client_characteristics *characteristics,
			void *client_context, nmr_handle_t *client_handle);

/*
 * Called by a client from inside its attach_provider callback to bind to the provider it was
 * offered. Calls the provider's attach_client; returns its result (a positive one becomes
 * -EPROTO). -ENOENT for an unknown binding, -EINVAL when the binding is not being offered
 * (outside attach_provider, or attached already) or an output pointer is NULL, -ESHUTDOWN when
 * either side has started deregistering.
 */
int nmr_client_attach_provider(nmr_registrar_t *registrar, nmr_handle_t binding,
			       void *client_binding_context, const void *client_dispatch,
			       void **provider_binding_context, const void **provider_dispatch);

/*
 * Starts deregistration: every binding of the registration is detached, no new binding is made.
 * Returns 0 when everything is already detached (the handle is then gone), NMR_PENDING when some
 * detach is still pending (then call nmr_wait_for_deregistration, which also releases the
 * handle), -ENOENT for an unknown handle, -EALREADY when deregistration was already started.
 * Also NMR_PENDING while a registration call for the same handle is still offering it, and
 * when another thread already waits on the handle (that wait releases it).
 */
int nmr_deregister_provider(nmr_registrar_t *registrar, nmr_handle_t provider_handle);
int nmr_deregister_client(nmr_registrar_t *registrar, nmr_handle_t client_handle);

/*
 * Blocks until the deregistration started on handle has completed, then releases the handle.
 * -ENOENT for an unknown handle, -EINVAL when no deregistration was started on it or it was
 * started with nmr_deregister_with_callback, -EBUSY when another thread already waits on it,
 * -EDEADLK when called from a callback of one of the registration's own bindings (it would wait
 * for itself: use nmr_deregister_with_callback there).
 */
int nmr_wait_for_deregistration(nmr_registrar_t *registrar, nmr_handle_t handle);

/*
 * The completion-callback variant: starts deregistration and returns at once; `done` is called
 * exactly once (from whichever thread completes the last detach, or from this one before it
 * returns) when every binding is gone. The handle is released before `done` is called. Returns
 * 0, or -EINVAL (done is NULL), -ENOENT, -EALREADY as nmr_deregister_*; on error `done` is never
 * called.
 */
int nmr_deregister_with_callback(nmr_registrar_t *registrar, nmr_handle_t handle,
				 void (*done)(void *arg), void *arg);

/* Complete a detach for which the callback returned NMR_PENDING (or is about to: completing
 * from another thread before the callback has returned is fine). -ENOENT for an unknown binding,
 * -EINVAL if that side has no detach in progress. */
int nmr_client_detach_provider_complete(nmr_registrar_t *registrar, nmr_handle_t binding);
int nmr_provider_detach_client_complete(nmr_registrar_t *registrar, nmr_handle_t binding);

#ifdef __cplusplus
}
#endif

#endif /* EXTBPF_NMR_H */

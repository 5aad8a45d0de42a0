// SPDX-License-Identifier: MIT
/*
 * line-filter: a host application embedding extbpf with a hook and a context of its own, the
 * whole extension model in one file.
 *
 *	line-filter FILTER.o < requests.txt
 *
 * It stands for a line-based server (think of a mail or cache server reading commands): every
 * line read from stdin is a request; eBPF programs attached to the host's hook decide whether
 * it is served (printed on stdout) or dropped. The host
 * 1. defines program type "line_filter" (context struct line_ctx, one helper line_contains)
 *    and attach type "line_filter_hook", and registers them as two NMR providers with the
 *    runtime's registrar: exactly what an extension's load() does, minus the shared library;
 * 2. opens the filter object (clang -target bpf output): the core finds the type by the
 *    section name "line_filter", verifies the program against the context and helper
 *    prototypes below, and compiles it;
 * 3. attaches it: the core becomes a client of the hook, whose attach_client hands the host
 *    the link's dispatch table;
 * 4. fires the hook once per line, calling dispatch->invoke for every attached link;
 * 5. reads the filter's map, detaches, closes and deregisters, in that order.
 * Exit codes: 0 success, 1 the filter could not be loaded or attached, 2 bad arguments.
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <extbpf/extbpf.h>

#include "filter.h"

#define LINE_MODULE_ID	     NMR_GUID(0x6c1f0e52, 0x43a1, 0x4b7e, 0x9d2c, 0x5a0b3c8e7f00)
#define LINE_PROGRAM_TYPE_ID NMR_GUID(0x6c1f0e52, 0x43a1, 0x4b7e, 0x9d2c, 0x5a0b3c8e7f01)
#define LINE_ATTACH_TYPE_ID  NMR_GUID(0x6c1f0e52, 0x43a1, 0x4b7e, 0x9d2c, 0x5a0b3c8e7f02)

/* ---- the program type: context, helper, section ------------------------------------------ */

/* Helpers get r1..r5; the verifier proved r1 is the context and [needle, needle + size) is
 * readable memory, as the prototype below says. */
static uint64_t line_contains(uint64_t r1, uint64_t needle, uint64_t size, uint64_t r4, uint64_t r5)
{
	const struct line_ctx *ctx = (const struct line_ctx *)(uintptr_t)r1;

	return memmem((const void *)(uintptr_t)ctx->data, ctx->length,
		      (const void *)(uintptr_t)needle, size) != NULL;
}

static const struct ebpf_helper_proto helper_protos[] = {
	{
	    .id = LINE_HELPER_CONTAINS,
	    .name = "line_contains",
	    .ret = EBPF_RET_INTEGER,
	    .args = { EBPF_ARG_PTR_TO_CTX, EBPF_ARG_PTR_TO_MEM, EBPF_ARG_CONST_SIZE },
	},
};

static const ebpf_helper_fn helper_addresses[] = { line_contains };

static const struct ebpf_section_prefix sections[] = { { .prefix = "line_filter" } };

/* Read-only context: data/data_end are packet pointers the verifier tracks. */
static const struct ebpf_program_info program_info = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
	.name = "line_filter",
	.program_type = LINE_PROGRAM_TYPE_ID,
	.sections = sections,
	.section_count = 1,
	.context = {
		.size = sizeof(struct line_ctx),
		.data = offsetof(struct line_ctx, data),
		.data_end = offsetof(struct line_ctx, data_end),
		.meta = -1,
	},
	.helpers = helper_protos,
	.helper_addresses = helper_addresses,
	.helper_count = 1,
};

/* The core binds to read program_info; nothing to keep per binding. */
static int info_attach_client(nmr_registrar_t *registrar, nmr_handle_t binding,
			      void *provider_context, const struct nmr_registration_info *client,
			      void *client_binding_context, const void *client_dispatch,
			      void **provider_binding_context, const void **provider_dispatch)
{
	*provider_binding_context = NULL;
	*provider_dispatch = NULL;
	return 0;
}

static int info_detach_client(void *provider_binding_context)
{
	return 0;
}

static const struct nmr_provider_characteristics info_provider = {
	.info = {
		.npi_id = EBPF_PROGRAM_INFO_NPI_ID,
		.module_id = LINE_MODULE_ID,
		.version = EBPF_PROGRAM_INFO_VERSION,
		.npi_specific = &program_info,
		.npi_specific_size = sizeof(program_info),
	},
	.attach_client = info_attach_client,
	.detach_client = info_detach_client,
};

/* ---- the hook: links attach, the host fires ---------------------------------------------- */

/* One attached link. */
struct hook_binding {
	struct hook_binding *next;
	struct host *host;
	void *link; /* the core's client binding context, passed back to invoke */
	const struct ebpf_link_dispatch *dispatch;
};

/*
 * The host. This one reads, fires, attaches and detaches on one thread, so the list of
 * bindings needs no lock; a host firing from several threads guards it as the sample extension
 * does (a read-write lock, held for reading while firing).
 */
struct host {
	nmr_handle_t info;
	nmr_handle_t hook;
	struct hook_binding *bindings; /* in attach order */
};

static const struct ebpf_attach_provider_data hook_data = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_attach_provider_data,
					EBPF_ATTACH_PROVIDER_DATA_VERSION),
	.name = "line_filter_hook",
	.attach_type = LINE_ATTACH_TYPE_ID,
	.program_type = LINE_PROGRAM_TYPE_ID,
	.params_size = 0,
};

static int hook_attach_client(nmr_registrar_t *registrar, nmr_handle_t binding,
			      void *provider_context, const struct nmr_registration_info *client,
			      void *client_binding_context, const void *client_dispatch,
			      void **provider_binding_context, const void **provider_dispatch)
{
	const struct ebpf_link_dispatch *dispatch = client_dispatch;
	struct host *host = provider_context;
	struct hook_binding *b, **p;

	if (!dispatch || !dispatch->invoke)
		return -EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->host = host;
	b->link = client_binding_context;
	b->dispatch = dispatch;
	for (p = &host->bindings; *p; p = &(*p)->next)
		;
	*p = b;
	*provider_binding_context = b;
	*provider_dispatch = NULL;
	return 0;
}

static void hook_remove(struct hook_binding *b)
{
	for (struct hook_binding **p = &b->host->bindings; *p; p = &(*p)->next) {
		if (*p == b) {
			*p = b->next;
			return;
		}
	}
}

/* The link goes away: once out of the list, no fire calls it. */
static int hook_detach_client(void *provider_binding_context)
{
	hook_remove(provider_binding_context);
	return 0;
}

/* The binding is gone, whichever side ended it. */
static void hook_cleanup(void *provider_binding_context)
{
	hook_remove(provider_binding_context);
	free(provider_binding_context);
}

static const struct nmr_provider_characteristics hook_provider = {
	.info = {
		.npi_id = EBPF_HOOK_NPI_ID,
		.module_id = LINE_MODULE_ID,
		.version = EBPF_ATTACH_PROVIDER_DATA_VERSION,
		.npi_specific = &hook_data,
		.npi_specific_size = sizeof(hook_data),
	},
	.attach_client = hook_attach_client,
	.detach_client = hook_detach_client,
	.cleanup_binding_context = hook_cleanup,
};

/* The host's event: one line. It passes when every program that ran says LINE_PASS. */
static bool hook_fire(struct host *host, char *line, size_t length, unsigned int line_no)
{
	struct line_ctx ctx = {
		.data = (uintptr_t)line,
		.data_end = (uintptr_t)(line + length),
		.line_no = line_no,
		.length = (unsigned int)length,
	};
	bool pass = true;

	for (struct hook_binding *b = host->bindings; b; b = b->next) {
		uint32_t verdict;

		/* Non-zero: the link is detaching, its program did not run. */
		if (b->dispatch->invoke(b->link, &ctx, &verdict))
			continue;
		pass = pass && verdict == LINE_PASS;
	}
	return pass;
}

/* ---- registration ------------------------------------------------------------------------ */

static int host_register(struct host *host)
{
	nmr_registrar_t *registrar = ebpf_runtime_registrar();
	int err;

	if (!registrar)
		return -ENODEV;
	err = nmr_register_provider(registrar, &info_provider, host, &host->info);
	if (err)
		return err;
	err = nmr_register_provider(registrar, &hook_provider, host, &host->hook);
	if (err) {
		if (nmr_deregister_provider(registrar, host->info) == NMR_PENDING)
			nmr_wait_for_deregistration(registrar, host->info);
		host->info = NMR_INVALID_HANDLE;
	}
	return err;
}

/* Deregisters the hook (detaching any link still attached), then the program type. */
static void host_deregister(struct host *host)
{
	nmr_registrar_t *registrar = ebpf_runtime_registrar();
	nmr_handle_t handles[] = { host->hook, host->info };

	for (size_t i = 0; i < 2; i++) {
		if (handles[i] == NMR_INVALID_HANDLE)
			continue;
		if (nmr_deregister_provider(registrar, handles[i]) == NMR_PENDING)
			nmr_wait_for_deregistration(registrar, handles[i]);
	}
}

/* ---- the server loop --------------------------------------------------------------------- */

static void filter_lines(struct host *host, FILE *in, FILE *out)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned int line_no = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, in)) >= 0) {
		size_t length = (size_t)n;

		if (length && line[length - 1] == '\n')
			length--;
		if (hook_fire(host, line, length, ++line_no))
			fprintf(out, "%.*s\n", (int)length, line);
	}
	free(line);
}

/* What the filter counted, from its map: the host's view of a program's state. */
static void print_verdicts(const struct ebpf_object *obj)
{
	struct ebpf_map *map = ebpf_object_find_map(obj, "verdicts");
	uint64_t counts[2] = { 0, 0 };

	if (!map)
		return;
	for (uint32_t key = 0; key < 2; key++)
		ebpf_map_lookup_elem(map, &key, &counts[key]);
	fprintf(stderr, "line-filter: %llu passed, %llu dropped\n",
		(unsigned long long)counts[LINE_PASS], (unsigned long long)counts[LINE_DROP]);
}

static int run(struct host *host, const char *path)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts) };
	struct ebpf_object *obj = NULL;
	struct ebpf_program *prog;
	struct ebpf_link *link = NULL;
	int ret = 1;

	if (ebpf_object_open(path, &opts, &obj)) {
		fprintf(stderr, "line-filter: %s\n", ebpf_last_error());
		return 1;
	}
	prog = ebpf_object_next_program(obj, NULL);
	if (!prog) {
		fprintf(stderr, "line-filter: %s has no program\n", path);
		goto out;
	}
	if (ebpf_program_attach_by_name(prog, "line_filter_hook", NULL, 0, &link)) {
		fprintf(stderr, "line-filter: %s\n", ebpf_last_error());
		goto out;
	}
	filter_lines(host, stdin, stdout);
	print_verdicts(obj);
	ret = 0;
out:
	if (link)
		ebpf_link_detach(link);
	ebpf_object_close(obj);
	return ret;
}

int main(int argc, char **argv)
{
	struct host host = { 0 };
	int err, ret;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: line-filter FILTER.o < requests.txt\n");
		return 2;
	}
	err = host_register(&host);
	if (err) {
		fprintf(stderr, "line-filter: cannot register the hook: %s\n", strerror(-err));
		ebpf_runtime_shutdown();
		return 1;
	}
	ret = run(&host, argv[1]);
	/* Programs and links are gone: the type and the hook may go, then the runtime. */
	host_deregister(&host);
	ebpf_runtime_shutdown();
	return ret;
}

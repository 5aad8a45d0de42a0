/* SPDX-License-Identifier: MIT */
/* libbpf's messages and error reporting: the host's print function, libbpf_get_error. */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "compat.h"

static int default_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Process-wide, as libbpf's: hosts set it once, before anything else. */
static _Atomic(libbpf_print_fn_t) print_fn = default_print;

libbpf_print_fn_t libbpf_set_print(libbpf_print_fn_t fn)
{
	return atomic_exchange(&print_fn, fn);
}

static void print_level(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	libbpf_print_fn_t fn = atomic_load(&print_fn);

	if (fn)
		fn(level, fmt, ap);
}

static void print_msg(enum libbpf_print_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_level(level, fmt, ap);
	va_end(ap);
}

void compat_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_level(LIBBPF_WARN, fmt, ap);
	va_end(ap);
}

int compat_fail(int err, const char *fmt, ...)
{
	const char *detail = ebpf_last_error();
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (detail && *detail)
		print_msg(LIBBPF_WARN, "libbpf: %s: %s\n", what, detail);
	else
		print_msg(LIBBPF_WARN, "libbpf: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return compat_err(err);
}

long libbpf_get_error(const void *ptr)
{
	return ptr ? 0 : -errno;
}

static void load_extensions(void)
{
	int err = ebpf_extension_load_dir(NULL);

	/* Objects of the types that did load still open; the others fail naming their section. */
	if (err && err != -EEXIST)
		print_msg(LIBBPF_INFO, "libbpf: extbpf extensions from %s: %s\n",
			  ebpf_extension_default_dir(), ebpf_last_error());
}

void compat_load_extensions(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, load_extensions);
}

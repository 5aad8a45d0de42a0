/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>

#include "core/error.h"

#include <extbpf/extbpf.h>

/* Per thread, as errno: a failing call's message survives until the thread's next failure. */
static _Thread_local char last_error[1024];

int core_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return err;
}

void core_error_clear(void)
{
	last_error[0] = '\0';
}

const char *ebpf_last_error(void)
{
	return last_error;
}

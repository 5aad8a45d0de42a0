// SPDX-License-Identifier: MIT
/* Asking the kernel: whether it may be asked, and what its verifier's log says. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "kdiff_kernel.h"

int kdiff_kernel_available(char *why, size_t size)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "kdiff_probe", "GPL", insns, 2, NULL);

	if (fd < 0) {
		snprintf(why, size, "bpf(BPF_PROG_LOAD) fails: %s", strerror(-fd));
		return fd;
	}
	close(fd);
	return 0;
}

int kdiff_log_reason(const char *log, char *out, size_t size)
{
	const char *end = log + strlen(log);

	while (end > log) {
		const char *start = end;

		while (start > log && start[-1] != '\n')
			start--;
		if (end > start && strncmp(start, "processed ", 10) &&
		    strncmp(start, "verification time", 17) && strncmp(start, "stack depth", 11)) {
			snprintf(out, size, "%.*s", (int)(end - start), start);
			return 0;
		}
		end = start > log ? start - 1 : log;
	}
	return -ENOENT;
}

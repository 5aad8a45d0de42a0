/* SPDX-License-Identifier: MIT */
/*
 * host.c in skeleton form: the object comes embedded in compat_xdp.skel.h (`extbpf gen
 * skeleton`), .rodata is set through skel->rodata, global counters read through skel->bss.
 */
#include "host_common.h"
#include "compat_xdp.skel.h"

int main(void)
{
	struct compat_xdp *skel = compat_xdp__open();
	int err;

	if (!skel) {
		fprintf(stderr, "compat_xdp__open: %s\n", strerror(errno));
		return 1;
	}
	printf("rodata before: drop_first %02x verdict_other %u\n", skel->rodata->cfg.drop_first,
	       skel->rodata->cfg.verdict_other);
	skel->rodata->cfg.drop_first = 0x07;
	err = compat_xdp__load(skel);
	if (!err)
		err = run_packets(bpf_program__fd(skel->progs.xdp_count));
	if (!err)
		err = print_counts(bpf_map__fd(skel->maps.counts));
	if (!err)
		err = drain_events(bpf_map__fd(skel->maps.events));
	if (!err)
		printf("bss: packets %llu dropped_len %u data: version %u\n",
		       (unsigned long long)skel->bss->packets, skel->bss->dropped_len,
		       skel->data->version);
	if (err)
		fprintf(stderr, "host_skel: %s\n", strerror(-err));
	compat_xdp__destroy(skel);
	return err ? 1 : 0;
}

// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Unsafe twins of perfmon_helpers.bpf.c: bpf_snprintf formats naming more values than the data
 * array holds, or what Linux's format parser refuses (the kernel refuses each, "Invalid format
 * string"), and bpf_probe_read, which Linux gives tracing programs only. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static const char two[] = "%u %u";
static const char precision[] = "%5.2u";

SEC("tc")
int snprintf_missing_value(struct __sk_buff *skb)
{
	__u64 data[1] = { skb->len };
	char out[16];

	return bpf_snprintf(out, sizeof(out), two, data, sizeof(data));
}

SEC("tc")
int snprintf_precision(struct __sk_buff *skb)
{
	__u64 data[1] = { skb->len };
	char out[16];

	return bpf_snprintf(out, sizeof(out), precision, data, sizeof(data));
}

SEC("tc")
int snprintf_half_value(struct __sk_buff *skb)
{
	__u64 data[1] = { skb->len };
	char out[16];

	return bpf_snprintf(out, sizeof(out), two, data, 4);
}

SEC("tc")
int tc_probe_read(struct __sk_buff *skb)
{
	__u32 v = 0;

	bpf_probe_read(&v, sizeof(v), (void *)(long)skb->mark);
	return v;
}

char _license[] SEC("license") = "GPL";

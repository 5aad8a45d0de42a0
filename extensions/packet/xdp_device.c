/* SPDX-License-Identifier: MIT */
/*
 * Devices: a packet source (capture file, live interface or none), output captures and
 * counters, named by an ifindex that links attach to. Running a device reads its source, lays
 * each packet out in a frame with XDP_HEADROOM in front, runs the programs of its ifindex and
 * carries out the verdict: outputs, transmission, redirection to another device.
 */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <pcap/pcap.h>

#include "xdp_device.h"

/* ---- errors ------------------------------------------------------------------------------ */

static _Thread_local char last_error[512];

int xdp_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return err;
}

void xdp_error_clear(void)
{
	last_error[0] = '\0';
}

const char *xdp_last_error(void)
{
	return last_error;
}

const char *xdp_verdict_name(enum xdp_verdict verdict)
{
	static const char *const names[] = { "aborted", "drop", "pass", "tx", "redirect" };

	return (unsigned)verdict < XDP_VERDICT_COUNT ? names[verdict] : "invalid";
}

/* ---- the registry ------------------------------------------------------------------------ */

/* Caller holds packet.lock. */
static struct xdp_device *find_ifindex(uint32_t ifindex)
{
	for (struct xdp_device *d = packet.devices; d; d = d->next)
		if (d->ifindex == ifindex)
			return d;
	return NULL;
}

static struct xdp_device *find_name(const char *name)
{
	for (struct xdp_device *d = packet.devices; d; d = d->next)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

static int publish(struct xdp_device *dev, uint32_t ifindex)
{
	int err = 0;

	pthread_rwlock_wrlock(&packet.lock);
	if (find_name(dev->name)) {
		err = xdp_error(-EEXIST, "device '%s' exists already", dev->name);
		goto out;
	}
	if (!ifindex) {
		while (find_ifindex(packet.next_ifindex))
			packet.next_ifindex++;
		ifindex = packet.next_ifindex++;
	} else if (find_ifindex(ifindex)) {
		err = xdp_error(-EEXIST, "device '%s': ifindex %u belongs to device '%s'",
				dev->name, ifindex, find_ifindex(ifindex)->name);
		goto out;
	}
	dev->ifindex = ifindex;
	dev->next = packet.devices;
	packet.devices = dev;
out:
	pthread_rwlock_unlock(&packet.lock);
	return err;
}

static void unpublish(struct xdp_device *dev)
{
	pthread_rwlock_wrlock(&packet.lock);
	for (struct xdp_device **p = &packet.devices; *p; p = &(*p)->next) {
		if (*p == dev) {
			*p = dev->next;
			break;
		}
	}
	pthread_rwlock_unlock(&packet.lock);
}

static int device_new(const char *name, struct xdp_device **out)
{
	struct xdp_device *dev = NULL;

	if (!name || !*name || strlen(name) >= sizeof(dev->name))
		return xdp_error(-EINVAL, "device name '%s' must have 1 to %zu characters",
				 name ? name : "(null)", sizeof(dev->name) - 1);
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return xdp_error(-ENOMEM, "device '%s': out of memory", name);
	dev->buf = malloc(XDP_BUFFER_SIZE);
	if (!dev->buf) {
		free(dev);
		return xdp_error(-ENOMEM, "device '%s': out of memory", name);
	}
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	pthread_mutex_init(&dev->out_lock, NULL);
	*out = dev;
	return 0;
}

static void device_free(struct xdp_device *dev)
{
	while (dev->outputs) {
		struct xdp_output *o = dev->outputs;

		dev->outputs = o->next;
		pcap_dump_close(o->dumper);
		pcap_close(o->pcap);
		free(o);
	}
	if (dev->source)
		dev->source->close(dev);
	pthread_mutex_destroy(&dev->out_lock);
	free(dev->buf);
	free(dev);
}

/* Publishes a device whose source is set up; frees it on failure. */
static int device_finish(struct xdp_device *dev, uint32_t ifindex, struct xdp_device **out)
{
	int err = publish(dev, ifindex);

	if (err) {
		device_free(dev);
		return err;
	}
	*out = dev;
	return 0;
}

int xdp_device_create(const char *name, uint32_t ifindex, struct xdp_device **out)
{
	struct xdp_device *dev = NULL;
	int err;

	xdp_error_clear();
	if (!out)
		return xdp_error(-EINVAL, "xdp_device_create: no output pointer");
	err = device_new(name, &dev);
	if (err)
		return err;
	return device_finish(dev, ifindex, out);
}

int xdp_device_create_pcap(const char *name, const char *path, uint32_t ifindex,
			   struct xdp_device **out)
{
	struct xdp_device *dev = NULL;
	int err;

	xdp_error_clear();
	if (!out || !path)
		return xdp_error(-EINVAL, "xdp_device_create_pcap: no capture path");
	err = device_new(name, &dev);
	if (err)
		return err;
	err = xdp_pcap_source_open(dev, path);
	if (err) {
		device_free(dev);
		return err;
	}
	return device_finish(dev, ifindex, out);
}

int xdp_device_create_live(const char *ifname, struct xdp_device **out)
{
	struct xdp_device *dev = NULL;
	uint32_t ifindex;
	int err;

	xdp_error_clear();
	if (!out || !ifname)
		return xdp_error(-EINVAL, "xdp_device_create_live: no interface name");
	ifindex = if_nametoindex(ifname);
	if (!ifindex)
		return xdp_error(-ENODEV, "interface '%s': %s", ifname, strerror(errno));
	err = device_new(ifname, &dev);
	if (err)
		return err;
	err = xdp_live_source_open(dev, ifname, ifindex);
	if (err) {
		device_free(dev);
		return err;
	}
	return device_finish(dev, ifindex, out);
}

void xdp_device_destroy(struct xdp_device *dev)
{
	if (!dev)
		return;
	xdp_device_stop(dev);
	unpublish(dev); /* after the write lock no redirect reaches it */
	device_free(dev);
}

uint32_t xdp_device_ifindex(const struct xdp_device *dev)
{
	return dev->ifindex;
}

const char *xdp_device_name(const struct xdp_device *dev)
{
	return dev->name;
}

void xdp_device_stats(const struct xdp_device *dev, struct xdp_stats *stats)
{
	struct xdp_device *d = (struct xdp_device *)dev; /* the lock is not the stats */

	pthread_mutex_lock(&d->out_lock);
	*stats = d->stats;
	pthread_mutex_unlock(&d->out_lock);
}

void xdp_device_stop(struct xdp_device *dev)
{
	atomic_store(&dev->stop, true);
}

/* ---- outputs ----------------------------------------------------------------------------- */

int xdp_device_add_output(struct xdp_device *dev, const char *path, uint32_t which)
{
	const uint32_t all = XDP_OUT_PASS | XDP_OUT_TX | XDP_OUT_REDIRECT | XDP_OUT_DROP;
	struct xdp_output *o;

	xdp_error_clear();
	if (!dev || !path)
		return xdp_error(-EINVAL, "xdp_device_add_output: no device or path");
	if (!which || (which & ~all))
		return xdp_error(-EINVAL, "output '%s': bad packet selection 0x%x", path, which);
	o = calloc(1, sizeof(*o));
	if (!o)
		return xdp_error(-ENOMEM, "output '%s': out of memory", path);
	o->which = which;
	o->pcap = pcap_open_dead(DLT_EN10MB, XDP_MAX_PACKET);
	if (!o->pcap) {
		free(o);
		return xdp_error(-ENOMEM, "output '%s': out of memory", path);
	}
	o->dumper = pcap_dump_open(o->pcap, path);
	if (!o->dumper) {
		xdp_error(-EIO, "output '%s': %s", path, pcap_geterr(o->pcap));
		pcap_close(o->pcap);
		free(o);
		return -EIO;
	}
	pthread_mutex_lock(&dev->out_lock);
	o->next = dev->outputs;
	dev->outputs = o;
	pthread_mutex_unlock(&dev->out_lock);
	return 0;
}

/* Caller holds dev->out_lock. */
static void emit(struct xdp_device *dev, uint32_t what, const struct timeval *ts,
		 const unsigned char *data, size_t len)
{
	struct pcap_pkthdr hdr = { .ts = *ts, .caplen = (uint32_t)len, .len = (uint32_t)len };

	for (struct xdp_output *o = dev->outputs; o; o = o->next)
		if (o->which & what)
			pcap_dump((unsigned char *)o->dumper, &hdr, data);
}

/* Sends a packet out of dev: its outputs, and its interface when it has one. */
static void transmit(struct xdp_device *dev, const struct timeval *ts, const unsigned char *data,
		     size_t len)
{
	pthread_mutex_lock(&dev->out_lock);
	emit(dev, XDP_OUT_TX, ts, data, len);
	dev->stats.tx_packets++;
	if (dev->source && dev->source->transmit)
		dev->source->transmit(dev, data, len);
	pthread_mutex_unlock(&dev->out_lock);
}

/* ---- running packets --------------------------------------------------------------------- */

/* Carries out a redirect: to a device, a host queue, or a CPU (as XDP_PASS). -ENOENT when the
 * target does not exist (the packet is dropped). */
static int deliver(struct xdp_device *dev, const struct xdp_redirect *to, const struct timeval *ts,
		   const unsigned char *data, size_t n)
{
	struct xdp_device *target = NULL;
	uint32_t what = XDP_OUT_REDIRECT;

	switch (to->kind) {
	case XDP_REDIRECT_DEVICE:
		target = find_ifindex(to->target);
		if (!target)
			return -ENOENT;
		break;
	case XDP_REDIRECT_XSK:
		if (xdp_xsk_deliver(to->target, data, n) == -ENOENT)
			return -ENOENT;
		break;
	case XDP_REDIRECT_CPU:
		what |= XDP_OUT_PASS;
		break;
	default:
		return -ENOENT;
	}
	pthread_mutex_lock(&dev->out_lock);
	emit(dev, what, ts, data, n);
	pthread_mutex_unlock(&dev->out_lock);
	if (target)
		transmit(target, ts, data, n);
	return 0;
}

/*
 * Runs one packet (at dev->buf + XDP_HEADROOM) through the programs of dev and carries out the
 * verdict. The caller holds packet.lock for reading; `run` collects the counters.
 */
static enum xdp_verdict process(struct xdp_device *dev, size_t len, const struct timeval *ts,
				struct xdp_stats *run, struct xdp_context *ctx)
{
	enum xdp_verdict verdict;
	const unsigned char *data;
	struct xdp_redirect redirect;
	bool invalid;
	size_t n;

	xdp_context_init(ctx, dev->buf, len, 0, dev->ifindex, 0);
	verdict = xdp_run_programs(dev->ifindex, ctx, &redirect, &invalid);
	run->packets++;
	run->bytes += len;
	run->verdicts[verdict]++;
	run->invalid_verdicts += invalid;
	data = (const unsigned char *)(uintptr_t)ctx->data;
	n = ctx->data_end - ctx->data;
	switch (verdict) {
	case XDP_VERDICT_TX:
		transmit(dev, ts, data, n);
		break;
	case XDP_VERDICT_REDIRECT:
		if (deliver(dev, &redirect, ts, data, n))
			run->redirect_errors++;
		break;
	case XDP_VERDICT_PASS:
		pthread_mutex_lock(&dev->out_lock);
		emit(dev, XDP_OUT_PASS, ts, data, n);
		pthread_mutex_unlock(&dev->out_lock);
		break;
	default:
		pthread_mutex_lock(&dev->out_lock);
		emit(dev, XDP_OUT_DROP, ts, data, n);
		pthread_mutex_unlock(&dev->out_lock);
		break;
	}
	return verdict;
}

static void stats_add(struct xdp_stats *to, const struct xdp_stats *from)
{
	to->packets += from->packets;
	to->bytes += from->bytes;
	for (int i = 0; i < XDP_VERDICT_COUNT; i++)
		to->verdicts[i] += from->verdicts[i];
	to->invalid_verdicts += from->invalid_verdicts;
	to->redirect_errors += from->redirect_errors;
	to->truncated += from->truncated;
	to->run_ns += from->run_ns;
	/* tx_packets is counted on the device as it transmits. */
}

/* Adds a batch's counters to the device's and the run's; tx_packets is the device's count
 * since tx_start (it transmits redirects from other devices' runs too). */
static void merge(struct xdp_device *dev, struct xdp_stats *total, struct xdp_stats *batch,
		  uint64_t tx_start)
{
	pthread_mutex_lock(&dev->out_lock);
	stats_add(&dev->stats, batch);
	total->tx_packets = dev->stats.tx_packets - tx_start;
	pthread_mutex_unlock(&dev->out_lock);
	stats_add(total, batch);
	memset(batch, 0, sizeof(*batch));
}

static uint64_t tx_count(struct xdp_device *dev)
{
	uint64_t n;

	pthread_mutex_lock(&dev->out_lock);
	n = dev->stats.tx_packets;
	pthread_mutex_unlock(&dev->out_lock);
	return n;
}

int xdp_device_inject(struct xdp_device *dev, const void *frame, size_t size, void *out,
		      size_t *out_size, enum xdp_verdict *verdict)
{
	struct xdp_stats batch = { 0 }, total = { 0 };
	struct xdp_context ctx;
	struct timeval ts;
	enum xdp_verdict v;

	xdp_error_clear();
	if (!dev || !frame)
		return xdp_error(-EINVAL, "xdp_device_inject: no device or frame");
	if (size < ETH_HEADER_LEN || size > XDP_MAX_PACKET)
		return xdp_error(-EINVAL, "device '%s': a frame has 14 to %d bytes, not %zu",
				 dev->name, XDP_MAX_PACKET, size);
	if (atomic_exchange(&dev->running, true))
		return xdp_error(-EBUSY, "device '%s' is running", dev->name);
	gettimeofday(&ts, NULL);
	memcpy(dev->buf + XDP_HEADROOM, frame, size);
	pthread_rwlock_rdlock(&packet.lock);
	v = process(dev, size, &ts, &batch, &ctx);
	pthread_rwlock_unlock(&packet.lock);
	merge(dev, &total, &batch, 0);
	if (out_size) {
		size_t n = ctx.data_end - ctx.data;

		if (out)
			memcpy(out, (const void *)(uintptr_t)ctx.data,
			       n < *out_size ? n : *out_size);
		*out_size = n;
	}
	if (verdict)
		*verdict = v;
	atomic_store(&dev->running, false);
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Packets per read-lock hold: creating or destroying a device waits for at most one batch. */
#define RUN_BATCH 64

/* One batch: returns the number of packets read, or a negative errno, 0 at the end. */
static int run_batch(struct xdp_device *dev, const struct xdp_run_opts *opts, uint64_t done,
		     struct xdp_stats *batch)
{
	struct xdp_context ctx;
	struct timeval ts;
	size_t len, wire;
	int n = 0, err = 0;

	pthread_rwlock_rdlock(&packet.lock);
	while (n < RUN_BATCH && !atomic_load(&dev->stop)) {
		if (opts->max_packets && done + n >= opts->max_packets)
			break;
		err = dev->source->next(dev, dev->buf + XDP_HEADROOM, &len, &wire, &ts,
					opts->timeout_ms);
		if (err <= 0)
			break;
		batch->truncated += wire > len;
		process(dev, len, &ts, batch, &ctx);
		n++;
	}
	pthread_rwlock_unlock(&packet.lock);
	return err < 0 ? err : n;
}

int xdp_device_run(struct xdp_device *dev, const struct xdp_run_opts *opts_in,
		   struct xdp_stats *stats)
{
	struct xdp_run_opts opts = { .sz = sizeof(opts) };
	struct xdp_stats total = { 0 }, batch = { 0 };
	uint64_t start = now_ns(), next_progress, tx_start;
	int n;

	xdp_error_clear();
	if (!dev)
		return xdp_error(-EINVAL, "xdp_device_run: no device");
	if (opts_in)
		memcpy(&opts, opts_in, opts_in->sz < sizeof(opts) ? opts_in->sz : sizeof(opts));
	if (!opts.progress_every)
		opts.progress_every = 65536;
	if (!dev->source)
		return xdp_error(
		    -EINVAL, "device '%s' has no packet source (inject frames instead)", dev->name);
	if (atomic_exchange(&dev->running, true))
		return xdp_error(-EBUSY, "device '%s' is running already", dev->name);
	atomic_store(&dev->stop, false);
	tx_start = tx_count(dev);
	next_progress = opts.progress_every;
	while ((n = run_batch(dev, &opts, total.packets, &batch)) > 0) {
		merge(dev, &total, &batch, tx_start);
		if (opts.progress && total.packets >= next_progress) {
			total.run_ns = now_ns() - start;
			opts.progress(opts.progress_arg, &total);
			next_progress = total.packets + opts.progress_every;
		}
	}
	merge(dev, &total, &batch, tx_start);
	total.run_ns = now_ns() - start;
	pthread_mutex_lock(&dev->out_lock);
	dev->stats.run_ns += total.run_ns;
	for (struct xdp_output *o = dev->outputs; o; o = o->next)
		pcap_dump_flush(o->dumper);
	pthread_mutex_unlock(&dev->out_lock);
	atomic_store(&dev->running, false);
	if (stats)
		*stats = total;
	return n < 0 ? n : 0;
}

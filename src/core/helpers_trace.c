/* SPDX-License-Identifier: MIT */
/*
 * bpf_trace_printk: Linux's restricted format (kernel/bpf/helpers.c, bpf_bprintf_prepare),
 * formatted here and handed to the host's sink (ebpf_set_trace_sink), stderr by default.
 *
 * Accepted, as on Linux: at most three conversions among %d %i %u %x %X with an optional l or
 * ll, %c, %s, %pks, %pus, %p (and %pK %px %ps %pS %pB, printed as the raw address: user space
 * has no symbols to resolve nor kernel pointers to hide), %pI4 %pi4 %pI6 %pi6, each with
 * optional "0+- " flags and a width; "%%" is a literal percent. Anything else, a format without
 * a NUL within its size, or a character that is not printable ASCII or white space, is -EINVAL
 * and prints nothing.
 *
 * The verifier parses the format with the same parser (src/verifier/printk.c) and proves what
 * each conversion reads: a string NUL-terminated inside memory the program may read, 4 or 16
 * readable bytes for an address, no pointer printed as a number. The reads still go through
 * process_vm_readv() on this process, which fails with EFAULT instead of faulting (an
 * unreadable string prints as "", an unreadable address as zeros, as Linux's nofault reads do):
 * a second line of defence for hosts that call the helper outside a verified program.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/helpers.h"
#include "verifier/verifier.h"

#include <extbpf/extbpf.h>

#define TRACE_PRINTK_MAX_ARGS PRINTK_MAX_ARGS

/* ---- Reading memory the verifier did not prove ------------------------------------------- */

/* Chunks never cross a 4 KiB boundary, hence never a page: each read is all or nothing. */
#define SAFE_READ_BLOCK 4096u

static bool read_chunk(void *dst, uint64_t addr, size_t len)
{
	struct iovec local = { .iov_base = dst, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };

	return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == (ssize_t)len;
}

static size_t chunk_len(uint64_t addr, size_t want)
{
	size_t in_block = SAFE_READ_BLOCK - (size_t)(addr % SAFE_READ_BLOCK);

	return want < in_block ? want : in_block;
}

/* Copies len bytes from addr, or zeros when any of them is unreadable. */
static void read_bytes(void *dst, uint64_t addr, size_t len)
{
	unsigned char *d = dst;

	for (size_t done = 0, n; done < len; done += n) {
		n = chunk_len(addr + done, len - done);
		if (!read_chunk(d + done, addr + done, n)) {
			memset(dst, 0, len);
			return;
		}
	}
}

/* Copies the string at addr (truncated to size - 1); "" when unreadable before its end. */
static void read_string(char *dst, size_t size, uint64_t addr)
{
	size_t done = 0;

	while (done < size - 1) {
		size_t n = chunk_len(addr + done, size - 1 - done);

		if (!read_chunk(dst + done, addr + done, n)) {
			dst[0] = '\0';
			return;
		}
		if (memchr(dst + done, '\0', n))
			return;
		done += n;
	}
	dst[done] = '\0';
}

/* ---- Output ------------------------------------------------------------------------------ */

/* A bounded buffer that counts what an unbounded one would hold (as snprintf). */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void out_bytes(struct out *o, const char *s, size_t n)
{
	if (o->len < o->size - 1) {
		size_t room = o->size - 1 - o->len;

		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void out_format(struct out *o, const char *spec, ...) __attribute__((format(printf, 2, 3)));

static void out_format(struct out *o, const char *spec, ...)
{
	va_list ap;
	int n;

	va_start(ap, spec);
	if (o->len < o->size)
		n = vsnprintf(o->buf + o->len, o->size - o->len, spec, ap);
	else
		n = vsnprintf(NULL, 0, spec, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static void out_finish(struct out *o)
{
	o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
}

/* ---- The format (parsed by the verifier's printk_parse_conversion, as it proved it) ------- */

struct printk {
	const char *fmt; /* NUL-terminated */
	size_t pos;
	const uint64_t *args;
	unsigned int nargs;
	unsigned int used;
	struct out out;
	/* The conversion being formatted, as printf wants it. */
	char spec[24];
};

/* "%<flags><width><conversion>" */
static void make_spec(struct printk *p, const struct printk_conv *c, const char *conversion)
{
	char width[16] = "";

	if (c->has_width)
		snprintf(width, sizeof(width), "%u",
			 c->width < CORE_TRACE_PRINTK_MAX ? c->width : CORE_TRACE_PRINTK_MAX);
	snprintf(p->spec, sizeof(p->spec), "%%%s%s%s", c->flags, width, conversion);
}

static void format_string(struct printk *p, const struct printk_conv *c, uint64_t addr)
{
	char str[CORE_TRACE_PRINTK_MAX];

	read_string(str, sizeof(str), addr);
	make_spec(p, c, "s");
	out_format(&p->out, p->spec, str);
}

static void format_ip(struct printk *p, const struct printk_conv *c, uint64_t addr)
{
	unsigned char a[16];

	read_bytes(a, addr, c->kind == PRINTK_IP4 ? 4 : 16);
	if (c->kind == PRINTK_IP4) {
		out_format(&p->out, c->letter == 'I' ? "%u.%u.%u.%u" : "%03u.%03u.%03u.%03u", a[0],
			   a[1], a[2], a[3]);
		return;
	}
	for (int i = 0; i < 16; i += 2) {
		if (c->letter == 'I' && i)
			out_bytes(&p->out, ":", 1);
		out_format(&p->out, "%02x%02x", a[i], a[i + 1]);
	}
}

/* Without l the argument is a 32-bit int, as Linux passes it. */
static void format_integer(struct printk *p, const struct printk_conv *c, uint64_t arg)
{
	char conversion[4];
	bool is_signed = c->letter == 'd' || c->letter == 'i';

	snprintf(conversion, sizeof(conversion), "%s%c", c->longs ? "ll" : "", c->letter);
	make_spec(p, c, conversion);
	if (c->longs && is_signed)
		out_format(&p->out, p->spec, (long long)arg);
	else if (c->longs)
		out_format(&p->out, p->spec, (unsigned long long)arg);
	else if (is_signed)
		out_format(&p->out, p->spec, (int)(int32_t)arg);
	else
		out_format(&p->out, p->spec, (unsigned int)(uint32_t)arg);
}

/* One conversion; p->pos is just past its '%'. */
static int format_conversion(struct printk *p)
{
	struct printk_conv c;
	uint64_t arg;
	int err;

	if (p->used == p->nargs)
		return -EINVAL;
	arg = p->args[p->used++];
	err = printk_parse_conversion(p->fmt, &p->pos, &c);
	if (err)
		return err;
	switch (c.kind) {
	case PRINTK_CHAR:
		make_spec(p, &c, "c");
		out_format(&p->out, p->spec, (unsigned char)arg);
		break;
	case PRINTK_STR:
		format_string(p, &c, arg);
		break;
	case PRINTK_PTR: /* Linux's %px: user space has no kernel pointers to hide */
		out_format(&p->out, "%016llx", (unsigned long long)arg);
		break;
	case PRINTK_IP4:
	case PRINTK_IP6:
		format_ip(p, &c, arg);
		break;
	default:
		format_integer(p, &c, arg);
		break;
	}
	return 0;
}

/*
 * Formats fmt (which must hold a NUL within fmt_size) with args into buf. Returns the length
 * of the whole message (buf holds at most size - 1 characters of it) or -EINVAL.
 */
static int format_message(char *buf, size_t size, const char *fmt, size_t fmt_size,
			  const uint64_t *args, unsigned int nargs)
{
	struct printk p = {
		.fmt = fmt,
		.args = args,
		.nargs = nargs,
		.out = { .buf = buf, .size = size },
	};
	const char *end = fmt ? memchr(fmt, '\0', fmt_size) : NULL;
	int err;

	if (!end || !printk_format_chars_valid(fmt, (size_t)(end - fmt)))
		return -EINVAL;

	while (fmt[p.pos]) {
		const char *next = strchr(fmt + p.pos, '%');
		size_t plain = next ? (size_t)(next - fmt) - p.pos : strlen(fmt + p.pos);

		out_bytes(&p.out, fmt + p.pos, plain);
		p.pos += plain;
		if (!next)
			break;
		p.pos++;
		if (fmt[p.pos] == '%') {
			out_bytes(&p.out, "%", 1);
			p.pos++;
			continue;
		}
		err = format_conversion(&p);
		if (err)
			return err;
	}
	out_finish(&p.out);
	return p.out.len > INT32_MAX ? INT32_MAX : (int)p.out.len;
}

/* ---- The sink ---------------------------------------------------------------------------- */

/* Messages are delivered one at a time, so a sink need not be thread safe. */
static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static ebpf_trace_sink_fn sink_fn; /* NULL: stderr */
static void *sink_arg;

void ebpf_set_trace_sink(ebpf_trace_sink_fn fn, void *arg)
{
	pthread_mutex_lock(&sink_lock);
	sink_fn = fn;
	sink_arg = fn ? arg : NULL;
	pthread_mutex_unlock(&sink_lock);
}

/* One line per message, named as Linux's trace event is. */
static void stderr_sink(const char *message, size_t length)
{
	bool newline = !length || message[length - 1] != '\n';

	fprintf(stderr, "bpf_trace_printk: %.*s%s", (int)length, message, newline ? "\n" : "");
}

static void emit(const char *message, size_t length)
{
	pthread_mutex_lock(&sink_lock);
	if (sink_fn)
		sink_fn(sink_arg, message, length);
	else
		stderr_sink(message, length);
	pthread_mutex_unlock(&sink_lock);
}

/* Returns the message's length (before truncation to CORE_TRACE_PRINTK_MAX - 1) or -EINVAL. */
uint64_t core_helper_trace_printk(uint64_t fmt, uint64_t fmt_size, uint64_t arg1, uint64_t arg2,
				  uint64_t arg3)
{
	const uint64_t args[TRACE_PRINTK_MAX_ARGS] = { arg1, arg2, arg3 };
	char buf[CORE_TRACE_PRINTK_MAX];
	int len;

	len = format_message(buf, sizeof(buf), (const char *)(uintptr_t)fmt, (uint32_t)fmt_size,
			     args, TRACE_PRINTK_MAX_ARGS);
	if (len < 0)
		return (uint64_t)(int64_t)len;
	emit(buf, strlen(buf));
	return (uint64_t)len;
}

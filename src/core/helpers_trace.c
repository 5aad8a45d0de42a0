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
 * String and address arguments are not proven by the verifier (Linux leaves arguments 3-5
 * unchecked), so they are read with process_vm_readv() on this process, which fails with EFAULT
 * instead of faulting: an unreadable string prints as "", an unreadable address as zeros, as
 * Linux's nofault reads do.
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

#include <extbpf/extbpf.h>

#define TRACE_PRINTK_MAX_ARGS 3

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

/* ---- The format -------------------------------------------------------------------------- */

struct printk {
	const char *fmt; /* NUL-terminated */
	size_t pos;
	const uint64_t *args;
	unsigned int nargs;
	unsigned int used;
	struct out out;
	/* The flags and width of the conversion being formatted, as printf wants them. */
	char spec[24];
};

static bool is_ascii_punct(char c)
{
	return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
	       (c >= '{' && c <= '~');
}

static bool is_ascii_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Where a string or bare pointer conversion may end: Linux refuses "%sfoo" and "%pfoo". */
static bool ends_conversion(char c)
{
	return c == '\0' || is_ascii_space(c) || is_ascii_punct(c);
}

/* Parses "[0 +-]*[1-9][0-9]*" into p->spec as "%<flags><width>". */
static void parse_flags_width(struct printk *p)
{
	static const char flags[] = "0+- ";
	size_t n = 0, width = 0;
	bool has_width = false;
	char *spec = p->spec;

	spec[n++] = '%';
	while (p->fmt[p->pos] && strchr(flags, p->fmt[p->pos])) {
		if (!memchr(spec + 1, p->fmt[p->pos], n - 1))
			spec[n++] = p->fmt[p->pos];
		p->pos++;
	}
	while (p->fmt[p->pos] >= '0' && p->fmt[p->pos] <= '9') {
		/* Wider than the output can hold changes nothing but the returned length. */
		if (width < CORE_TRACE_PRINTK_MAX)
			width = width * 10 + (size_t)(p->fmt[p->pos] - '0');
		has_width = true;
		p->pos++;
	}
	if (width > CORE_TRACE_PRINTK_MAX)
		width = CORE_TRACE_PRINTK_MAX;
	if (has_width)
		n += (size_t)snprintf(spec + n, sizeof(p->spec) - n, "%zu", width);
	spec[n] = '\0';
}

/* Appends the conversion (length modifier and letter) to p->spec. */
static void spec_append(struct printk *p, const char *conversion)
{
	size_t n = strlen(p->spec);

	snprintf(p->spec + n, sizeof(p->spec) - n, "%s", conversion);
}

static int format_string(struct printk *p, uint64_t addr)
{
	char str[CORE_TRACE_PRINTK_MAX];

	if (!ends_conversion(p->fmt[p->pos]))
		return -EINVAL;
	read_string(str, sizeof(str), addr);
	spec_append(p, "s");
	out_format(&p->out, p->spec, str);
	return 0;
}

static void format_ip(struct printk *p, char kind, char version, uint64_t addr)
{
	unsigned char a[16];

	read_bytes(a, addr, version == '4' ? 4 : 16);
	if (version == '4') {
		out_format(&p->out, kind == 'I' ? "%u.%u.%u.%u" : "%03u.%03u.%03u.%03u", a[0], a[1],
			   a[2], a[3]);
		return;
	}
	for (int i = 0; i < 16; i += 2) {
		if (kind == 'I' && i)
			out_bytes(&p->out, ":", 1);
		out_format(&p->out, "%02x%02x", a[i], a[i + 1]);
	}
}

/* After "%p": a string, an address, or a bare pointer (printed as Linux's %px). */
static int format_pointer(struct printk *p, uint64_t arg)
{
	char next = p->fmt[p->pos];

	if ((next == 'k' || next == 'u') && p->fmt[p->pos + 1] == 's') {
		p->pos += 2;
		return format_string(p, arg);
	}
	if ((next == 'i' || next == 'I') &&
	    (p->fmt[p->pos + 1] == '4' || p->fmt[p->pos + 1] == '6')) {
		p->pos += 2;
		format_ip(p, next, p->fmt[p->pos - 1], arg);
		return 0;
	}
	if (next && strchr("KxsSB", next))
		p->pos++;
	else if (!ends_conversion(next))
		return -EINVAL;
	out_format(&p->out, "%016llx", (unsigned long long)arg);
	return 0;
}

/* [l[l]](d|i|u|x|X): without l the argument is a 32-bit int, as Linux passes it. */
static int format_integer(struct printk *p, uint64_t arg)
{
	unsigned int longs = 0;
	char conversion[4];
	char c;

	while (longs < 2 && p->fmt[p->pos] == 'l') {
		longs++;
		p->pos++;
	}
	c = p->fmt[p->pos];
	if (!c || !strchr("diuxX", c))
		return -EINVAL;
	p->pos++;

	snprintf(conversion, sizeof(conversion), "%s%c", longs ? "ll" : "", c);
	spec_append(p, conversion);
	if (longs && (c == 'd' || c == 'i'))
		out_format(&p->out, p->spec, (long long)arg);
	else if (longs)
		out_format(&p->out, p->spec, (unsigned long long)arg);
	else if (c == 'd' || c == 'i')
		out_format(&p->out, p->spec, (int)(int32_t)arg);
	else
		out_format(&p->out, p->spec, (unsigned int)(uint32_t)arg);
	return 0;
}

/* One conversion; p->pos is just past its '%'. */
static int format_conversion(struct printk *p)
{
	uint64_t arg;

	if (p->used == p->nargs)
		return -EINVAL;
	arg = p->args[p->used++];

	parse_flags_width(p);
	switch (p->fmt[p->pos]) {
	case 'c':
		p->pos++;
		spec_append(p, "c");
		out_format(&p->out, p->spec, (unsigned char)arg);
		return 0;
	case 's':
		p->pos++;
		return format_string(p, arg);
	case 'p':
		p->pos++;
		return format_pointer(p, arg);
	default:
		return format_integer(p, arg);
	}
}

static int check_characters(const char *fmt, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = fmt[i];

		if (!(c >= ' ' && c <= '~') && !is_ascii_space(c))
			return -EINVAL;
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

	if (!end || check_characters(fmt, (size_t)(end - fmt)))
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

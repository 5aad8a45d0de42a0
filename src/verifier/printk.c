// SPDX-License-Identifier: MIT
/*
 * bpf_trace_printk's format, as Linux's bpf_bprintf_prepare accepts it: one parser for the
 * verifier, which proves what each conversion reads (check_printk_call in helpers.c), and for the
 * helper, which formats the message (src/core/helpers_trace.c). Sharing it is what makes the
 * proof hold: both see the same conversions in the same order.
 */
#include <errno.h>
#include <string.h>

#include "verifier.h"

static bool is_ascii_punct(char c)
{
	return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
	       (c >= '{' && c <= '~');
}

static bool is_ascii_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

bool printk_format_chars_valid(const char *fmt, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!(fmt[i] >= ' ' && fmt[i] <= '~') && !is_ascii_space(fmt[i]))
			return false;
	return true;
}

/* Where a string or bare pointer conversion may end: Linux refuses "%sfoo" and "%pfoo". */
static bool ends_conversion(char c)
{
	return c == '\0' || is_ascii_space(c) || is_ascii_punct(c);
}

/* "[0 +-]*[0-9]*": the flags (each once) and the width, saturated at PRINTK_WIDTH_MAX. */
static void parse_flags_width(const char *fmt, size_t *pos, struct printk_conv *conv)
{
	static const char flags[] = "0+- ";
	size_t n = 0;

	while (fmt[*pos] && strchr(flags, fmt[*pos])) {
		if (!memchr(conv->flags, fmt[*pos], n))
			conv->flags[n++] = fmt[*pos];
		(*pos)++;
	}
	conv->flags[n] = '\0';
	while (fmt[*pos] >= '0' && fmt[*pos] <= '9') {
		if (conv->width < PRINTK_WIDTH_MAX)
			conv->width = conv->width * 10 + (uint32_t)(fmt[*pos] - '0');
		conv->has_width = true;
		(*pos)++;
	}
	if (conv->width > PRINTK_WIDTH_MAX)
		conv->width = PRINTK_WIDTH_MAX;
}

/* After "%p": a string, an address, or the pointer's value. */
static int parse_pointer(const char *fmt, size_t *pos, struct printk_conv *conv)
{
	char next = fmt[*pos];

	if ((next == 'k' || next == 'u') && fmt[*pos + 1] == 's') {
		*pos += 2;
		conv->kind = PRINTK_STR;
		return ends_conversion(fmt[*pos]) ? 0 : -EINVAL;
	}
	if ((next == 'i' || next == 'I') && (fmt[*pos + 1] == '4' || fmt[*pos + 1] == '6')) {
		conv->kind = fmt[*pos + 1] == '4' ? PRINTK_IP4 : PRINTK_IP6;
		conv->letter = next;
		*pos += 2;
		return 0;
	}
	conv->kind = PRINTK_PTR;
	if (next && strchr("KxsSB", next))
		(*pos)++;
	else if (!ends_conversion(next))
		return -EINVAL;
	return 0;
}

/* [l[l]](d|i|u|x|X): without l the argument is a 32-bit int, as Linux passes it. */
static int parse_integer(const char *fmt, size_t *pos, struct printk_conv *conv)
{
	while (conv->longs < 2 && fmt[*pos] == 'l') {
		conv->longs++;
		(*pos)++;
	}
	if (!fmt[*pos] || !strchr("diuxX", fmt[*pos]))
		return -EINVAL;
	conv->kind = PRINTK_INT;
	conv->letter = fmt[(*pos)++];
	return 0;
}

int printk_parse_conversion(const char *fmt, size_t *pos, struct printk_conv *conv)
{
	memset(conv, 0, sizeof(*conv));
	parse_flags_width(fmt, pos, conv);
	switch (fmt[*pos]) {
	case 'c':
		(*pos)++;
		conv->kind = PRINTK_CHAR;
		return 0;
	case 's':
		(*pos)++;
		conv->kind = PRINTK_STR;
		return ends_conversion(fmt[*pos]) ? 0 : -EINVAL;
	case 'p':
		(*pos)++;
		return parse_pointer(fmt, pos, conv);
	default:
		return parse_integer(fmt, pos, conv);
	}
}

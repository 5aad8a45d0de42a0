/* SPDX-License-Identifier: MIT */
/* GUID helpers of the registrar: the textual form "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
#include <errno.h>
#include <string.h>

#include <extbpf/nmr.h>

#define GUID_TEXT_LEN (NMR_GUID_STRING_SIZE - 1)

/* Dashes sit after the 4th, 6th, 8th and 10th byte: at these text positions. */
static bool is_dash_position(size_t pos)
{
	return pos == 8 || pos == 13 || pos == 18 || pos == 23;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses exactly GUID_TEXT_LEN characters (no terminator check). */
static int parse_bare(const char *text, nmr_guid_t *guid)
{
	nmr_guid_t out;
	size_t pos, byte = 0;

	for (pos = 0; pos < GUID_TEXT_LEN;) {
		int hi, lo;

		if (is_dash_position(pos)) {
			if (text[pos] != '-')
				return -EINVAL;
			pos++;
			continue;
		}
		hi = hex_value(text[pos]);
		lo = hi < 0 ? -1 : hex_value(text[pos + 1]);
		if (lo < 0)
			return -EINVAL;
		out.bytes[byte++] = (uint8_t)(hi << 4 | lo);
		pos += 2;
	}
	*guid = out;
	return 0;
}

int nmr_guid_parse(const char *text, nmr_guid_t *guid)
{
	size_t len;
	bool braced;

	if (!text || !guid)
		return -EINVAL;
	len = strlen(text);
	braced = text[0] == '{';
	if (len != GUID_TEXT_LEN + (braced ? 2 : 0))
		return -EINVAL;
	if (braced && text[len - 1] != '}')
		return -EINVAL;
	return parse_bare(text + braced, guid);
}

char *nmr_guid_format(const nmr_guid_t *guid, char out[NMR_GUID_STRING_SIZE])
{
	static const char digits[] = "0123456789abcdef";
	size_t pos = 0, byte;

	for (byte = 0; byte < sizeof(guid->bytes); byte++) {
		if (is_dash_position(pos))
			out[pos++] = '-';
		out[pos++] = digits[guid->bytes[byte] >> 4];
		out[pos++] = digits[guid->bytes[byte] & 0xf];
	}
	out[pos] = '\0';
	return out;
}

bool nmr_guid_equal(const nmr_guid_t *a, const nmr_guid_t *b)
{
	return memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}

// SPDX-License-Identifier: MIT
/*
 * Map keys and values as people write them, one syntax for every verb: --map NAME=KEY:VALUE
 * (run, link attach, xdp run) and map lookup|update|delete --key/--value. KEY and VALUE are
 * each one of:
 *   - hex bytes with spaces between them: "01 00 00 00", "0x01 0x00 0x00 0x00";
 *   - hex bytes without spaces, starting with 0 or holding a letter a-f: "07000000", "ff",
 *     or separated by ':' ("00:00:00:00");
 *   - an integer, decimal (starting 1-9, or "0") or 0x-prefixed, in host byte order and the
 *     map's key or value size (1, 2, 4 or 8 bytes): "8080", "0x1f90";
 *   - an IPv4/IPv6 address, a MAC, or ADDRESS/PREFIXLEN (an LPM trie key).
 * So "10" is the integer ten and "0a" the byte 0x0a. In --map the value is the text after the
 * last ':' (keys may hold ':'). Per-CPU maps take one value for every CPU, or every CPU's value
 * one after the other as hex bytes.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <extbpf/extbpf.h>

#include "cli.h"

#define MAP_ARG_MAX_VALUE 4096

static int map_arg_error(const char *verb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A bad --map is unusable input: the message, EXIT_USAGE. */
static int map_arg_error(const char *verb, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli_error(verb, "%s", msg);
	return EXIT_USAGE;
}

/* Hex bytes ("01 00 00 00", "01000000", "00:00:00:00"), exactly size of them. */
static int parse_hex_bytes(const char *verb, const char *where, const char *what, const char *text,
			   uint32_t size, unsigned char *out)
{
	uint8_t *bytes;
	size_t n;

	if (cli_parse_hex(text, &bytes, &n))
		return map_arg_error(verb, "%s: %s '%s' is not hex bytes (two digits a byte)",
				     where, what, text);
	if (n != size) {
		free(bytes);
		return map_arg_error(verb, "%s: %s '%s' is %zu bytes; the map's %ss are %u bytes",
				     where, what, text, n, what, size);
	}
	memcpy(out, bytes, n);
	free(bytes);
	return 0;
}

/* A decimal or 0x-prefixed integer in host byte order; no octal, no sign. */
static int parse_integer(const char *text, uint32_t size, unsigned char *out)
{
	bool hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
	unsigned long long v;
	char *end;

	if (!hex && !isdigit((unsigned char)text[0]))
		return -EINVAL;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, hex ? 16 : 10);
	if (errno || *end || end == text + (hex ? 2 : 0) || (size < 8 && v >> (8 * size)))
		return -ERANGE;
	switch (size) {
	case 1:
		*out = (uint8_t)v;
		break;
	case 2:
		memcpy(out, &(uint16_t){ (uint16_t)v }, 2);
		break;
	case 4:
		memcpy(out, &(uint32_t){ (uint32_t)v }, 4);
		break;
	default:
		memcpy(out, &(uint64_t){ v }, 8);
	}
	return 0;
}
/* An address, a MAC or ADDRESS/PREFIXLEN: the number of bytes written, 0 if not one. */
static size_t parse_address(const char *text, unsigned char *out)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned int mac[6];
	unsigned long len;
	int n = 0;

	if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%n", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4],
		   &mac[5], &n) == 6 &&
	    !text[n]) {
		for (int i = 0; i < 6; i++)
			out[i] = (unsigned char)mac[i];
		return 6;
	}
	if (strlen(text) >= sizeof(buf))
		return 0;
	strcpy(buf, text);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, out + (slash ? 4 : 0)) == 1)
		n = 4;
	else if (inet_pton(AF_INET6, buf, out + (slash ? 4 : 0)) == 1)
		n = 16;
	else
		return 0;
	if (!slash)
		return n;
	len = strtoul(slash, &end, 10);
	if (!*slash || *end || len > (unsigned long)n * 8)
		return 0;
	memcpy(out, &(uint32_t){ (uint32_t)len }, 4); /* the LPM trie key's prefixlen */
	return n + 4;
}

/* Unspaced hex bytes: hex digits only, starting with 0 or holding a letter ("07000000",
 * "ff"); a bare "0" and a number starting 1-9 are decimal integers. */
static bool is_unspaced_hex(const char *text)
{
	bool letter = false;

	if (strlen(text) < 2)
		return false;
	for (const char *p = text; *p; p++) {
		if (!isxdigit((unsigned char)*p))
			return false;
		letter |= isalpha((unsigned char)*p) != 0;
	}
	return text[0] == '0' || letter;
}

/* Hex bytes separated by ':' ("00:00:00:00"), when no address of the map's size. */
static bool is_colon_hex(const char *text)
{
	return strspn(text, "0123456789abcdefABCDEF:") == strlen(text);
}

static int parse_address_bytes(const char *verb, const char *where, const char *what,
			       const char *text, uint32_t size, unsigned char *out)
{
	unsigned char buf[32];
	size_t n = parse_address(text, buf);

	/* "01:02:03:04:05:06:07:08" is an IPv6 address too: the form of the map's size wins. */
	if (n != size && is_colon_hex(text))
		return parse_hex_bytes(verb, where, what, text, size, out);
	if (!n)
		return map_arg_error(verb,
				     "%s: %s '%s' is not an address, MAC or ADDRESS/PREFIXLEN",
				     where, what, text);
	if (n != size)
		return map_arg_error(verb, "%s: %s '%s' is %zu bytes; the map's %ss are %u bytes",
				     where, what, text, n, what, size);
	memcpy(out, buf, n);
	return 0;
}

int cli_parse_map_bytes(const char *verb, const char *where, const char *what, const char *text,
			uint32_t size, unsigned char *out)
{
	if (strchr(text, ' ') || is_unspaced_hex(text))
		return parse_hex_bytes(verb, where, what, text, size, out);
	if (strchr(text, '.') || strchr(text, ':') || strchr(text, '/'))
		return parse_address_bytes(verb, where, what, text, size, out);
	if (parse_integer(text, size, out))
		return map_arg_error(
		    verb,
		    "%s: %s '%s' is not an integer that fits the map's %u-byte %ss, "
		    "not hex bytes, an address, a MAC or ADDRESS/PREFIXLEN",
		    where, what, text, size, what);
	return 0;
}

int cli_parse_map_value(const char *verb, const char *where, const char *text,
			const struct ebpf_map *map, unsigned char *out)
{
	size_t host_size = cli_map_host_value_size(map);
	uint32_t vsize = ebpf_map_value_size(map);
	uint8_t *bytes;
	size_t n;
	int err;

	/* A per-CPU map also takes every CPU's value, one after the other, as hex bytes. */
	if (host_size != vsize && !cli_parse_hex(text, &bytes, &n)) {
		bool all_cpus = n == host_size;

		if (all_cpus)
			memcpy(out, bytes, n);
		free(bytes);
		if (all_cpus)
			return 0;
	}
	err = cli_parse_map_bytes(verb, where, "value", text, vsize, out);
	for (size_t off = cli_map_cpu_stride(map); !err && off < host_size;
	     off += cli_map_cpu_stride(map))
		memcpy(out + off, out, vsize);
	return err;
}

static void list_maps(const struct ebpf_object *obj)
{
	const struct ebpf_map *m = NULL;

	fprintf(stderr, "  maps of the object:");
	while ((m = ebpf_object_next_map(obj, m)))
		fprintf(stderr, " %s", ebpf_map_name(m));
	fprintf(stderr, "\n");
}

/* NAME=KEY:VALUE; the value is the text after the last ':' (keys may hold ':'). */
int cli_apply_map_arg(const char *verb, const struct ebpf_object *obj, const char *arg)
{
	unsigned char key[64], *value = NULL;
	char name[256], where[sizeof(name) + 8], *colon, *key_text;
	const char *eq = strchr(arg, '=');
	struct ebpf_map *map;
	uint32_t vsize;
	int err;

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(name) || !strchr(eq, ':'))
		return map_arg_error(verb, "--map '%s': expected NAME=KEY:VALUE", arg);
	snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
	key_text = strdup(eq + 1);
	if (!key_text)
		return EXIT_REFUSED;
	colon = strrchr(key_text, ':');
	*colon = '\0';
	err = EXIT_USAGE;
	map = ebpf_object_find_map(obj, name);
	if (!map) {
		cli_error(verb, "--map '%s': the object has no map '%s'", arg, name);
		list_maps(obj);
		goto out;
	}
	if (ebpf_map_key_size(map) > sizeof(key) || !*key_text || !colon[1]) {
		cli_error(verb,
			  "--map '%s': expected NAME=KEY:VALUE with a key of at most %zu "
			  "bytes",
			  arg, sizeof(key));
		goto out;
	}
	vsize = ebpf_map_value_size(map);
	value = calloc(1, cli_map_host_value_size(map));
	if (!value || vsize > MAP_ARG_MAX_VALUE)
		goto out;
	snprintf(where, sizeof(where), "--map %s", name);
	if (cli_parse_map_bytes(verb, where, "key", key_text, ebpf_map_key_size(map), key) ||
	    cli_parse_map_value(verb, where, colon + 1, map, value))
		goto out;
	if (ebpf_map_update_elem(map, key, value, EBPF_ANY)) {
		cli_error(verb, "--map '%s': %s", arg, ebpf_last_error());
		err = EXIT_REFUSED;
		goto out;
	}
	err = 0;
out:
	free(value);
	free(key_text);
	return err;
}

int cli_apply_map_args(const char *verb, const struct ebpf_object *obj,
		       const struct cli_object_args *a)
{
	int ret = EXIT_OK;

	for (size_t i = 0; i < a->map_count && !ret; i++)
		ret = cli_apply_map_arg(verb, obj, a->maps[i]);
	return ret;
}

int cli_add_map_arg(const struct cli_verb *verb, struct cli_object_args *a, const char *arg)
{
	if (a->map_count == CLI_MAX_MAP_ARGS)
		return cli_usage_error(verb, "at most %d --map options", CLI_MAX_MAP_ARGS);
	a->maps[a->map_count++] = arg;
	return 0;
}

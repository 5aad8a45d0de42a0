// SPDX-License-Identifier: MIT
/*
 * --map NAME=KEY:VALUE, one syntax for every verb that seeds a map before running (run, link
 * attach, xdp run). KEY and VALUE are each an integer (decimal or 0x..., host byte order, the
 * map's key or value size), an IPv4/IPv6 address, a MAC, ADDRESS/PREFIXLEN (an LPM trie key),
 * or hex bytes with spaces between them ("01 00 00 00", as map update takes them). The value is
 * the text after the last ':' (keys may hold ':'); per-CPU maps get it on every CPU.
 */
#include <arpa/inet.h>
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

static int parse_spaced_hex(const char *verb, const char *text, uint32_t size, unsigned char *out,
			    const char *what, const char *map)
{
	uint8_t *bytes;
	size_t n;

	if (cli_parse_hex(text, &bytes, &n))
		return map_arg_error(verb, "--map %s: %s '%s' is not hex bytes", map, what, text);
	if (n != size) {
		free(bytes);
		return map_arg_error(verb,
				     "--map %s: %s '%s' is %zu bytes; the map's %ss are %u bytes",
				     map, what, text, n, what, size);
	}
	memcpy(out, bytes, n);
	free(bytes);
	return 0;
}

static int parse_integer(const char *text, uint32_t size, unsigned char *out)
{
	unsigned long long v;
	char *end;

	if (!*text || *text == '-' || (size != 1 && size != 2 && size != 4 && size != 8))
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 0);
	if (errno || *end || (size < 8 && v >> (8 * size)))
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

static int parse_bytes(const char *verb, const char *text, uint32_t size, unsigned char *out,
		       const char *what, const char *map)
{
	unsigned char buf[32];
	size_t n;

	/* Hex bytes with spaces between them, as map update's --key takes them. */
	if (strchr(text, ' '))
		return parse_spaced_hex(verb, text, size, out, what, map);
	if (strchr(text, '.') || strchr(text, ':') || strchr(text, '/')) {
		n = parse_address(text, buf);
		if (!n)
			return map_arg_error(verb,
					     "--map %s: %s '%s' is not an address, MAC or "
					     "ADDRESS/PREFIXLEN",
					     map, what, text);
		if (n != size)
			return map_arg_error(verb,
					     "--map %s: %s '%s' is %zu bytes; the map's %ss "
					     "are %u bytes",
					     map, what, text, n, what, size);
		memcpy(out, buf, n);
		return 0;
	}
	if (parse_integer(text, size, out))
		return map_arg_error(verb,
				     "--map %s: %s '%s' is not an integer that fits the map's "
				     "%u-byte %ss",
				     map, what, text, size, what);
	return 0;
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
	char name[256], *colon, *key_text;
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
	if (parse_bytes(verb, key_text, ebpf_map_key_size(map), key, "key", name) ||
	    parse_bytes(verb, colon + 1, vsize, value, "value", name))
		goto out;
	for (uint32_t cpu = 1; cli_map_is_percpu(map) && cpu < ebpf_num_possible_cpus(); cpu++)
		memcpy(value + (size_t)cpu * vsize, value, vsize);
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

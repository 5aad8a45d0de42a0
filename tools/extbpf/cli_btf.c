/* SPDX-License-Identifier: MIT */
/*
 * Values printed with their types from the object's own BTF: the variables of a global-data map
 * (.data, .bss, .rodata: one DATASEC of VARs) and the records a program submits to a ring
 * buffer or a perf event array. Text comes from libbpf's btf_dump__dump_type_data; JSON is
 * written here, member by member, since btf_dump writes C. The records of map NAME are typed by
 * the struct or union its definition declares as value type (__type(value, T)), else by one
 * named NAME_record in the object's BTF (docs/extbpf.1); else they are shown in hex.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "cli.h"

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	(void)fmt;
	(void)args;
	return 0;
}

/* libbpf's open (no load, no kernel) finalises the object's BTF as the kernel gets it: clang
 * leaves every DATASEC's variable offsets 0, libbpf sets them from the symbol table. A copy is
 * kept, as the object's BTF goes with it. */
struct btf *cli_btf_load(const char *path)
{
	libbpf_print_fn_t old = libbpf_set_print(quiet);
	struct bpf_object *obj = path ? bpf_object__open_file(path, NULL) : NULL;
	struct btf *btf = NULL;
	const void *raw;
	uint32_t size;

	libbpf_set_print(old);
	/* No object for libbpf or no .BTF (a native object, an object built without -g): values
	 * stay bytes. */
	if (obj && bpf_object__btf(obj)) {
		raw = btf__raw_data(bpf_object__btf(obj), &size);
		btf = raw ? btf__new(raw, size) : NULL;
	}
	bpf_object__close(obj);
	return btf; /* libbpf 1.x: NULL on error */
}

static void dump_printf(void *ctx, const char *fmt, va_list args)
{
	vfprintf(ctx, fmt, args);
}

/* The C form of one value, "(int)5" or "(struct ev){.pid = (int)1,}"; false when libbpf
 * cannot print it (the value does not match the type's size). */
static bool print_typed_text(FILE *out, const struct btf *btf, uint32_t id, const void *data,
			     size_t size)
{
	LIBBPF_OPTS(btf_dump_type_data_opts, opts, .compact = true);
	struct btf_dump *d = btf_dump__new(btf, dump_printf, out, NULL);
	int n;

	if (!d)
		return false;
	n = btf_dump__dump_type_data(d, id, data, size, &opts);
	btf_dump__free(d);
	return n >= 0;
}

/* ---- JSON -------------------------------------------------------------------------------- */

static void json_value(FILE *out, const struct btf *btf, uint32_t id, const uint8_t *data,
		       size_t size);

static uint64_t load_uint(const uint8_t *data, size_t size)
{
	uint64_t v = 0;

	memcpy(&v, data, size < sizeof(v) ? size : sizeof(v)); /* little-endian host */
	return v;
}

static int64_t sign_extend(uint64_t v, size_t bits)
{
	return bits >= 64 ? (int64_t)v : (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static void json_int(FILE *out, const struct btf_type *t, const uint8_t *data, size_t size)
{
	uint8_t encoding = btf_int_encoding(t);
	uint64_t v;

	if (t->size > 8 || t->size > size) {
		cli_json_bytes(out, data, size < t->size ? size : t->size);
		return;
	}
	v = load_uint(data, t->size);
	if (encoding & BTF_INT_BOOL)
		fputs(v ? "true" : "false", out);
	else if (encoding & BTF_INT_SIGNED)
		fprintf(out, "%" PRId64, sign_extend(v, t->size * 8));
	else
		fprintf(out, "%" PRIu64, v);
}

/* char (clang: a 1-byte int named "char") arrays are text; __u8 and signed char arrays are
 * numbers. */
static bool is_char(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(btf, btf__resolve_type(btf, id));

	return t && btf_is_int(t) && t->size == 1 &&
	       ((btf_int_encoding(t) & BTF_INT_CHAR) ||
		!strcmp(btf__name_by_offset(btf, t->name_off), "char"));
}

/* A char array is text up to its first NUL. */
static void json_chars(FILE *out, const uint8_t *data, size_t n)
{
	char *s = strndup((const char *)data, n);

	if (s)
		cli_json_string(out, s);
	else
		fputs("null", out);
	free(s);
}

static void json_array(FILE *out, const struct btf *btf, const struct btf_type *t,
		       const uint8_t *data, size_t size)
{
	const struct btf_array *arr = btf_array(t);
	__s64 elem = btf__resolve_size(btf, arr->type);

	if (elem <= 0 || (uint64_t)elem * arr->nelems > size) {
		cli_json_bytes(out, data, size);
		return;
	}
	if (is_char(btf, arr->type)) {
		json_chars(out, data, arr->nelems);
		return;
	}
	fputc('[', out);
	for (uint32_t i = 0; i < arr->nelems; i++) {
		fputs(i ? ", " : "", out);
		json_value(out, btf, arr->type, data + (size_t)elem * i, (size_t)elem);
	}
	fputc(']', out);
}

static void json_bitfield(FILE *out, const uint8_t *data, size_t size, uint32_t bit_off,
			  uint32_t bits)
{
	size_t first = bit_off / 8, span = (bit_off % 8 + bits + 7) / 8;
	uint64_t v;

	if (span > 8 || first + span > size) {
		fputs("null", out);
		return;
	}
	v = load_uint(data + first, span) >> (bit_off % 8);
	fprintf(out, "%" PRIu64, bits < 64 ? v & ((UINT64_C(1) << bits) - 1) : v);
}

static void json_struct(FILE *out, const struct btf *btf, const struct btf_type *t,
			const uint8_t *data, size_t size)
{
	const struct btf_member *m = btf_members(t);

	fputc('{', out);
	for (uint16_t i = 0; i < btf_vlen(t); i++, m++) {
		uint32_t bit_off = btf_member_bit_offset(t, i);
		uint32_t bits = btf_member_bitfield_size(t, i);
		__s64 msize = btf__resolve_size(btf, m->type);

		fputs(i ? ", " : "", out);
		cli_json_string(out, btf__name_by_offset(btf, m->name_off));
		fputs(": ", out);
		if (bits)
			json_bitfield(out, data, size, bit_off, bits);
		else if (msize < 0 || bit_off / 8 + (uint64_t)msize > size)
			fputs("null", out);
		else
			json_value(out, btf, m->type, data + bit_off / 8, (size_t)msize);
	}
	fputc('}', out);
}

/* One value as JSON: numbers, strings for char arrays, lists, objects; bytes otherwise. */
static void json_value(FILE *out, const struct btf *btf, uint32_t id, const uint8_t *data,
		       size_t size)
{
	const struct btf_type *t = btf__type_by_id(btf, btf__resolve_type(btf, id));

	if (!t) {
		cli_json_bytes(out, data, size);
		return;
	}
	if (btf_is_int(t))
		json_int(out, t, data, size);
	else if ((btf_is_enum(t) || btf_is_enum64(t)) && t->size <= size && t->size <= 8)
		fprintf(out, "%" PRIu64, load_uint(data, t->size));
	else if (btf_is_ptr(t) && size >= sizeof(uint64_t)) /* a PTR's size field is its type */
		fprintf(out, "%" PRIu64, load_uint(data, sizeof(uint64_t)));
	else if (btf_is_array(t))
		json_array(out, btf, t, data, size);
	else if (btf_is_composite(t) && t->size <= size)
		json_struct(out, btf, t, data, size);
	else
		cli_json_bytes(out, data, size);
}

/* ---- global data ------------------------------------------------------------------------- */

static int find_datasec(const struct btf *btf, const char *name)
{
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_DATASEC);

	return id > 0 ? id : 0;
}

bool cli_is_global_data(const struct btf *btf, const char *map_name)
{
	return btf && map_name[0] == '.' && find_datasec(btf, map_name);
}

void cli_print_globals(FILE *out, const struct btf *btf, const char *map_name, const uint8_t *value,
		       size_t size, bool json, const char *indent)
{
	const struct btf_type *sec = btf__type_by_id(btf, find_datasec(btf, map_name));
	const struct btf_var_secinfo *v = btf_var_secinfos(sec);
	bool first = true;

	fputs(json ? "{" : "", out);
	for (uint16_t i = 0; i < btf_vlen(sec); i++, v++) {
		const struct btf_type *var = btf__type_by_id(btf, v->type);
		const char *name = var ? btf__name_by_offset(btf, var->name_off) : "?";

		if (!var || !btf_is_var(var) || (uint64_t)v->offset + v->size > size)
			continue; /* not a variable this map holds */
		if (json) {
			fputs(first ? "" : ", ", out);
			cli_json_string(out, name);
			fputs(": ", out);
			json_value(out, btf, var->type, value + v->offset, v->size);
		} else {
			fprintf(out, "%s%s = ", indent, name);
			if (!print_typed_text(out, btf, var->type, value + v->offset, v->size))
				cli_print_bytes(out, value + v->offset, v->size);
			fputc('\n', out);
		}
		first = false;
	}
	fputs(json ? "}" : "", out);
}

/* ---- ring buffer and perf event array records ------------------------------------------ */

/* The type __type(value, T) gives map_name in the object's .maps, when it is a struct or union
 * (a perf event array's plain u32 value is no record type), else 0. */
static uint32_t declared_value_type(const struct btf *btf, const char *map_name)
{
	int sec = find_datasec(btf, ".maps");
	const struct btf_type *t = sec > 0 ? btf__type_by_id(btf, (uint32_t)sec) : NULL;
	const struct btf_var_secinfo *v = t ? btf_var_secinfos(t) : NULL;

	for (uint16_t i = 0; v && i < btf_vlen(t); i++, v++) {
		const struct btf_type *var = btf__type_by_id(btf, v->type);
		const struct btf_type *def;
		const struct btf_member *m;

		if (!var || strcmp(btf__name_by_offset(btf, var->name_off), map_name))
			continue;
		def = btf__type_by_id(btf, btf__resolve_type(btf, var->type));
		if (!def || !btf_is_struct(def))
			return 0;
		m = btf_members(def);
		for (uint16_t j = 0; j < btf_vlen(def); j++, m++) {
			const struct btf_type *ptr = btf__type_by_id(btf, m->type);
			int id;

			if (strcmp(btf__name_by_offset(btf, m->name_off), "value") ||
			    !btf_is_ptr(ptr))
				continue;
			id = btf__resolve_type(btf, ptr->type);
			t = id > 0 ? btf__type_by_id(btf, (uint32_t)id) : NULL;
			return t && btf_is_composite(t) ? (uint32_t)id : 0;
		}
		return 0;
	}
	return 0;
}

/* The record type of map_name: its declared value type, else a struct or union named
 * map_name_record. */
static uint32_t record_type(const struct btf *btf, const char *map_name)
{
	char name[256];
	uint32_t declared;
	int id;

	if (!btf)
		return 0;
	declared = declared_value_type(btf, map_name);
	if (declared)
		return declared;
	if (snprintf(name, sizeof(name), "%s_record", map_name) >= (int)sizeof(name))
		return 0;
	id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);
	if (id <= 0)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_UNION);
	return id > 0 ? (uint32_t)id : 0;
}

/* One map read for records: a ring buffer's consumer or a perf event array's reader. */
struct record_reader {
	struct cli_records *records;
	const struct ebpf_map *map;
	uint32_t type; /* 0: hex */
	struct ebpf_ringbuf_consumer *consumer;
	struct ebpf_perf_reader *perf;
};

struct cli_records {
	const struct btf *btf;
	FILE *out;
	bool json;
	size_t count, printed;
	struct record_reader readers[CLI_MAX_RINGBUFS];
};

/* "ringbuf NAME" or "perf NAME cpu N" in text; {"map": NAME[, "cpu": N] in JSON. */
static void record_head(const struct record_reader *r, int cpu)
{
	struct cli_records *rec = r->records;
	FILE *out = rec->out;

	if (rec->json) {
		fprintf(out, "%s{\"map\": ", rec->printed++ ? ",\n  " : "");
		cli_json_string(out, ebpf_map_name(r->map));
		if (cpu >= 0)
			fprintf(out, ", \"cpu\": %d", cpu);
		return;
	}
	rec->printed++;
	if (cpu >= 0)
		fprintf(out, "perf %s cpu %d", ebpf_map_name(r->map), cpu);
	else
		fprintf(out, "ringbuf %s", ebpf_map_name(r->map));
}

static void print_record(struct record_reader *r, int cpu, const void *data, size_t size)
{
	struct cli_records *rec = r->records;
	FILE *out = rec->out;
	__s64 tsize = r->type ? btf__resolve_size(rec->btf, r->type) : -1;
	bool typed = tsize > 0 && (size_t)tsize <= size;

	record_head(r, cpu);
	if (rec->json) {
		fprintf(out, ", \"size\": %zu, ", size);
		fputs(typed ? "\"value\": " : "\"bytes\": ", out);
		if (typed)
			json_value(out, rec->btf, r->type, data, (size_t)tsize);
		else
			cli_json_bytes(out, data, size);
		fputc('}', out);
		return;
	}
	fprintf(out, ": %zu bytes", size);
	if (typed) {
		fputs(": ", out);
		if (print_typed_text(out, rec->btf, r->type, data, (size_t)tsize)) {
			fputc('\n', out);
			return;
		}
	}
	fputc('\n', out);
	cli_hex_dump(out, data, size, CLI_RECORD_DUMP_LIMIT);
}

static int on_ringbuf_record(void *arg, const void *data, size_t size)
{
	print_record(arg, -1, data, size);
	return 0;
}

static void on_perf_record(void *arg, int cpu, const void *data, uint32_t size)
{
	print_record(arg, cpu, data, size);
}

static void on_perf_lost(void *arg, int cpu, uint64_t lost)
{
	struct record_reader *r = arg;

	record_head(r, cpu);
	fprintf(r->records->out,
		r->records->json ? ", \"lost\": %" PRIu64 "}" : ": lost %" PRIu64 " records\n",
		lost);
}

static int reader_open(struct record_reader *r)
{
	struct ebpf_map *map = (struct ebpf_map *)r->map;

	if (ebpf_map_type(map) == EBPF_MAP_TYPE_RINGBUF)
		return ebpf_ringbuf_consumer_create(map, on_ringbuf_record, r, &r->consumer);
	return ebpf_perf_reader_create(map, on_perf_record, on_perf_lost, r, NULL, &r->perf);
}

int cli_records_open(const char *verb, const struct ebpf_object *obj, const struct btf *btf,
		     bool json, struct cli_records **records)
{
	struct cli_records *rec = calloc(1, sizeof(*rec));
	struct ebpf_map *map = NULL;
	int err;

	*records = NULL;
	if (!rec) {
		cli_error(verb, "out of memory");
		return EXIT_REFUSED;
	}
	*rec = (struct cli_records){ .btf = btf, .out = stdout, .json = json };
	while ((map = ebpf_object_next_map(obj, map))) {
		struct record_reader *r = &rec->readers[rec->count];
		enum ebpf_map_type type = ebpf_map_type(map);

		if (type != EBPF_MAP_TYPE_RINGBUF && type != EBPF_MAP_TYPE_PERF_EVENT_ARRAY)
			continue;
		if (rec->count == CLI_MAX_RINGBUFS) {
			cli_warning(verb,
				    "more than %d ring buffers and perf event arrays: '%s' is "
				    "not read",
				    CLI_MAX_RINGBUFS, ebpf_map_name(map));
			continue;
		}
		*r = (struct record_reader){ .records = rec,
					     .map = map,
					     .type = record_type(btf, ebpf_map_name(map)) };
		err = reader_open(r);
		if (err) {
			cli_error(verb, "%s '%s': %s", cli_map_type_name(type), ebpf_map_name(map),
				  strerror(-err));
			cli_records_close(rec);
			return EXIT_REFUSED;
		}
		rec->count++;
	}
	*records = rec;
	return EXIT_OK;
}

void cli_records_print(struct cli_records *rec)
{
	if (!rec || !rec->count)
		return;
	rec->printed = 0;
	if (rec->json)
		fputs(",\n \"records\": [", rec->out);
	for (size_t i = 0; i < rec->count; i++) {
		if (rec->readers[i].consumer)
			ebpf_ringbuf_consumer_poll(rec->readers[i].consumer, 0);
		else
			ebpf_perf_reader_consume(rec->readers[i].perf);
	}
	if (rec->json)
		fputc(']', rec->out);
}

void cli_records_close(struct cli_records *rec)
{
	if (!rec)
		return;
	for (size_t i = 0; i < rec->count; i++) {
		ebpf_ringbuf_consumer_destroy(rec->readers[i].consumer);
		ebpf_perf_reader_destroy(rec->readers[i].perf);
	}
	free(rec);
}

// SPDX-License-Identifier: MIT
/*
 * __kconfig externs, as libbpf resolves them: every extern variable an object declares in the
 * BTF DATASEC ".kconfig" (`extern int LINUX_KERNEL_VERSION __kconfig;`,
 * `extern bool CONFIG_BPF_SYSCALL __kconfig __weak;`) gets a slot in one read-only global-data
 * map ".kconfig"; code referring to it reads that map (lddw of a map value, as for .rodata), so
 * the verifier knows each value and prunes the branches that depend on it. The values come from
 * a kernel configuration file (loader_kconfig_resolve), plain or gzip-compressed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <zlib.h>

#include "loader/loader_internal.h"

#define KCONFIG_SEC ".kconfig"

/* libbpf's enum libbpf_tristate. */
#define TRI_NO	   0
#define TRI_YES	   1
#define TRI_MODULE 2

/* ---- At open: the externs and their slots ------------------------------------------------ */

static const struct btf_type *kconfig_datasec(struct loader_ctx *ctx)
{
	uint32_t id;

	for (id = 1; id < ctx->btf.nr_types; id++) {
		const struct btf_type *t = ctx->btf.types[id];

		if (BTF_INFO_KIND(t->info) == BTF_KIND_DATASEC &&
		    !strcmp(loader_btf_str(&ctx->btf, t->name_off), KCONFIG_SEC))
			return t;
	}
	return NULL;
}

/* What kind of value a variable of type id holds, libbpf's categories. */
static int classify(struct loader_ctx *ctx, const char *name, uint32_t id,
		    struct loader_extern *ext)
{
	const struct btf_type *t = loader_btf_skip_mods(&ctx->btf, id, NULL), *elem;
	uint64_t size;

	if (!t || loader_btf_resolve_size(&ctx->btf, id, &size) || !size || size > 1024)
		return loader_err(ctx, -EINVAL, "extern '%s' (.kconfig): a type of no usable size",
				  name);
	ext->size = (uint32_t)size;
	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT: {
		uint32_t enc = BTF_INT_ENCODING(*(const uint32_t *)(t + 1));

		if (enc & BTF_INT_BOOL)
			ext->kind = LOADER_KCFG_BOOL;
		else if ((enc & BTF_INT_CHAR) || size == 1)
			ext->kind = LOADER_KCFG_CHAR;
		else
			ext->kind = LOADER_KCFG_INT;
		ext->is_signed = enc & BTF_INT_SIGNED;
		return 0;
	}
	case BTF_KIND_ENUM:
		ext->kind = LOADER_KCFG_TRISTATE;
		return 0;
	case BTF_KIND_ARRAY:
		elem = loader_btf_skip_mods(&ctx->btf, ((const struct btf_array *)(t + 1))->type,
					    NULL);
		if (elem && BTF_INFO_KIND(elem->info) == BTF_KIND_INT && elem->size == 1) {
			ext->kind = LOADER_KCFG_CHAR_ARR;
			return 0;
		}
		break;
	default:
		break;
	}
	return loader_err(ctx, -ENOTSUP,
			  "extern '%s' (.kconfig): only integers, bools, chars, char arrays and "
			  "tristate enums can hold a kernel configuration value",
			  name);
}

static int add_extern(struct loader_ctx *ctx, const GElf_Sym *sym, const char *name,
		      uint32_t type_id, uint32_t *end)
{
	struct loader_object *obj = ctx->obj;
	struct loader_extern *ext, *p;
	uint32_t align;
	int err;

	p = realloc(obj->externs, (obj->extern_count + 1) * sizeof(*p));
	if (!p)
		return loader_err(ctx, -ENOMEM, "out of memory");
	obj->externs = p;
	ext = &p[obj->extern_count];
	memset(ext, 0, sizeof(*ext));
	err = classify(ctx, name, type_id, ext);
	if (err)
		return err;
	ext->name = strdup(name);
	if (!ext->name)
		return loader_err(ctx, -ENOMEM, "out of memory");
	obj->extern_count++;
	ext->weak = GELF_ST_BIND(sym->st_info) == STB_WEAK;
	align = ext->kind == LOADER_KCFG_CHAR_ARR ? 1 : (ext->size >= 8 ? 8 : ext->size);
	ext->offset = (*end + align - 1) / align * align;
	*end = ext->offset + ext->size;
	return 0;
}

/* The VAR of DATASEC .kconfig named name, or 0. */
static uint32_t kconfig_var(struct loader_ctx *ctx, const struct btf_type *sec, const char *name)
{
	const struct btf_var_secinfo *vs = (const void *)(sec + 1);
	uint32_t i;

	for (i = 0; i < BTF_INFO_VLEN(sec->info); i++) {
		const struct btf_type *var = loader_btf_type(&ctx->btf, vs[i].type);

		if (var && BTF_INFO_KIND(var->info) == BTF_KIND_VAR &&
		    !strcmp(loader_btf_str(&ctx->btf, var->name_off), name))
			return var->type;
	}
	return 0;
}

static int add_kconfig_map(struct loader_ctx *ctx, uint32_t size)
{
	struct loader_map *map;
	int index = loader_add_map(ctx, KCONFIG_SEC, LOADER_MAP_RODATA);

	if (index < 0)
		return index;
	map = &ctx->obj->maps[index];
	map->type = EBPF_MAP_TYPE_ARRAY;
	map->key_size = sizeof(uint32_t);
	map->value_size = size;
	map->max_entries = 1;
	map->map_flags = EBPF_F_RDONLY_PROG;
	map->initial_data = calloc(1, size);
	if (!map->initial_data)
		return loader_err(ctx, -ENOMEM, "out of memory");
	ctx->obj->kconfig_map = index;
	return 0;
}

int loader_collect_externs(struct loader_ctx *ctx)
{
	const struct btf_type *sec = ctx->has_btf ? kconfig_datasec(ctx) : NULL;
	uint32_t end = 0, type_id;
	GElf_Sym sym;
	size_t i;
	int err;

	ctx->obj->kconfig_map = -1;
	if (!sec)
		return 0;
	for (i = 1; i < ctx->sym_count; i++) {
		const char *name;

		if (loader_get_sym(ctx, i, &sym) || sym.st_shndx != SHN_UNDEF ||
		    GELF_ST_BIND(sym.st_info) == STB_LOCAL)
			continue;
		name = loader_sym_name(ctx, &sym);
		type_id = kconfig_var(ctx, sec, name);
		if (!type_id)
			continue;
		err = add_extern(ctx, &sym, name, type_id, &end);
		if (err)
			return err;
	}
	return end ? add_kconfig_map(ctx, end) : 0;
}

int loader_kconfig_ref(struct loader_ctx *ctx, const char *name, uint32_t *offset)
{
	const struct loader_object *obj = ctx->obj;
	size_t i;

	for (i = 0; i < obj->extern_count; i++) {
		if (!strcmp(obj->externs[i].name, name)) {
			*offset = obj->externs[i].offset;
			return obj->kconfig_map;
		}
	}
	return -ENOENT;
}

/* ---- Later: the values ------------------------------------------------------------------- */

struct kconfig_job {
	struct loader_object *obj;
	uint8_t *data; /* the .kconfig map's initial value */
	bool *set;     /* per extern */
	const char *path;
	char *err;
	size_t err_size;
};

static int job_err(struct kconfig_job *job, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int job_err(struct kconfig_job *job, int err, const char *fmt, ...)
{
	va_list ap;

	if (!job->err || !job->err_size)
		return err;
	va_start(ap, fmt);
	vsnprintf(job->err, job->err_size, fmt, ap);
	va_end(ap);
	return err;
}

static int set_int(struct kconfig_job *job, struct loader_extern *ext, uint64_t v)
{
	uint8_t *dst = job->data + ext->offset;

	if (ext->size < 8) {
		uint64_t limit = 1ull << (ext->size * 8);
		int64_t sv = (int64_t)v;

		if (ext->is_signed ? (sv < -(int64_t)(limit / 2) || sv >= (int64_t)(limit / 2))
				   : v >= limit)
			return job_err(job, -ERANGE,
				       "kconfig '%s': value %llu does not fit %u bytes", ext->name,
				       (unsigned long long)v, ext->size);
	}
	memcpy(dst, &v, ext->size); /* little endian: the low bytes */
	return 0;
}

/* One value of the configuration ("y", "m", "n", "\"text\"", "123", "0x1f") for ext. */
static int set_value(struct kconfig_job *job, struct loader_extern *ext, const char *value)
{
	char *end;
	uint64_t v;
	size_t len;

	switch (ext->kind) {
	case LOADER_KCFG_BOOL:
	case LOADER_KCFG_TRISTATE:
	case LOADER_KCFG_CHAR:
		if (strlen(value) != 1 || !strchr("ynm", value[0]))
			break;
		if (ext->kind == LOADER_KCFG_CHAR)
			return set_int(job, ext, (uint8_t)value[0]);
		if (ext->kind == LOADER_KCFG_BOOL && value[0] == 'm')
			return job_err(job, -EINVAL, "kconfig '%s': value 'm' for a bool",
				       ext->name);
		return set_int(job, ext,
			       value[0] == 'y'	 ? TRI_YES
			       : value[0] == 'm' ? TRI_MODULE
						 : TRI_NO);
	case LOADER_KCFG_CHAR_ARR:
		len = strlen(value);
		if (len < 2 || value[0] != '"' || value[len - 1] != '"')
			break;
		len -= 2;
		if (len >= ext->size)
			len = ext->size - 1; /* truncated, as libbpf does */
		memcpy(job->data + ext->offset, value + 1, len);
		job->data[ext->offset + len] = '\0';
		return 0;
	case LOADER_KCFG_INT:
		if (!strcmp(value, "y") || !strcmp(value, "n") || !strcmp(value, "m"))
			break;
		errno = 0;
		v = ext->is_signed ? (uint64_t)strtoll(value, &end, 0) : strtoull(value, &end, 0);
		if (errno || end == value || *end)
			break;
		return set_int(job, ext, v);
	}
	return job_err(job, -EINVAL, "kconfig '%s': value '%s' does not fit its type", ext->name,
		       value);
}

static struct loader_extern *find_extern(struct kconfig_job *job, const char *name, size_t *index)
{
	for (size_t i = 0; i < job->obj->extern_count; i++) {
		if (!strcmp(job->obj->externs[i].name, name)) {
			*index = i;
			return &job->obj->externs[i];
		}
	}
	return NULL;
}

/* "CONFIG_X=value" or "# CONFIG_X is not set". */
static int config_line(struct kconfig_job *job, char *line)
{
	struct loader_extern *ext;
	char *eq, *value;
	size_t index, len = strlen(line);
	int err;

	while (len && isspace((unsigned char)line[len - 1]))
		line[--len] = '\0';
	if (!strncmp(line, "# CONFIG_", 9) && len > 13 && !strcmp(line + len - 11, " is not set")) {
		line[len - 11] = '\0';
		value = "n";
		line += 2;
	} else if (!strncmp(line, "CONFIG_", 7) && (eq = strchr(line, '='))) {
		*eq = '\0';
		value = eq + 1;
	} else {
		return 0;
	}
	ext = find_extern(job, line, &index);
	if (!ext)
		return 0;
	err = set_value(job, ext, value);
	if (!err)
		job->set[index] = true;
	return err;
}

/* Values that do not fit fail; a file that cannot be opened is noted in *open_err, for the
 * externs that needed it. */
static int read_config(struct kconfig_job *job, const char *path, int *open_err)
{
	char line[4096];
	gzFile f;
	int err = 0;

	errno = 0;
	f = gzopen(path, "r");
	if (!f) {
		*open_err = errno ? -errno : -ENOENT;
		return 0;
	}
	while (!err && gzgets(f, line, sizeof(line)))
		err = config_line(job, line);
	gzclose(f);
	return err;
}

/* libbpf's KERNEL_VERSION(a, b, c) of the running kernel's release, c capped at 255. */
static uint32_t kernel_version(void)
{
	unsigned int a = 0, b = 0, c = 0;
	struct utsname u;

	if (uname(&u) || sscanf(u.release, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	return (a << 16) + (b << 8) + (c > 255 ? 255 : c);
}

/* The values libbpf computes itself rather than reads from the configuration. */
static int builtin_value(struct kconfig_job *job, struct loader_extern *ext, bool *known)
{
	*known = true;
	if (!strcmp(ext->name, "LINUX_KERNEL_VERSION"))
		return set_int(job, ext, kernel_version());
	/* x86-64 kernels since 4.17 wrap syscalls; this runtime assumes a recent kernel */
	if (!strcmp(ext->name, "LINUX_HAS_SYSCALL_WRAPPER") ||
	    !strcmp(ext->name, "LINUX_HAS_BPF_COOKIE"))
		return set_int(job, ext, 1);
	*known = false;
	return 0;
}

/* Where the running kernel's configuration is: /proc/config.gz, else /boot/config-RELEASE. */
static const char *default_config(char *buf, size_t size)
{
	struct utsname u;
	FILE *f = fopen("/proc/config.gz", "r");

	if (f) {
		fclose(f);
		return "/proc/config.gz";
	}
	if (uname(&u))
		return NULL;
	snprintf(buf, size, "/boot/config-%s", u.release);
	return buf;
}

static bool needs_config(const struct loader_object *obj)
{
	for (size_t i = 0; i < obj->extern_count; i++) {
		if (!strncmp(obj->externs[i].name, "CONFIG_", 7))
			return true;
	}
	return false;
}

static int check_all_set(struct kconfig_job *job, int read_err)
{
	for (size_t i = 0; i < job->obj->extern_count; i++) {
		const struct loader_extern *ext = &job->obj->externs[i];

		if (job->set[i] || ext->weak)
			continue; /* a missing weak extern reads 0 */
		if (strncmp(ext->name, "CONFIG_", 7))
			return job_err(job, -EINVAL,
				       "extern '%s' (.kconfig): not a kernel configuration value "
				       "(CONFIG_*) nor one the loader knows (LINUX_KERNEL_VERSION, "
				       "LINUX_HAS_SYSCALL_WRAPPER, LINUX_HAS_BPF_COOKIE)",
				       ext->name);
		if (read_err)
			return job_err(
			    job, read_err,
			    "extern '%s' (.kconfig): the kernel configuration '%s' cannot "
			    "be read (%s): name one (extbpf --kconfig FILE, "
			    "ebpf_object_open_opts.kconfig_path)",
			    ext->name, job->path ? job->path : "?", strerror(-read_err));
		return job_err(job, -ESRCH,
			       "extern '%s' (.kconfig): not set in the kernel configuration '%s' "
			       "(declare it __weak to read 0 when absent)",
			       ext->name, job->path);
	}
	return 0;
}

int loader_kconfig_resolve(struct loader_object *obj, const char *config_path, char *err,
			   size_t err_size)
{
	struct kconfig_job job = { .obj = obj, .err = err, .err_size = err_size };
	char buf[512];
	int ret = 0, read_err = 0;
	bool known;

	if (obj->kconfig_map < 0 || !obj->extern_count)
		return 0;
	job.data = obj->maps[obj->kconfig_map].initial_data;
	job.set = calloc(obj->extern_count, sizeof(*job.set));
	if (!job.set)
		return job_err(&job, -ENOMEM, "out of memory");
	memset(job.data, 0, obj->maps[obj->kconfig_map].value_size);
	for (size_t i = 0; i < obj->extern_count && !ret; i++) {
		ret = builtin_value(&job, &obj->externs[i], &known);
		job.set[i] = known;
	}
	if (!ret && needs_config(obj)) {
		job.path = config_path ? config_path : default_config(buf, sizeof(buf));
		if (job.path)
			ret = read_config(&job, job.path, &read_err);
		else
			read_err = -ENOENT;
	}
	if (!ret)
		ret = check_all_set(&job, read_err);
	free(job.set);
	return ret;
}

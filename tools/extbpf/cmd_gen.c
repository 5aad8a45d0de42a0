/* SPDX-License-Identifier: MIT */
/*
 * extbpf gen skeleton FILE.o: a C header embedding the object, with typed access to its maps,
 * programs and global data, in bpftool's layout (NAME__open, __load, __open_and_load, __attach,
 * __destroy; skel->maps.X, skel->progs.X, skel->rodata->X). It calls libbpf's skeleton API,
 * which extbpf-libbpf implements (docs/porting.md).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "cli.h"

static void gen_usage(FILE *out)
{
	fprintf(out,
		"usage: extbpf gen skeleton FILE.o [--name NAME]\n"
		"\n"
		"Writes to standard output a C header for hosts built against extbpf-libbpf\n"
		"(pkg-config extbpf-libbpf), in bpftool's skeleton layout: struct NAME with\n"
		"maps.X, progs.X, links.X and the global data sections typed from the object's\n"
		"BTF (rodata, data, bss), and NAME__open, __open_opts, __load, __open_and_load,\n"
		"__attach, __detach, __destroy. The object is embedded in the header. NAME\n"
		"defaults to the file's name up to its first dot.\n"
		"Exit codes: 0 success, 2 bad arguments or an unusable object.\n");
}

struct gen {
	const char *name; /* the skeleton's identifier */
	struct ebpf_object *obj;
	const struct btf *btf;
	struct btf_dump *dump;
	FILE *out;
};

/* A C identifier from a map or section name: ".rodata.str1.1" -> "rodata_str1_1". */
static char *ident_of(const char *name)
{
	char *id = strdup(name[0] == '.' ? name + 1 : name);

	for (char *p = id; p && *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_')
			*p = '_';
	}
	if (id && isdigit((unsigned char)id[0]))
		id[0] = '_';
	return id;
}

static void dump_printf(void *ctx, const char *fmt, va_list args)
{
	vfprintf(ctx, fmt, args);
}

/* The DATASEC a global data map is the image of, or 0 (.kconfig is filled at load). */
static int datasec_of(const struct gen *g, const char *map)
{
	int id;

	if (!g->btf || map[0] != '.' || !strcmp(map, ".kconfig"))
		return 0;
	id = btf__find_by_name_kind(g->btf, map, BTF_KIND_DATASEC);
	return id > 0 ? id : 0;
}

static bool var_exposed(const struct btf *btf, const struct btf_var_secinfo *v)
{
	const struct btf_type *var = btf__type_by_id(btf, v->type);

	/* static variables are the program's own, as bpftool hides them */
	return btf_is_var(var) && btf_var(var)->linkage != BTF_VAR_STATIC;
}

/* The definitions the section's variables need, before the skeleton's struct. */
static void emit_var_types(struct gen *g, int sec_id)
{
	const struct btf_type *sec = btf__type_by_id(g->btf, sec_id);
	const struct btf_var_secinfo *v = btf_var_secinfos(sec);

	for (int i = 0; i < btf_vlen(sec); i++, v++) {
		if (var_exposed(g->btf, &v[0]))
			btf_dump__dump_type(g->dump, btf__type_by_id(g->btf, v->type)->type);
	}
}

/* struct NAME__rodata { ... } *rodata; with padding where the section has a gap. */
static void emit_datasec(struct gen *g, int sec_id, const char *ident)
{
	const struct btf_type *sec = btf__type_by_id(g->btf, sec_id);
	const struct btf_var_secinfo *v = btf_var_secinfos(sec);
	uint32_t off = 0;
	int pad = 0;

	fprintf(g->out, "\tstruct %s__%s {\n", g->name, ident);
	for (int i = 0; i < btf_vlen(sec); i++, v++) {
		const struct btf_type *var = btf__type_by_id(g->btf, v->type);
		LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts,
			    .field_name = btf__name_by_offset(g->btf, var->name_off),
			    .indent_level = 2, .strip_mods = true);
		int align = btf__align_of(g->btf, var->type);

		if (!var_exposed(g->btf, v))
			continue;
		if (align > 0)
			off = (off + (uint32_t)align - 1) / (uint32_t)align * (uint32_t)align;
		if (v->offset > off)
			fprintf(g->out, "\t\tchar __pad%d[%u];\n", pad++, v->offset - off);
		fprintf(g->out, "\t\t");
		btf_dump__emit_type_decl(g->dump, var->type, &opts);
		fprintf(g->out, ";\n");
		off = v->offset + v->size;
	}
	fprintf(g->out, "\t} *%s;\n", ident);
}

/* Each program and map as a member of one of the skeleton's sub-structures. */
static int emit_members(struct gen *g, const char *group, bool maps, const char *type)
{
	struct ebpf_object_program_def pd = { .sz = sizeof(pd) };
	struct ebpf_object_map_def md = { .sz = sizeof(md) };

	fprintf(g->out, "\tstruct {\n");
	for (size_t i = 0;; i++) {
		int err = maps ? ebpf_object_map_def(g->obj, i, &md)
			       : ebpf_object_program_def(g->obj, i, &pd);
		char *id;

		if (err)
			break;
		id = ident_of(maps ? md.name : pd.name);
		if (!id)
			return -ENOMEM;
		fprintf(g->out, "\t\tstruct %s *%s;\n", type, id);
		free(id);
	}
	fprintf(g->out, "\t} %s;\n", group);
	return 0;
}

static int emit_struct(struct gen *g)
{
	struct ebpf_object_map_def md = { .sz = sizeof(md) };
	int err;

	for (size_t i = 0; !ebpf_object_map_def(g->obj, i, &md); i++) {
		int sec = datasec_of(g, md.name);

		if (sec)
			emit_var_types(g, sec);
	}
	fprintf(g->out,
		"\nstruct %s {\n\tstruct bpf_object_skeleton *skeleton;\n"
		"\tstruct bpf_object *obj;\n",
		g->name);
	err = emit_members(g, "maps", true, "bpf_map");
	if (!err)
		err = emit_members(g, "progs", false, "bpf_program");
	if (!err)
		err = emit_members(g, "links", false, "bpf_link");
	for (size_t i = 0; !err && !ebpf_object_map_def(g->obj, i, &md); i++) {
		int sec = datasec_of(g, md.name);
		char *id;

		if (!sec)
			continue;
		id = ident_of(md.name);
		if (!id)
			return -ENOMEM;
		emit_datasec(g, sec, id);
		free(id);
	}
	fprintf(g->out, "};\n\n");
	return err;
}

static int emit_create(struct gen *g)
{
	struct ebpf_object_program_def pd = { .sz = sizeof(pd) };
	struct ebpf_object_map_def md = { .sz = sizeof(md) };
	size_t maps = 0, progs = 0;
	FILE *o = g->out;

	while (!ebpf_object_map_def(g->obj, maps, &md))
		maps++;
	while (!ebpf_object_program_def(g->obj, progs, &pd))
		progs++;
	fprintf(o,
		"static inline int %1$s__create_skeleton(struct %1$s *obj)\n{\n"
		"\tstruct bpf_object_skeleton *s;\n\n"
		"\ts = (struct bpf_object_skeleton *)calloc(1, sizeof(*s));\n"
		"\tif (!s)\n\t\treturn -ENOMEM;\n"
		"\tobj->skeleton = s;\n"
		"\ts->sz = sizeof(*s);\n\ts->name = \"%1$s\";\n\ts->obj = &obj->obj;\n"
		"\ts->data = %1$s__elf_bytes(&s->data_sz);\n\n"
		"\ts->map_cnt = %2$zu;\n\ts->map_skel_sz = sizeof(*s->maps);\n"
		"\ts->maps = (struct bpf_map_skeleton *)calloc(%2$zu + 1, s->map_skel_sz);\n"
		"\tif (!s->maps)\n\t\treturn -ENOMEM;\n",
		g->name, maps);
	for (size_t i = 0; i < maps && !ebpf_object_map_def(g->obj, i, &md); i++) {
		char *id = ident_of(md.name);

		if (!id)
			return -ENOMEM;
		fprintf(o, "\ts->maps[%zu].name = \"%s\";\n\ts->maps[%zu].map = &obj->maps.%s;\n",
			i, md.name, i, id);
		if (datasec_of(g, md.name))
			fprintf(o, "\ts->maps[%zu].mmaped = (void **)&obj->%s;\n", i, id);
		free(id);
	}
	fprintf(o,
		"\n\ts->prog_cnt = %zu;\n\ts->prog_skel_sz = sizeof(*s->progs);\n"
		"\ts->progs = (struct bpf_prog_skeleton *)calloc(%zu + 1, s->prog_skel_sz);\n"
		"\tif (!s->progs)\n\t\treturn -ENOMEM;\n",
		progs, progs);
	for (size_t i = 0; i < progs && !ebpf_object_program_def(g->obj, i, &pd); i++)
		fprintf(o,
			"\ts->progs[%zu].name = \"%s\";\n\ts->progs[%zu].prog = &obj->progs.%s;\n"
			"\ts->progs[%zu].link = &obj->links.%s;\n",
			i, pd.name, i, pd.name, i, pd.name);
	fprintf(o, "\treturn 0;\n}\n\n");
	return 0;
}

static void emit_bytes(struct gen *g, const unsigned char *data, size_t size)
{
	fprintf(g->out,
		"static inline const void *%s__elf_bytes(size_t *sz)\n{\n"
		"\tstatic const unsigned char data[] = {",
		g->name);
	for (size_t i = 0; i < size; i++)
		fprintf(g->out, "%s0x%02x,", i % 12 ? " " : "\n\t\t", data[i]);
	fprintf(g->out, "\n\t};\n\n\t*sz = sizeof(data);\n\treturn data;\n}\n\n");
}

static void emit_functions(struct gen *g)
{
	fprintf(
	    g->out,
	    "static inline void %1$s__destroy(struct %1$s *obj)\n{\n"
	    "\tif (!obj)\n\t\treturn;\n"
	    "\tif (obj->skeleton)\n\t\tbpf_object__destroy_skeleton(obj->skeleton);\n"
	    "\tfree(obj);\n}\n\n"
	    "static inline struct %1$s *%1$s__open_opts(const struct bpf_object_open_opts *opts)\n"
	    "{\n\tstruct %1$s *obj = (struct %1$s *)calloc(1, sizeof(*obj));\n\tint err;\n\n"
	    "\tif (!obj) {\n\t\terrno = ENOMEM;\n\t\treturn NULL;\n\t}\n"
	    "\terr = %1$s__create_skeleton(obj);\n"
	    "\tif (!err)\n\t\terr = bpf_object__open_skeleton(obj->skeleton, opts);\n"
	    "\tif (err) {\n\t\t%1$s__destroy(obj);\n\t\terrno = -err;\n\t\treturn NULL;\n\t}\n"
	    "\treturn obj;\n}\n\n"
	    "static inline struct %1$s *%1$s__open(void)\n{\n"
	    "\treturn %1$s__open_opts(NULL);\n}\n\n"
	    "static inline int %1$s__load(struct %1$s *obj)\n{\n"
	    "\treturn bpf_object__load_skeleton(obj->skeleton);\n}\n\n"
	    "static inline struct %1$s *%1$s__open_and_load(void)\n{\n"
	    "\tstruct %1$s *obj = %1$s__open();\n\tint err;\n\n"
	    "\tif (!obj)\n\t\treturn NULL;\n"
	    "\terr = %1$s__load(obj);\n"
	    "\tif (err) {\n\t\t%1$s__destroy(obj);\n\t\terrno = -err;\n\t\treturn NULL;\n\t}\n"
	    "\treturn obj;\n}\n\n"
	    "static inline int %1$s__attach(struct %1$s *obj)\n{\n"
	    "\treturn bpf_object__attach_skeleton(obj->skeleton);\n}\n\n"
	    "static inline void %1$s__detach(struct %1$s *obj)\n{\n"
	    "\tbpf_object__detach_skeleton(obj->skeleton);\n}\n\n",
	    g->name);
}

static int generate(struct gen *g, const char *path, const void *data, size_t size)
{
	int err;

	fprintf(g->out,
		"/* Generated by `extbpf gen skeleton` from %s: do not edit. */\n"
		"#ifndef __%s_SKEL_H__\n#define __%s_SKEL_H__\n\n"
		"#include <errno.h>\n#include <stdlib.h>\n#include <bpf/libbpf.h>\n\n",
		path, g->name, g->name);
	fprintf(g->out,
		"struct %1$s;\nstatic inline const void *%1$s__elf_bytes(size_t *sz);\n"
		"static inline int %1$s__create_skeleton(struct %1$s *obj);\n",
		g->name);
	err = emit_struct(g);
	if (err)
		return err;
	emit_functions(g);
	err = emit_create(g);
	if (err)
		return err;
	emit_bytes(g, data, size);
	fprintf(g->out, "#endif /* __%s_SKEL_H__ */\n", g->name);
	return 0;
}

/* The default name: the file's base name up to its first dot, as an identifier. */
static char *default_name(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name, *id;

	base = base ? base + 1 : path;
	name = strndup(base, strcspn(base, "."));
	id = name ? ident_of(name) : NULL;
	free(name);
	return id;
}

static int gen_skeleton(const char *path, const char *name)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts) };
	struct gen g = { .out = stdout };
	struct btf *btf = NULL;
	char *ident = NULL;
	size_t size = 0;
	void *data = NULL;
	int err, ret = EXIT_USAGE;

	err = cli_read_file(path, &data, &size);
	if (err) {
		cli_error("gen", "%s: %s", path, strerror(-err));
		return EXIT_USAGE;
	}
	ident = name ? ident_of(name) : default_name(path);
	if (!ident || !*ident || (name && strcmp(ident, name))) {
		cli_error("gen", "'%s' is not a C identifier (use --name)", name ? name : path);
		goto out;
	}
	g.name = ident;
	err = ebpf_object_parse_mem(data, size, ident, &opts, &g.obj);
	if (err) {
		cli_error("gen", "%s: %s", path, ebpf_last_error());
		goto out;
	}
	btf = cli_btf_load(path);
	g.btf = btf;
	g.dump = btf ? btf_dump__new(btf, dump_printf, stdout, NULL) : NULL;
	if (btf && !g.dump) {
		cli_error("gen", "%s: btf_dump: %s", path, strerror(errno));
		goto out;
	}
	err = generate(&g, path, data, size);
	if (!err && fflush(stdout))
		err = -errno;
	if (err)
		cli_error("gen", "%s: %s", path, strerror(-err));
	else
		ret = EXIT_OK;
out:
	btf_dump__free(g.dump);
	btf__free(btf);
	ebpf_object_close(g.obj);
	free(ident);
	free(data);
	return ret;
}

static int gen_run(int argc, char **argv)
{
	const char *path = NULL, *name = NULL;

	if (cli_wants_help(argc, argv)) {
		gen_usage(stdout);
		return EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "skeleton"))
		return cli_usage_error(&cli_verb_gen, "the only subcommand is 'skeleton'");
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--name")) {
			if (++i == argc)
				return cli_usage_error(&cli_verb_gen, "--name needs a name");
			name = argv[i];
		} else if (argv[i][0] == '-') {
			return cli_unknown_option(&cli_verb_gen, argv[i],
						  (const char *const[]){ "name", "help", NULL });
		} else if (path) {
			return cli_usage_error(&cli_verb_gen, "one object only ('%s')", argv[i]);
		} else {
			path = argv[i];
		}
	}
	if (!path)
		return cli_usage_error(&cli_verb_gen, "no object file");
	return gen_skeleton(path, name);
}

const struct cli_verb cli_verb_gen = {
	.name = "gen",
	.summary = "generate a libbpf-style skeleton header from an object",
	.run = gen_run,
	.usage = gen_usage,
};

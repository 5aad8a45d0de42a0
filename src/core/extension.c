/* SPDX-License-Identifier: MIT */
/*
 * Extensions: shared libraries (dlopen) or descriptors linked into the host. Loading one calls
 * its load() with the runtime's registrar: it registers its providers and the core binds to them
 * (program types) or will when links are made (hooks). Unloading calls unload(), which
 * deregisters them; the core's detach callbacks detach the links and make the programs of its
 * types unusable, waiting for invocations in flight, before the code is unmapped.
 */
#define _GNU_SOURCE /* dladdr */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/contract.h"
#include "core/core.h"
#include "core/error.h"

#ifndef EXTBPF_EXTENSION_RELDIR
#define EXTBPF_EXTENSION_RELDIR "../lib/extbpf"
#endif

struct ebpf_extension {
	struct ebpf_extension *next;
	const struct ebpf_extension_descriptor *descriptor;
	void *dl; /* NULL for a static extension */
	void *state;
	char *path;
	char name[64];
};

static int check_descriptor(const struct ebpf_extension_descriptor *d, const char *where)
{
	char who[PATH_MAX + 16], msg[PATH_MAX + 256];

	if (!d)
		return core_error(-EINVAL, "extension '%s': its entry point returned no descriptor",
				  where);
	snprintf(who, sizeof(who), "extension '%s'", where);
	if (core_contract_check(&core_contract_extension_descriptor, &d->header, SIZE_MAX, who, msg,
				sizeof(msg)))
		return core_error(-EINVAL, "%s", msg);
	if (!d->name || !d->load || !d->unload)
		return core_error(-EINVAL,
				  "extension '%s': descriptor lacks a name, load or unload", where);
	return 0;
}

static bool name_taken_locked(const char *name, const char **path)
{
	for (struct ebpf_extension *e = core_rt.extensions; e; e = e->next) {
		if (!strcmp(e->name, name)) {
			*path = e->path ? e->path : "linked into the host";
			return true;
		}
	}
	return false;
}

/* Runs the extension's load() and lists it; frees ext on failure. */
static int extension_start(struct ebpf_extension *ext, const char *where)
{
	struct ebpf_extension **p;
	const char *other;
	int err;

	snprintf(ext->name, sizeof(ext->name), "%s", ext->descriptor->name);
	core_lock();
	if (name_taken_locked(ext->name, &other)) {
		core_unlock();
		return core_error(-EEXIST,
				  "extension '%s': an extension named '%s' is already "
				  "loaded (%s)",
				  where, ext->name, other);
	}
	/* Listed first: a second load of the same name is refused while this one runs load(). */
	for (p = &core_rt.extensions; *p; p = &(*p)->next)
		;
	*p = ext;
	core_unlock();

	core_progtype_set_loading(ext);
	err = ext->descriptor->load(core_rt.registrar, &ext->state);
	core_progtype_set_loading(NULL);
	if (err >= 0)
		return 0;
	core_lock();
	for (p = &core_rt.extensions; *p != ext; p = &(*p)->next)
		;
	*p = ext->next;
	core_unlock();
	/* Keep what load() said (ebpf_extension_register names the type or hook at fault). */
	if (ebpf_last_error()[0]) {
		char why[512];

		snprintf(why, sizeof(why), "%s", ebpf_last_error());
		return core_error(err, "extension '%s': its load() failed: %s: %s", where,
				  strerror(-err), why);
	}
	return core_error(err, "extension '%s': its load() failed: %s", where, strerror(-err));
}

static void extension_free(struct ebpf_extension *ext)
{
	if (ext->dl)
		dlclose(ext->dl);
	free(ext->path);
	free(ext);
}

int ebpf_extension_load(const char *path, struct ebpf_extension **extension)
{
	struct ebpf_extension *ext;
	ebpf_extension_entry_fn entry;
	int err;

	core_error_clear();
	if (!path)
		return core_error(-EINVAL, "extension: no path");
	err = core_runtime_start();
	if (err)
		return err;
	ext = calloc(1, sizeof(*ext));
	if (!ext || !(ext->path = strdup(path))) {
		free(ext);
		return core_error(-ENOMEM, "extension '%s': out of memory", path);
	}
	ext->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!ext->dl) {
		err = core_error(-ENOENT, "extension '%s': %s", path, dlerror());
		goto fail;
	}
	entry = (ebpf_extension_entry_fn)dlsym(ext->dl, EBPF_EXTENSION_ENTRY_SYMBOL);
	if (!entry) {
		err = core_error(-ENOEXEC, "extension '%s': no entry point '%s' (%s)", path,
				 EBPF_EXTENSION_ENTRY_SYMBOL, dlerror());
		goto fail;
	}
	ext->descriptor = entry();
	err = check_descriptor(ext->descriptor, path);
	if (err)
		goto fail;
	err = extension_start(ext, path);
	if (err)
		goto fail;
	if (extension)
		*extension = ext;
	return 0;
fail:
	extension_free(ext);
	return err;
}

int ebpf_extension_add_static(const struct ebpf_extension_descriptor *descriptor,
			      struct ebpf_extension **extension)
{
	const char *where = descriptor && descriptor->name ? descriptor->name : "(static)";
	struct ebpf_extension *ext;
	int err;

	core_error_clear();
	err = core_runtime_start();
	if (err)
		return err;
	err = check_descriptor(descriptor, where);
	if (err)
		return err;
	ext = calloc(1, sizeof(*ext));
	if (!ext)
		return core_error(-ENOMEM, "extension '%s': out of memory", where);
	ext->descriptor = descriptor;
	err = extension_start(ext, where);
	if (err) {
		extension_free(ext);
		return err;
	}
	if (extension)
		*extension = ext;
	return 0;
}

static int so_filter(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return len > 3 && !strcmp(d->d_name + len - 3, ".so");
}

int ebpf_extension_load_dir(const char *dir)
{
	struct dirent **entries;
	int n, first_err = 0;

	core_error_clear();
	if (!dir)
		dir = ebpf_extension_default_dir();
	if (!dir)
		return core_error(-ENOENT, "extensions: cannot find the default directory");
	n = scandir(dir, &entries, so_filter, alphasort);
	if (n < 0)
		return core_error(-errno, "extension directory '%s': %s", dir, strerror(errno));
	/* One broken extension does not keep the others out; the first failure is reported. */
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];
		char saved[1024];
		int err;

		snprintf(path, sizeof(path), "%s/%s", dir, entries[i]->d_name);
		snprintf(saved, sizeof(saved), "%s", ebpf_last_error());
		err = ebpf_extension_load(path, NULL);
		if (err == -EEXIST)
			err = 0; /* already loaded, from here or elsewhere */
		if (err && !first_err) {
			first_err = err;
			snprintf(saved, sizeof(saved), "%s", ebpf_last_error());
		}
		core_error(0, "%s", saved);
		free(entries[i]);
	}
	free(entries);
	return first_err;
}

/* The directory of the file that holds this code: libextbpf.so, or the executable itself when
 * the library is linked statically. */
static int library_dir(char *dir, size_t size, bool *in_executable)
{
	char lib[PATH_MAX], exe[PATH_MAX];
	Dl_info info;

	if (!dladdr((void *)ebpf_extension_default_dir, &info) || !info.dli_fname ||
	    !realpath(info.dli_fname, lib))
		return -ENOENT;
	*in_executable = realpath("/proc/self/exe", exe) && !strcmp(lib, exe);
	snprintf(dir, size, "%s", dirname(lib));
	return 0;
}

const char *ebpf_extension_default_dir(void)
{
	static _Thread_local char dir[PATH_MAX];
	char base[PATH_MAX];
	const char *env = getenv("EXTBPF_EXTENSION_DIR");
	bool in_executable;
	int len;

	if (env && *env)
		return env;
	if (library_dir(base, sizeof(base), &in_executable))
		return NULL;
	/* The installation and the build tree both put extensions in <libdir>/extbpf, beside the
	 * shared library and <bindir>/../<libdir>/extbpf from the executable. */
	len = snprintf(dir, sizeof(dir), "%s/%s", base,
		       in_executable ? EXTBPF_EXTENSION_RELDIR : "extbpf");
	return len < (int)sizeof(dir) ? dir : NULL;
}

int ebpf_extension_unload(struct ebpf_extension *extension)
{
	struct ebpf_extension **p;

	core_error_clear();
	if (!extension)
		return core_error(-EINVAL, "extension: NULL");
	core_lock();
	for (p = &core_rt.extensions; *p && *p != extension; p = &(*p)->next)
		;
	if (!*p) {
		core_unlock();
		return core_error(-ENOENT, "extension: not loaded (already unloaded?)");
	}
	*p = extension->next;
	core_unlock();
	/* Its providers go: the core's detach callbacks detach links and wait for invocations. */
	extension->descriptor->unload(extension->state);
	/* Program types it registered must not keep pointing at it. */
	core_lock();
	for (struct core_progtype *t = core_rt.types; t; t = t->next) {
		if (t->extension == extension)
			t->extension = NULL;
	}
	core_unlock();
	extension_free(extension);
	return 0;
}

const char *ebpf_extension_name(const struct ebpf_extension *extension)
{
	return extension->name;
}

const char *ebpf_extension_description(const struct ebpf_extension *extension)
{
	return extension->descriptor->description ? extension->descriptor->description : "";
}

const char *ebpf_extension_path(const struct ebpf_extension *extension)
{
	return extension->path;
}

int ebpf_foreach_extension(ebpf_extension_cb cb, void *arg)
{
	struct ebpf_extension **snapshot;
	size_t n = 0, count = 0;
	int ret = 0;

	core_error_clear();
	ret = core_runtime_start();
	if (ret)
		return ret;
	/* Valid while loaded, as the other enumerations: the caller does not unload meanwhile. */
	core_lock();
	for (struct ebpf_extension *e = core_rt.extensions; e; e = e->next)
		count++;
	snapshot = calloc(count ? count : 1, sizeof(*snapshot));
	for (struct ebpf_extension *e = core_rt.extensions; snapshot && e; e = e->next)
		snapshot[n++] = e;
	core_unlock();
	if (!snapshot)
		return core_error(-ENOMEM, "extensions: out of memory");
	for (size_t i = 0; i < n && !ret; i++)
		ret = cb(snapshot[i], arg);
	free(snapshot);
	return ret;
}

const struct ebpf_extension *ebpf_program_type_extension(const struct ebpf_program_info *info)
{
	const struct ebpf_extension *found = NULL;

	core_lock();
	for (struct core_progtype *t = core_rt.types; t && !found; t = t->next) {
		if (&t->info == info || nmr_guid_equal(&t->info.program_type, &info->program_type))
			found = t->extension;
	}
	core_unlock();
	return found;
}

void core_extensions_unload_all(void)
{
	for (;;) {
		struct ebpf_extension *last = NULL;

		core_lock();
		for (struct ebpf_extension *e = core_rt.extensions; e; e = e->next)
			last = e;
		core_unlock();
		if (!last)
			return;
		ebpf_extension_unload(last); /* reverse load order */
	}
}

void *ebpf_extension_symbol(const struct ebpf_extension *extension, const char *name)
{
	void *symbol;

	core_error_clear();
	if (!extension || !name) {
		core_error(-EINVAL, "ebpf_extension_symbol: extension and name must not be NULL");
		return NULL;
	}
	if (!extension->dl) {
		core_error(-ENOENT, "extension '%s' is linked into the host: look '%s' up there",
			   extension->name, name);
		return NULL;
	}
	dlerror();
	symbol = dlsym(extension->dl, name);
	if (!symbol)
		core_error(-ENOENT, "extension '%s' (%s) exports no '%s'", extension->name,
			   extension->path, name);
	return symbol;
}

// SPDX-License-Identifier: MIT
/*
 * Reading target BTFs for CO-RE (see btf_target.h). Files are read here rather than with
 * btf__parse(), which reports its failures on stderr: the library's messages go to the caller.
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "core/btf_target.h"
#include "core/error.h"

static int read_file(const char *path, void **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 20, n = 0, got;
	char *buf = NULL, *p;

	if (!f)
		return -errno;
	for (;;) {
		if (!(p = realloc(buf, cap))) {
			free(buf);
			fclose(f);
			return -ENOMEM;
		}
		buf = p;
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap)
			break;
		cap *= 2;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*data = buf;
	*size = n;
	return 0;
}

/* The .BTF section of an ELF image (a vmlinux, a clang -g object), or -ENOENT. */
static int elf_btf(void *image, size_t size, struct btf **btf)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	int err = -ENOENT;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	elf = elf_memory(image, size);
	if (!elf || elf_getshdrstrndx(elf, &shstrndx)) {
		if (elf)
			elf_end(elf);
		return -EINVAL;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			break;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".BTF"))
			continue;
		d = elf_getdata(scn, NULL);
		err = -EINVAL;
		if (d && d->d_buf && d->d_size) {
			*btf = btf__new(d->d_buf, (uint32_t)d->d_size);
			err = *btf ? 0 : -EINVAL;
		}
		break;
	}
	elf_end(elf);
	return err;
}

static int btf_from_file(const char *path, struct btf **btf)
{
	void *data = NULL;
	size_t size = 0;
	int err = read_file(path, &data, &size);

	if (err)
		return core_error(err, "BTF '%s': %s", path, strerror(-err));
	if (size >= 4 && !memcmp(data, ELFMAG, SELFMAG)) {
		err = elf_btf(data, size, btf);
		free(data);
		if (err == -ENOENT)
			return core_error(-EINVAL, "BTF '%s': the ELF file has no .BTF section",
					  path);
		if (err)
			return core_error(-EINVAL, "BTF '%s': the .BTF section is malformed", path);
		return 0;
	}
	*btf = btf__new(data, (uint32_t)size);
	free(data);
	if (!*btf)
		return core_error(-EINVAL, "BTF '%s': neither raw BTF nor an ELF file with BTF",
				  path);
	return 0;
}

static int kernel_target(struct core_btf_targets *targets)
{
	const char *path = targets->kernel_path ? targets->kernel_path : CORE_KERNEL_BTF;
	struct btf *btf = NULL;
	int err;

	if (targets->kernel)
		return 0;
	err = btf_from_file(path, &btf);
	if (err == -ENOENT && !targets->kernel_path)
		return core_error(err,
				  "CO-RE relocations need the kernel's BTF, and %s is absent: name "
				  "a BTF file (extbpf --btf FILE, ebpf_object_open_opts.btf_path)",
				  path);
	if (err)
		return err;
	err = loader_core_target_new(btf, &targets->kernel);
	if (err) {
		btf__free(btf);
		return core_error(err, "BTF '%s': out of memory", path);
	}
	return 0;
}

int core_btf_kernel(struct core_btf_targets *targets, const struct btf **btf)
{
	int err = kernel_target(targets);

	*btf = err ? NULL : loader_core_target_btf(targets->kernel);
	return err;
}

int core_btf_target(struct core_btf_targets *targets, const struct ebpf_program_info *info,
		    struct loader_core_target **target, bool *owned)
{
	struct btf *btf;
	int err;

	*owned = false;
	if (!info->btf || !info->btf_size) {
		err = kernel_target(targets);
		*target = targets->kernel;
		return err;
	}
	btf = btf__new(info->btf, info->btf_size);
	if (!btf)
		return core_error(-EINVAL, "program type '%s': the BTF it publishes is malformed",
				  info->name);
	err = loader_core_target_new(btf, target);
	if (err) {
		btf__free(btf);
		return core_error(err, "program type '%s': out of memory", info->name);
	}
	*owned = true;
	return 0;
}

void core_btf_targets_free(struct core_btf_targets *targets)
{
	loader_core_target_free(targets->kernel);
	targets->kernel = NULL;
}

/* SPDX-License-Identifier: MIT */
/*
 * A host built against an installation (test_install.sh): prints the library's version, the
 * default extension directory, and whether ebpf_extension_load_dir(NULL) found the "sample"
 * program type there. With argument "static" it links the sample extension's archive instead.
 */
#include <stdio.h>
#include <string.h>

#include <extbpf/extbpf.h>
#include <extbpf/packet_ext.h>
#include <extbpf/sample_ext.h>

static int is_sample(const struct ebpf_program_info *info, void *arg)
{
	return !strcmp(info->name, "sample");
}

int main(int argc, char **argv)
{
	const char *dir = ebpf_extension_default_dir();
	int err;

#ifdef WHERE_STATIC
	err = ebpf_extension_add_static(&ebpf_extension_sample, NULL);
#else
	err = ebpf_extension_load_dir(NULL);
#endif
	printf("version %s\n", ebpf_version());
	printf("dir %s\n", dir ? dir : "(none)");
	printf("load %d %s\n", err, ebpf_last_error());
	printf("sample %s\n", ebpf_foreach_program_type(is_sample, NULL) > 0 ? "found" : "missing");
	ebpf_runtime_shutdown();
	return err ? 1 : 0;
}

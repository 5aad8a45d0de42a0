/* SPDX-License-Identifier: MIT */
/*
 * A host written as libbpf users write them: open the object, configure .rodata through
 * bpf_map__set_initial_value, load, test-run the XDP program, read the hash map by descriptor,
 * drain the ring buffer, close. It builds unchanged against extbpf-libbpf and against libbpf.
 * usage: host OBJECT.o
 */
#include "host_common.h"

struct config {
	__u8 drop_first;
	__u32 verdict_other;
};

static int configure(struct bpf_object *obj)
{
	struct bpf_map *rodata = bpf_object__find_map_by_name(obj, ".rodata");
	struct config cfg;
	const void *image;
	size_t size;

	if (!rodata) {
		fprintf(stderr, "no .rodata map\n");
		return -ENOENT;
	}
	image = bpf_map__initial_value(rodata, &size);
	if (!image || size != sizeof(cfg)) {
		fprintf(stderr, ".rodata: %zu bytes, want %zu\n", size, sizeof(cfg));
		return -EINVAL;
	}
	memcpy(&cfg, image, sizeof(cfg));
	printf("rodata before: drop_first %02x verdict_other %u\n", cfg.drop_first,
	       cfg.verdict_other);
	cfg.drop_first = 0x07;
	return bpf_map__set_initial_value(rodata, &cfg, sizeof(cfg));
}

int main(int argc, char **argv)
{
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_map *map;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: %s OBJECT.o\n", argv[0]);
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	err = libbpf_get_error(obj);
	if (err) {
		fprintf(stderr, "open %s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	bpf_object__for_each_program(prog, obj)
	    printf("program %s (%s)\n", bpf_program__name(prog), bpf_program__section_name(prog));
	bpf_object__for_each_map(map, obj)
	{
		if (!bpf_map__is_internal(map))
			printf("map %s: key %u value %u max_entries %u\n", bpf_map__name(map),
			       bpf_map__key_size(map), bpf_map__value_size(map),
			       bpf_map__max_entries(map));
	}
	err = configure(obj);
	if (!err)
		err = bpf_object__load(obj);
	if (!err) {
		prog = bpf_object__find_program_by_name(obj, "xdp_count");
		err = prog ? run_packets(bpf_program__fd(prog)) : -ENOENT;
	}
	if (!err)
		err = print_counts(bpf_object__find_map_fd_by_name(obj, "counts"));
	if (!err)
		err = drain_events(bpf_object__find_map_fd_by_name(obj, "events"));
	if (err)
		fprintf(stderr, "host: %s\n", strerror(-err));
	bpf_object__close(obj);
	return err ? 1 : 0;
}

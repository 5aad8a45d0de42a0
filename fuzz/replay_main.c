// SPDX-License-Identifier: MIT
/*
 * The main() a fuzz target gets outside libFuzzer: feeds every file named on the command line,
 * and every regular file of every directory named, to LLVMFuzzerTestOneInput once. This is how
 * `make check` replays the seed corpora (and any reproducer) with gcc and the sanitizers.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long size;

	if (!f) {
		perror(path);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto fail;
	data = malloc(size ? (size_t)size : 1);
	if (!data || fread(data, 1, (size_t)size, f) != (size_t)size)
		goto fail;
	fclose(f);
	LLVMFuzzerTestOneInput(data, (size_t)size);
	free(data);
	return 0;
fail:
	fprintf(stderr, "%s: cannot read\n", path);
	free(data);
	fclose(f);
	return -1;
}

/* Returns the number of inputs replayed, or -1. */
static int replay_dir(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	int replayed = 0;

	if (n < 0) {
		perror(dir);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && !stat(path, &st) && S_ISREG(st.st_mode)) {
			if (replay_file(path))
				replayed = -1;
			else if (replayed >= 0)
				replayed++;
		}
		free(names[i]);
	}
	free(names);
	return replayed;
}

int main(int argc, char **argv)
{
	int total = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s <corpus dir or input>...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		int n;

		if (stat(argv[i], &st)) {
			perror(argv[i]);
			return 1;
		}
		n = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : !replay_file(argv[i]) ? 1 : -1;
		if (n < 0)
			return 1;
		total += n;
	}
	printf("replayed %d input%s without a finding\n", total, total == 1 ? "" : "s");
	/* An empty corpus would make the test pass without testing anything. */
	return total > 0 ? 0 : 1;
}

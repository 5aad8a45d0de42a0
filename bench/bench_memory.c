// SPDX-License-Identifier: MIT
#include "bench.h"
int bench_memory(struct bench_opts *b) { return 0; }

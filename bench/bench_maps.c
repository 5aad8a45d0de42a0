// SPDX-License-Identifier: MIT
#include "bench.h"
int bench_maps(struct bench_opts *b) { return 0; }

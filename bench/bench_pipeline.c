// SPDX-License-Identifier: MIT
#include "bench.h"
int bench_pipeline(struct bench_opts *b) { return 0; }

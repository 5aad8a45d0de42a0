// SPDX-License-Identifier: MIT
#include "bench.h"
int bench_invoke(struct bench_opts *b) { return 0; }

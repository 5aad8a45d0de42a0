// SPDX-License-Identifier: MIT
/* The target BTF of the CO-RE tests: the types of core_target.h, as a kernel's BTF would
 * describe them (the object is only read for its .BTF). */
#include "../core_target.h"

struct core_s core_target_s;
enum core_e core_target_e;
struct core_mism core_target_mism;

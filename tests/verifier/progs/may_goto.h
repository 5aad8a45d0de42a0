/* SPDX-License-Identifier: GPL-2.0 */
/*
 * can_loop and cond_break as Linux's bpf_experimental.h defines them for compilers without a
 * may_goto mnemonic: the raw 0xe5 instruction in an asm goto whose label is the spent budget's
 * jump target.
 */
#ifndef MAY_GOTO_H
#define MAY_GOTO_H

#define can_loop                                                                                   \
	({                                                                                         \
		__label__ l_break, l_continue;                                                     \
		_Bool ret = 1;                                                                     \
		asm volatile goto(                                                                 \
		    "1:.byte 0xe5; .byte 0;"                                                       \
		    ".long ((%l[l_break] - 1b - 8) / 8) & 0xffff; .short 0" :: ::l_break);         \
		goto l_continue;                                                                   \
	l_break:                                                                                   \
		ret = 0;                                                                           \
	l_continue:;                                                                               \
		ret;                                                                               \
	})

#define cond_break                                                                                 \
	({                                                                                         \
		__label__ l_break, l_continue;                                                     \
		asm volatile goto(                                                                 \
		    "1:.byte 0xe5; .byte 0;"                                                       \
		    ".long ((%l[l_break] - 1b - 8) / 8) & 0xffff; .short 0" :: ::l_break);         \
		goto l_continue;                                                                   \
	l_break:                                                                                   \
		break;                                                                             \
	l_continue:;                                                                               \
	})

#endif

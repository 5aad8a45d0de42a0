// SPDX-License-Identifier: GPL-2.0
/*
 * Section and program names that would be code if they reached generated C unescaped: the end
 * of a comment, newlines with preprocessor lines, quotes, backslashes, a ??/ trigraph (a
 * backslash in ISO C), a NUL (ELF keeps what precedes it) and bytes that are not ASCII. Each
 * try defines a symbol injected_*: a compiled object must have none, and the names must come
 * back exactly. The programs are plain and safe: the verifier accepts them all.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("sample_ext/*/ int injected_comment = 1; /*")
int comment_end(void *ctx)
{
	return 1;
}

SEC("sample_ext/\n#define X 1\nint injected_newline = 2;\n//")
int newline(void *ctx) __asm__("name\n#undef X\nint injected_newline_name = 3;\n");
int newline(void *ctx)
{
	return 2;
}

SEC("sample_ext/\"; int injected_quote = 4; char *q = \"")
int quote(void *ctx) __asm__("q\"; int injected_quote_name = 5; char *r = \"");
int quote(void *ctx)
{
	return 3;
}

SEC("sample_ext/\\\"; int injected_backslash = 6; char *b = \"\\")
int backslash(void *ctx)
{
	return 4;
}

SEC("sample_ext/?\?/\n int injected_trigraph = 7; /*?\?/")
int trigraph(void *ctx) __asm__("t?\?/\"; int injected_trigraph_name = 8; //");
int trigraph(void *ctx)
{
	return 5;
}

SEC("sample_ext/nul\0*/ int injected_nul = 9; /*")
int nul(void *ctx)
{
	return 6;
}

SEC("sample_ext/\xc3\xa9\xff\x80\x01\x7f */ int injected_bytes = 10; /*")
int bytes(void *ctx) __asm__("\xe2\x80\xae\xff\x1b[0m");
int bytes(void *ctx)
{
	return 7;
}

char LICENSE[] SEC("license") = "GPL";

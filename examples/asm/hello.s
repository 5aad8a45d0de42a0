# hello.s: the sum 1 + 2 + ... + 10, computed with a loop.
# Returns 55 (0x37) in r0. Assemble and run it with:
#   extbpf asm examples/asm/hello.s -o hello.bin
#   extbpf disasm hello.bin
mov %r0, 0              # the sum
mov %r1, 1              # the counter
loop:
add %r0, %r1            # sum += counter
add %r1, 1
jle %r1, 10, loop       # until the counter passes 10
exit

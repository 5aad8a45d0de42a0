# hand-written: labels, every jump class, lddw, atomics
mov %r0, 0
mov32 %r1, -1
lddw %r2, 0x123456789abcdef0
loop:
add %r0, 1
jlt %r0, 10, loop
jeq32 %r1, %r2, done
stxdw [%r10-8], %r2
ldxdw %r3, [%r10-8]
done:
exit

# hand-written: ALU forms the conformance suite uses rarely
mov %r0, 7
neg %r0
be16 %r0
le64 %r0
arsh32 %r0, 3
mod %r0, 5
div32 %r0, %r0
call 1
ja +0
exit

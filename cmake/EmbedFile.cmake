# cmake -DINPUT=<file> -DOUTPUT=<file.h> -DSYMBOL=<name> -P EmbedFile.cmake
# Writes a C header defining `static const unsigned char SYMBOL[]` with INPUT's bytes (how
# extensions embed the BTF of their context types; sizeof gives its size).
file(READ ${INPUT} hex HEX)
string(LENGTH "${hex}" len)
math(EXPR size "${len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n\t"
	bytes "${bytes}")
file(WRITE ${OUTPUT} "/* Generated from ${INPUT} by cmake/EmbedFile.cmake: do not edit. */\n"
	"static const unsigned char ${SYMBOL}[${size}] = {\n\t${bytes}\n};\n")

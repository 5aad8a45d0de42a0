# Build helpers shared by every folder: unit tests, BPF test programs and extensions.

# extbpf_add_unit_test(<name> SOURCES <files...> [LIBS <targets...>] [LABELS <labels...>]
#                      [ARGS <args...>] [TIMEOUT <seconds>])
# A cmocka test linked against the static runtime, with the internal headers of src/ visible.
function(extbpf_add_unit_test name)
	cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS;ARGS" ${ARGN})
	add_executable(${name} ${T_SOURCES})
	target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/tests)
	target_link_libraries(${name} PRIVATE ${T_LIBS} PkgConfig::CMOCKA Threads::Threads)
	set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
	add_test(NAME ${name} COMMAND ${name} ${T_ARGS})
	if(NOT T_TIMEOUT)
		set(T_TIMEOUT 120)
	endif()
	set_tests_properties(${name} PROPERTIES LABELS "unit;${T_LABELS}" TIMEOUT ${T_TIMEOUT}
		ENVIRONMENT "EXTBPF_BUILD_DIR=${CMAKE_BINARY_DIR};EXTBPF_SOURCE_DIR=${CMAKE_SOURCE_DIR};EXTBPF_CONFORMANCE_DIR=${EXTBPF_CONFORMANCE_DIR}")
endfunction()

# extbpf_add_bpf_objects(<target> <output dir> <sources...> [CFLAGS <flags...>])
# Compiles restricted C to BPF ELF objects with clang, exactly as program authors do:
# clang -O2 -g -target bpf -c, libbpf's <bpf/bpf_helpers.h> from Debian's libbpf-dev;
# CFLAGS adds options (-mcpu=v3).
find_program(EXTBPF_CLANG NAMES clang clang-14 REQUIRED)
function(extbpf_add_bpf_objects target outdir)
	cmake_parse_arguments(B "" "" "CFLAGS" ${ARGN})
	set(objects)
	foreach(src ${B_UNPARSED_ARGUMENTS})
		get_filename_component(base ${src} NAME)
		string(REGEX REPLACE "\\.c$" ".o" base ${base})
		set(obj ${outdir}/${base})
		add_custom_command(OUTPUT ${obj}
			COMMAND ${CMAKE_COMMAND} -E make_directory ${outdir}
			COMMAND ${EXTBPF_CLANG} -O2 -g -target bpf ${B_CFLAGS} -Wall -Werror
				-I${CMAKE_SOURCE_DIR}/tests/progs -I/usr/include/${CMAKE_LIBRARY_ARCHITECTURE}
				-c ${CMAKE_CURRENT_SOURCE_DIR}/${src} -o ${obj}
			DEPENDS ${src}
			COMMENT "clang -target bpf ${B_CFLAGS} ${src}"
			VERBATIM)
		list(APPEND objects ${obj})
	endforeach()
	add_custom_target(${target} ALL DEPENDS ${objects})
endfunction()

# extbpf_add_btf(<out var> <source> <symbol>)
# The BTF of the types a C file declares, as an extension publishes it for its context
# (ebpf_program_info.btf): clang -g -target bpf compiles the file, llvm-objcopy takes its .BTF
# section, and the bytes become `static const unsigned char <symbol>[]` in the generated header
# btf/<symbol>.h of the current binary directory, whose path is stored in <out var> (add it to
# the extension's sources and the directory to its include path).
find_program(EXTBPF_LLVM_OBJCOPY NAMES llvm-objcopy llvm-objcopy-14 REQUIRED)
function(extbpf_add_btf out_var src symbol)
	set(dir ${CMAKE_CURRENT_BINARY_DIR}/btf)
	set(obj ${dir}/${symbol}.o)
	set(raw ${dir}/${symbol}.btf)
	set(gen ${dir}/${symbol}.h)
	add_custom_command(OUTPUT ${gen}
		COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
		COMMAND ${EXTBPF_CLANG} -O2 -g -target bpf -I${CMAKE_CURRENT_SOURCE_DIR}
			-I/usr/include/${CMAKE_LIBRARY_ARCHITECTURE}
			-c ${CMAKE_CURRENT_SOURCE_DIR}/${src} -o ${obj}
		COMMAND ${EXTBPF_LLVM_OBJCOPY} --dump-section .BTF=${raw} ${obj}
		COMMAND ${CMAKE_COMMAND} -DINPUT=${raw} -DOUTPUT=${gen} -DSYMBOL=${symbol}
			-P ${CMAKE_SOURCE_DIR}/cmake/EmbedFile.cmake
		DEPENDS ${src} ${CMAKE_SOURCE_DIR}/cmake/EmbedFile.cmake
		IMPLICIT_DEPENDS C ${CMAKE_CURRENT_SOURCE_DIR}/${src}
		COMMENT "BTF of ${src}"
		VERBATIM)
	set(${out_var} ${gen} PARENT_SCOPE)
endfunction()

# extbpf_add_extension(<name> SOURCES <files...> [HEADER <name>_ext.h] [LIBS <targets...>])
# An extension is a shared library in <build>/<libdir>/extbpf (found there by the tool and by
# ebpf_extension_load_dir(NULL)) and a static archive extbpf_ext_<name>_static for hosts that
# embed it. Both are installed: the shared library in <libdir>/extbpf, the archive as
# <libdir>/libextbpf_ext_<name>.a (imported target extbpf::ext_<name>_static of the CMake
# package), and HEADER, which its programs and hosts include, as <includedir>/extbpf/HEADER.
function(extbpf_add_extension name)
	cmake_parse_arguments(E "" "HEADER" "SOURCES;LIBS" ${ARGN})
	add_library(extbpf_ext_${name} SHARED ${E_SOURCES})
	target_link_libraries(extbpf_ext_${name} PRIVATE extbpf)
	set_target_properties(extbpf_ext_${name} PROPERTIES
		OUTPUT_NAME ${name} PREFIX "" C_VISIBILITY_PRESET hidden
		LIBRARY_OUTPUT_DIRECTORY ${EXTBPF_EXTENSION_OUTPUT_DIR})
	add_library(extbpf_ext_${name}_static STATIC ${E_SOURCES})
	target_link_libraries(extbpf_ext_${name}_static PUBLIC extbpf_headers)
	target_compile_definitions(extbpf_ext_${name}_static PRIVATE EBPF_EXTENSION_STATIC=1)
	set_target_properties(extbpf_ext_${name}_static PROPERTIES
		OUTPUT_NAME extbpf_ext_${name} EXPORT_NAME ext_${name}_static)
	foreach(target extbpf_ext_${name} extbpf_ext_${name}_static)
		target_include_directories(${target} PUBLIC
			$<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}>
			$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/extbpf>)
		target_link_libraries(${target} PUBLIC ${E_LIBS})
	endforeach()
	install(TARGETS extbpf_ext_${name} LIBRARY DESTINATION ${EXTBPF_EXTENSION_SUBDIR})
	install(TARGETS extbpf_ext_${name}_static EXPORT extbpfTargets
		ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
	if(E_HEADER)
		install(FILES ${E_HEADER} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/extbpf)
	endif()
endfunction()

# cmake -DFROM=<dir> -DTO=<dir> -DPATTERN=<glob> -P copy_seeds.cmake
# Copies the files of FROM matching PATTERN (not its sub-folders) into TO, replacing TO's
# previous content: the loader's seeds are the test programs of the build tree, as built now.
file(REMOVE_RECURSE ${TO})
file(MAKE_DIRECTORY ${TO})
file(GLOB seeds LIST_DIRECTORIES false ${FROM}/${PATTERN})
foreach(seed ${seeds})
	file(COPY ${seed} DESTINATION ${TO})
endforeach()

# The two commands of extbpf. Both install what is missing first (scripts/install-deps.sh).
#   make demo   build, then run the main job so a newcomer sees what extbpf does
#   make check  build and run every test, then again under ASan+UBSan and TSan
JOBS ?= $(shell nproc)

.PHONY: all deps build demo check check-asan check-tsan check-deep bench clean format

all: build

deps:
	@./scripts/install-deps.sh

build: deps
	cmake --preset default >/dev/null
	cmake --build --preset default -j $(JOBS)

demo: build
	@./scripts/demo.sh build

check: build
	ctest --preset default -j $(JOBS)
	$(MAKE) check-asan check-tsan

check-asan: deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

check-tsan: deps
	cmake --preset tsan >/dev/null
	cmake --build --preset tsan -j $(JOBS)
	ctest --preset tsan -j $(JOBS)

bench: build
	cmake --build --preset default --target bench -j $(JOBS)

format:
	git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf build build-asan build-tsan

# Longer than CI (docs/reliability.md): every fuzzer for FUZZ_SECONDS on a copy of its corpus,
# the stress test for STRESS_SECONDS under ASan and TSan, allocation faults under ASan.
FUZZ_SECONDS ?= 300
STRESS_SECONDS ?= 60
FUZZERS = fuzz_loader fuzz_asm fuzz_verifier fuzz_soundness
check-deep: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS) --target $(FUZZERS)
	@for f in $(FUZZERS); do \
		t=$${f#fuzz_}; work=build-fuzz/fuzz/work/$$t; \
		mkdir -p $$work build-fuzz/fuzz/findings; \
		cp -r build-fuzz/fuzz/corpus/$$t/. $$work/ 2>/dev/null; \
		[ $$t = loader ] && cp -r build-fuzz/fuzz/corpus/loader-bad/. fuzz/corpus/loader/. $$work/; \
		[ $$t = asm ] && cp -r fuzz/corpus/asm/. $$work/; \
		echo "== $$f for $(FUZZ_SECONDS) s"; \
		build-fuzz/bin/$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=build-fuzz/fuzz/findings/$$t- $$work || exit 1; \
	done
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	EXTBPF_STRESS_SECONDS=$(STRESS_SECONDS) ctest --preset asan -L "reliability|fuzz"
	cmake --preset tsan >/dev/null
	cmake --build --preset tsan -j $(JOBS)
	EXTBPF_STRESS_SECONDS=$(STRESS_SECONDS) ctest --preset tsan

# The two commands of extbpf. Both install what is missing first (scripts/install-deps.sh).
#   make demo   build, then run the main job so a newcomer sees what extbpf does
#   make check  build and run every test, then again under ASan+UBSan and TSan
JOBS ?= $(shell nproc)

.PHONY: all deps build demo check check-asan check-tsan bench clean format

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

# A thin front of CMake: the targets the README promises.
PRESET ?= default
BUILD_DIR := $(if $(filter asan,$(PRESET)),build-asan,build)
JOBS ?= $(shell nproc)

.PHONY: deps build demo dev test test-asan bench fuzz coverage clean

deps:
	./scripts/install-deps.sh
	./scripts/install-dagster.sh
	./scripts/install-s3-server.sh

$(BUILD_DIR)/build.ninja: | deps
	cmake --preset $(PRESET)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build --preset $(PRESET) -j $(JOBS)

demo: build
	./scripts/demo.sh

dev: build
	./scripts/dev.sh

test: build
	ctest --preset $(PRESET) -j $(JOBS)

test-asan:
	$(MAKE) test PRESET=asan

bench: build
	./bench/run.sh

# Line and branch coverage of src/ by every test (preset coverage): build-coverage/coverage.txt.
coverage: deps
	cmake --preset coverage
	cmake --build --preset coverage -j $(JOBS)
	./scripts/coverage.sh

# Every libFuzzer target for FUZZ_SECONDS each (clang, preset fuzz); the simulator seeds the corpora.
fuzz: build
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS)
	./fuzz/run.sh

clean:
	rm -rf build build-asan build-fuzz build-coverage

# A thin front of CMake: the targets the README promises.
PRESET ?= default
BUILD_DIR := $(if $(filter asan,$(PRESET)),build-asan,build)
JOBS ?= $(shell nproc)
# make build and make test want the test suites (and, in the default preset, the benchmarks) in
# the build; make demo configures a fresh build without them, so a later make test reconfigures.
FULL_BUILD_FLAGS := -DCRYPTOPIPE_BUILD_TESTS=ON $(if $(filter default,$(PRESET)),-DCRYPTOPIPE_BUILD_BENCH=ON)

.PHONY: deps deps-engine engine build demo dev test test-asan bench fuzz coverage clean

# What the engine and the simulator build against: all make demo installs.
deps-engine:
	./scripts/install-deps.sh engine

# Everything the tests, benchmarks and fuzzers build with or start. SeaweedFS builds (Go, a few
# minutes of CPU) while apt, pip and npm wait on the network.
deps:
	@mkdir -p .cache
	@./scripts/install-s3-server.sh >.cache/install-s3-server.log 2>&1 & s3=$$!; \
	  ./scripts/install-deps.sh all && ./scripts/install-dagster.sh all; status=$$?; \
	  wait $$s3 || { cat .cache/install-s3-server.log >&2; exit 1; }; \
	  cat .cache/install-s3-server.log; exit $$status

# The two binaries alone (cryptopipe, cryptopipe-exchange-sim), without tests or benchmarks.
engine: deps-engine
	@test -f $(BUILD_DIR)/build.ninja || \
	  cmake --preset $(PRESET) -DCRYPTOPIPE_BUILD_TESTS=OFF -DCRYPTOPIPE_BUILD_BENCH=OFF
	cmake --build --preset $(PRESET) -j $(JOBS) --target cryptopipe cryptopipe-exchange-sim

build: deps
	@grep -qs '^CRYPTOPIPE_BUILD_TESTS:BOOL=ON' $(BUILD_DIR)/CMakeCache.txt || \
	  cmake --preset $(PRESET) $(FULL_BUILD_FLAGS)
	cmake --build --preset $(PRESET) -j $(JOBS)

demo: engine
	./scripts/demo.sh

dev: engine
	./scripts/install-dagster.sh ui
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

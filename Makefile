# A thin front of CMake: the targets the README promises.
PRESET ?= default
BUILD_DIR := $(if $(filter asan,$(PRESET)),build-asan,build)
JOBS ?= $(shell nproc)

.PHONY: deps build demo test test-asan bench clean

deps:
	./scripts/install-deps.sh
	./scripts/install-s3-server.sh

$(BUILD_DIR)/build.ninja: | deps
	cmake --preset $(PRESET)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build --preset $(PRESET) -j $(JOBS)

demo: build
	./scripts/demo.sh

test: build
	ctest --preset $(PRESET) -j $(JOBS)

test-asan:
	$(MAKE) test PRESET=asan

bench: build
	./bench/run.sh

clean:
	rm -rf build build-asan

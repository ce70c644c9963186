# The two commands a new user needs: `make run` and `make test`. Both install dependencies
# (Debian 12 packages, scripts/install-deps.sh), configure and build.
# Proofs beyond them (docs/testing.md): `make fuzz` (every libFuzzer target for FUZZ_SECONDS,
# default 600), `make test-asan` / `make test-tsan` (the whole suite under sanitizers).
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 600
FUZZ_BUILD_DIR ?= $(abspath $(BUILD_DIR))/fuzzing

.PHONY: deps build test run bench fuzz test-asan test-tsan clean

deps:
	bash scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The fuzz targets are built before the suite runs (ctest's fuzz_build fixture then finds
# them built), so no compile competes with the tests.
test: build
	FUZZ_BUILD_DIR=$(FUZZ_BUILD_DIR) bash scripts/fuzz.sh --build-only
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

run: build
	bash scripts/run-demo.sh $(BUILD_DIR)

fuzz: deps
	FUZZ_BUILD_DIR=$(FUZZ_BUILD_DIR) bash scripts/fuzz.sh --time $(FUZZ_SECONDS)

test-asan: deps
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DPFX_SANITIZE=address,undefined -DPFX_FUZZ_SECONDS=0 -DPFX_BUILD_BENCH=OFF
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure -j $(JOBS)

# TSan runs against abseil built from Debian's source with -fsanitize=thread (first on the
# library path), with tests/tsan.supp. Reports go to files, so one from a pfxd that an e2e test
# started counts too: any file left in build-tsan/tsan-reports fails the target.
TSAN_REPORTS = $(abspath build-tsan)/tsan-reports
test-tsan: deps
	bash scripts/build-tsan-abseil.sh
	cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DPFX_SANITIZE=thread -DPFX_FUZZ_SECONDS=0 -DPFX_BUILD_BENCH=OFF
	cmake --build build-tsan -j $(JOBS)
	rm -rf $(TSAN_REPORTS) && mkdir -p $(TSAN_REPORTS)
	cd build-tsan && LD_LIBRARY_PATH=$(abspath .tools/absl-tsan/lib) \
	  TSAN_OPTIONS="suppressions=$(abspath tests/tsan.supp) ignore_noninstrumented_modules=1 log_path=$(TSAN_REPORTS)/report second_deadlock_stack=1" \
	  ctest --output-on-failure -j $(JOBS)
	@if ls $(TSAN_REPORTS) | grep -q .; then \
	  echo "ThreadSanitizer reports in $(TSAN_REPORTS):"; ls $(TSAN_REPORTS); exit 1; fi

clean:
	rm -rf $(BUILD_DIR) build-asan build-tsan build-fuzz

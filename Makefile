# The two commands a new user needs: `make run` and `make test`. Both install dependencies
# (Debian 12 packages, scripts/install-deps.sh), configure and build.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)

.PHONY: deps build test run bench clean

deps:
	bash scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

run: build
	bash scripts/run-demo.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)

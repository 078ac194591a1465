# scopeflow: the two set-up commands are `make demo` and `make test`; both install what is
# missing (Debian packages), configure, build and run.

PYTHON      ?= /usr/bin/python3
BUILD       ?= build
JOBS        ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release

.PHONY: all deps build demo test test-cpp test-python test-asan test-fuzz fuzz tsan bench bench-peers conformance clean

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja: CMakeLists.txt | deps
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	./$(BUILD)/bin/sf demo

test: build test-cpp test-python test-asan test-fuzz

test-cpp: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-python: build
	PYTHONPATH=$(CURDIR)/$(BUILD)/python $(PYTHON) -m pytest -q tests/python

# The C++ suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: deps
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSF_SANITIZE=ON
	cmake --build build-asan -j $(JOBS) --target scopeflow_tests
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ./build-asan/bin/scopeflow_tests

# libFuzzer targets for the readers of untrusted files: checkpoint (.index table + bundle),
# event files (TFRecord + Event), graph files (GraphDef/MetaGraph parse + import). Seeds are
# the golden TensorFlow files (copied into the build dir, never into the project).
# `make test` runs the two reader-only targets briefly (clang 14 builds just their sources);
# `make fuzz` runs all three for FUZZ_LONG seconds each: graph_def_fuzz instruments the whole
# library, which needs clang >= 15 (installed by `install-deps.sh --fuzz`) and a long build.
FUZZ_SHORT ?= 15
FUZZ_LONG  ?= 600
test-fuzz: deps
	cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_COMPILER=clang++ -DSF_FUZZ=ON -DSF_PYTHON=OFF -DSF_BENCH=OFF
	cmake --build build-fuzz -j $(JOBS) --target checkpoint_fuzz events_fuzz
	./scripts/run-fuzzers.sh build-fuzz $(FUZZ_SHORT) checkpoint_fuzz events_fuzz

fuzz: deps
	./scripts/install-deps.sh --fuzz
	cmake -S . -B build-fuzz-full -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_C_COMPILER=clang-16 -DCMAKE_CXX_COMPILER=clang++-16 -DSF_FUZZ=ON \
	  -DSF_PYTHON=OFF -DSF_BENCH=OFF
	cmake --build build-fuzz-full -j $(JOBS) --target checkpoint_fuzz events_fuzz graph_def_fuzz
	./scripts/run-fuzzers.sh build-fuzz-full $(FUZZ_LONG) checkpoint_fuzz events_fuzz graph_def_fuzz

# The thread tests under ThreadSanitizer (not part of `make test`).
tsan: deps
	cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSF_TSAN=ON
	cmake --build build-tsan -j $(JOBS) --target scopeflow_tests
	TSAN_OPTIONS=halt_on_error=1 ./build-tsan/bin/scopeflow_tests --gtest_filter='*Thread*'

bench: build
	./$(BUILD)/bin/naming_bench
	./$(BUILD)/bin/add_chain_bench
	./$(BUILD)/bin/mlp_bench
	./$(BUILD)/bin/train_bench
	./$(BUILD)/bin/checkpoint_bench
	PYTHONPATH=$(CURDIR)/$(BUILD)/python $(PYTHON) bench/python_ops_bench.py

# scopeflow against libtorch (Debian's, one thread, OpenBLAS) on the same workloads; installs
# libtorch-dev. Not part of `make test`.
bench-peers: build
	./bench/peers/run_peers.sh

conformance: build
	PYTHONPATH=$(CURDIR)/$(BUILD)/python $(PYTHON) ../shared/conformance/run.py \
	  --python $(PYTHON) ../shared/conformance/cases

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz build-fuzz-full

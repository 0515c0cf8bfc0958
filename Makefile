# Swiftlet: `make demo` flies the quadrotor, `make test` runs the whole suite.
# Every target runs `setup` first, which installs only what is missing.

SWIFT      ?= swift
# One optimised build serves the binary, the tests (@testable needs -enable-testing) and the
# benchmarks, so nothing is compiled twice.
SWIFTFLAGS ?= -c release -Xswiftc -enable-testing
BIN        := .build/release/swiftlet
APT_PKGS   := libsdl2-dev libopenblas-dev pkg-config xvfb xauth
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: all setup build demo test bench clean peers check-mcap

all: build

setup:
	@missing=""; for p in $(APT_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "setup: installing$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null || exit 1; \
	fi
	@command -v $(SWIFT) >/dev/null || { echo "setup: Swift 6 toolchain not found on PATH (need swift 6.x)"; exit 1; }

build: setup
	$(SWIFT) build $(SWIFTFLAGS) --product swiftlet

demo: build
	$(BIN) demo

test: setup
	$(SWIFT) build $(SWIFTFLAGS) --build-tests
	@$(MAKE) --no-print-directory fuzz-typecheck
	@$(MAKE) --no-print-directory check-mcap
	@# the Swift Testing summary stays the last line CI reads
	$(SWIFT) test $(SWIFTFLAGS) --skip-build

# Cross-check Swiftlet's MCAP logs with the public Python reader (pip packages `mcap`,
# `jsonschema`, `lz4`, `mcap-ros2-support` and `zstandard`, in tools/.venv, made on first use): a sample log, a recovered cut copy and a
# headless demo episode log (lz4 chunks, CDR images), a sample with JSON images, the old-format fixture and a
# 2 s swarm log (fly --swarm 3 --record: per-vehicle topics)
# must pass CRC, index, JSON and CDR image checks; python lz4 must decode
# the Swift-made LZ4 frames in tools/lz4_fixtures, python zstandard the zstd fixtures ZstdTests decodes
# (tools/zstd_fixtures), and the public ROS 2 CDR writer and decoder agree with the big-endian golden
# Image of ROS2ImageTests (tools/cdr_be_check.py). Skipped (not failed) only when the package index cannot be reached.
MCAP_DIR := .build/mcap-check
check-mcap:
	@$(SWIFT) build $(SWIFTFLAGS) --product swiftlet >/dev/null
	@if ! tools/.venv/bin/python -c "import mcap, jsonschema, lz4.frame, mcap_ros2.decoder, zstandard" 2>/dev/null; then \
	  echo "check-mcap: creating tools/.venv with the mcap, jsonschema, lz4, mcap-ros2-support and zstandard packages"; \
	  python3 -m venv tools/.venv || { echo "check-mcap: python3 -m venv failed (install python3-venv)"; exit 1; }; \
	  if ! tools/.venv/bin/pip install -q mcap jsonschema lz4 mcap-ros2-support zstandard; then \
	    if tools/.venv/bin/pip index versions mcap >/dev/null 2>&1; then \
	      echo "check-mcap: pip install mcap failed although the package index is reachable"; exit 1; \
	    fi; \
	    echo "check-mcap: SKIPPED: the package index is unreachable, cannot install mcap"; exit 0; \
	  fi; \
	fi; \
	rm -rf $(MCAP_DIR) && mkdir -p $(MCAP_DIR) && \
	$(BIN) log sample $(MCAP_DIR)/sample.mcap --chunk-seconds 0.25 && \
	$(BIN) log sample $(MCAP_DIR)/sample-json.mcap --seconds 1 --image-encoding json && \
	head -c $$(( $$(wc -c < $(MCAP_DIR)/sample.mcap) * 2 / 3 )) $(MCAP_DIR)/sample.mcap > $(MCAP_DIR)/cut.mcap && \
	$(BIN) log recover $(MCAP_DIR)/cut.mcap $(MCAP_DIR)/recovered.mcap && \
	SDL_VIDEODRIVER=dummy $(BIN) demo --ticks 20 --out $(MCAP_DIR)/demo >/dev/null && \
	SDL_VIDEODRIVER=dummy $(BIN) fly --swarm 3 --frames 120 --size 320x180 --record $(MCAP_DIR)/swarm.mcap >/dev/null && \
	tools/.venv/bin/python tools/check_mcap.py $(MCAP_DIR)/sample.mcap $(MCAP_DIR)/recovered.mcap $(MCAP_DIR)/demo/demo.mcap \
	  $(MCAP_DIR)/sample-json.mcap tools/mcap_fixtures/json-images-f44f84b.mcap $(MCAP_DIR)/swarm.mcap \
	  --cut $(MCAP_DIR)/cut.mcap --recovered $(MCAP_DIR)/recovered.mcap && \
	tools/.venv/bin/python tools/lz4_fixtures.py check && \
	tools/.venv/bin/python tools/zstd_fixtures.py check && \
	tools/.venv/bin/python tools/cdr_be_check.py

# Peer packages for side-by-side benchmarks (PyBullet, PyTorch CPU) in tools/.venv, installed
# only when missing. torch from PyPI is large (it brings CUDA wheels); skip with PEERS=0.
PEERS ?= 1
peers:
	@if [ "$(PEERS)" = 1 ] && ! tools/.venv/bin/python -c "import pybullet, torch, numpy" 2>/dev/null; then \
	  echo "peers: installing pybullet, torch and numpy into tools/.venv (first time only)"; \
	  [ -x tools/.venv/bin/python ] || python3 -m venv tools/.venv || exit 1; \
	  tools/.venv/bin/pip install -q numpy pybullet torch || echo "peers: install failed; benchmarks run without peers"; \
	fi

bench: build peers
	$(BIN) bench $(if $(filter 0,$(PEERS)),--no-peers,)

clean:
	rm -rf .build

# The libFuzzer harness kept compiling (docs/fuzzing.md, "Kept compiling by make test"): `make test`
# type-checks Fuzz/Harness's sources against the modules its own build just made (-enable-testing, so
# the harness's @testable imports resolve), in the harness's Swift 5 language mode. No sanitizer, no
# link, no second build of the package: about 3 s of CPU. It catches API drift (a renamed or changed
# call fails with the compiler's error and file:line); linking and the harness's manifest are left to
# `make fuzz`.
SWIFTC          ?= swiftc
FUZZ_SOURCES    := $(wildcard Fuzz/Harness/Sources/SwiftletFuzz/*.swift)
.PHONY: fuzz-typecheck
fuzz-typecheck:
	@bin=$$($(SWIFT) build $(SWIFTFLAGS) --show-bin-path) && \
	maps=$$(for m in $$bin/*.build/module.modulemap Sources/C*/module.modulemap; do printf -- '-Xcc -fmodule-map-file=%s ' $$m; done) && \
	if ! $(SWIFTC) -typecheck -swift-version 5 -parse-as-library -I $$bin/Modules $$maps $(FUZZ_SOURCES); then \
	  echo "fuzz-typecheck: the libFuzzer harness (Fuzz/Harness) no longer compiles against the current API; fix the calls above (make fuzz builds it)"; \
	  exit 1; \
	fi; echo "fuzz-typecheck: Fuzz/Harness type-checks ($(words $(FUZZ_SOURCES)) files)"

# Coverage-guided fuzzing of the file parsers (libFuzzer + AddressSanitizer on a debug build of the
# separate package in Fuzz/Harness, never built by `build` or `test`, which only type-checks it: see
# fuzz-typecheck above and docs/fuzzing.md). Seeds are made
# fresh by the product's own writers plus Robots/ and Worlds/; findings land in Fuzz/.corpus/artifacts.
# FUZZ_TARGET=all runs every target in turn, FUZZ_SECONDS each.
.PHONY: fuzz
FUZZ_TARGET  ?= all
FUZZ_SECONDS ?= 60
# debug (default: finest coverage feedback) or release (optimised: 1.6-2.9x more inputs/s, coarser coverage)
FUZZ_CONFIG  ?= debug
# seconds of wall time one input may take before libFuzzer reports a timeout (raise it on a loaded host)
FUZZ_TIMEOUT ?= 5
FUZZ_TARGETS := mcap episode recover checkpoint urdf world swcd swhi config lz4 zstd policy ldm hintmodels ocsfly
FUZZ_DIR     := Fuzz/.corpus
FUZZ_BIN     := Fuzz/Harness/.build/$(FUZZ_CONFIG)/SwiftletFuzz
fuzz: setup
	cd Fuzz/Harness && $(SWIFT) build -c $(FUZZ_CONFIG) -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
	  -Xswiftc -use-ld=lld -Xswiftc -enable-testing
	@rm -rf $(FUZZ_DIR)/seeds && mkdir -p $(FUZZ_DIR)/seeds/urdf $(FUZZ_DIR)/seeds/world $(FUZZ_DIR)/artifacts
	@FUZZ_WRITE_SEEDS=$(FUZZ_DIR)/seeds $(FUZZ_BIN)
	@cp Robots/*.urdf $(FUZZ_DIR)/seeds/urdf/ && cp Worlds/*.json $(FUZZ_DIR)/seeds/world/
	@failed=""; for t in $(if $(filter all,$(FUZZ_TARGET)),$(FUZZ_TARGETS),$(FUZZ_TARGET)); do \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; mkdir -p $(FUZZ_DIR)/corpus/$$t; \
	  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 FUZZ_TARGET=$$t nice -n 10 $(FUZZ_BIN) $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/seeds/$$t \
	    -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=$(FUZZ_TIMEOUT) -detect_leaks=0 -print_final_stats=1 -dict=Fuzz/dicts/$$t.dict \
	    -artifact_prefix=$(FUZZ_DIR)/artifacts/$$t- || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: findings in$$failed: see $(FUZZ_DIR)/artifacts"; exit 1; fi

# ThreadSanitizer run of the concurrent code (optional, never part of `build` or `test`; see
# docs/architecture.md "ThreadSanitizer"): an optimised build of the tests with -sanitize=thread in
# its own .build-tsan (the normal build is untouched), then the suites that run work on several
# threads, one by one. Any TSan report fails the target. TSAN_SUITES overrides the list.
.PHONY: tsan
TSAN_DIR    := .build-tsan
TSAN_SUITES ?= RecordingTests PhysicsTests RenderingTests RuntimeTests PlanningTests NeuralTests AutonomyTests AppTests ModelsTests
tsan: setup
	$(SWIFT) build --build-tests $(SWIFTFLAGS) --sanitize=thread --scratch-path $(TSAN_DIR)
	@failed=""; for s in $(TSAN_SUITES); do \
	  echo "tsan: $$s"; \
	  TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 $$TSAN_OPTIONS" $(SWIFT) test $(SWIFTFLAGS) --sanitize=thread \
	    --scratch-path $(TSAN_DIR) --skip-build --filter "$$s" > $(TSAN_DIR)/$$s.log 2>&1; rc=$$?; \
	  races=$$(grep -c "WARNING: ThreadSanitizer" $(TSAN_DIR)/$$s.log); tail -n 1 $(TSAN_DIR)/$$s.log; \
	  if [ $$rc != 0 ] || [ $$races != 0 ]; then echo "tsan: $$s: exit $$rc, $$races reports (see $(TSAN_DIR)/$$s.log)"; failed="$$failed $$s"; fi; \
	done; \
	if [ -n "$$failed" ]; then echo "tsan: failed:$$failed"; exit 1; fi; echo "tsan: no reports"

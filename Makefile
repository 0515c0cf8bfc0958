# Swiftlet: `make demo` flies the quadrotor, `make test` runs the whole suite.
# Every target runs `setup` first, which installs only what is missing.

SWIFT      ?= swift
# One optimised build serves the binary, the tests (@testable needs -enable-testing) and the
# benchmarks, so nothing is compiled twice.
SWIFTFLAGS ?= -c release -Xswiftc -enable-testing
BIN        := .build/release/swiftlet
APT_PKGS   := libsdl2-dev libopenblas-dev pkg-config xvfb xauth
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: all setup build demo test bench clean tools-venv

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
	$(SWIFT) test $(SWIFTFLAGS) --skip-build

bench: build
	$(BIN) bench

clean:
	rm -rf .build

# libkokoro: conventional entry points. Each target installs what it needs when it is missing
# (apt packages, the Python venv, the model bundle), so a fresh Debian/Ubuntu machine with Swift
# needs nothing else.
#
#   make demo      README's first command: build, fetch the model, show version + device
#   make test      README's second command (and .ci/run): every test
#   make dist      dist/libkokoro.so (self-contained) + dist/kokoro.h
#   make install PREFIX=/usr/local
#   make bench     kernel GFLOP/s per variant, text-side time per stage
#   make help      this list

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
PYTHON ?= python3
# SwiftPM scratch directories: debug/release builds and the self-contained dist build (which needs
# different flags, so it gets its own directory instead of invalidating the other).
SCRATCH ?= .build
DIST_SCRATCH ?= .build-dist
VENV ?= .venv
MODEL_DIR ?= models
MODEL ?= $(MODEL_DIR)/kokoro-v1_0.safetensors
PREFIX ?= /usr/local
DESTDIR ?=
BENCH_ARGS ?=

APT_PACKAGES := libvulkan-dev libvulkan1 mesa-vulkan-drivers vulkan-tools glslc spirv-tools \
                gcc g++ binutils python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VPY := $(VENV)/bin/python
RELEASE_BIN = $(shell $(SWIFT) build -c release --scratch-path $(SCRATCH) --show-bin-path)

.PHONY: help deps venv shaders check-shaders model build dist demo test bench install clean distclean

help:
	@grep -E '^#   make' Makefile | sed 's/^# *//'

# --- prerequisites ---------------------------------------------------------------------------

# apt packages, installed only when missing (apt-get update first, then no recommends).
deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  $(SUDO) apt-get update; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi; \
	command -v "$(SWIFT)" >/dev/null || { echo "deps: Swift not found; install a Swift 6 toolchain (https://swift.org/install) and put it on PATH" >&2; exit 1; }

venv: $(VENV)/.installed

# The venv is rebuilt when tools/requirements.txt changes.
$(VENV)/.installed: tools/requirements.txt | deps
	[ -x $(VPY) ] || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -r tools/requirements.txt pytest
	touch $@

shaders: deps
	$(PYTHON) tools/compile_shaders.py

check-shaders: deps
	$(PYTHON) tools/compile_shaders.py --check

# Idempotent: fetch_model.py skips work already done.
model: venv
	$(VPY) tools/fetch_model.py --out $(MODEL_DIR)

# --- builds ----------------------------------------------------------------------------------

build: deps
	$(SWIFT) build -c release --scratch-path $(SCRATCH)

# Swift runtime linked statically (-static-stdlib here, not in Package.swift: the test bundle
# links the dynamic XCTest), only kokoro_* exported (tools/kokoro.map), soname libkokoro.so,
# stripped.
dist: deps
	$(SWIFT) build -c release --scratch-path $(DIST_SCRATCH) --product kokoro \
	  -Xswiftc -static-stdlib \
	  -Xlinker --version-script=$(CURDIR)/tools/kokoro.map \
	  -Xlinker -soname=libkokoro.so
	mkdir -p dist
	bin=$$($(SWIFT) build -c release --scratch-path $(DIST_SCRATCH) --show-bin-path); \
	strip --strip-all -o dist/libkokoro.so.tmp "$$bin/libkokoro.so"
	mv dist/libkokoro.so.tmp dist/libkokoro.so
	cp include/kokoro.h dist/kokoro.h
	@echo "dist/libkokoro.so: $$(stat -c %s dist/libkokoro.so) bytes, exports: $$(nm -D -g --defined-only dist/libkokoro.so | awk '{print $$3}' | tr '\n' ' ')"

# --- the README's two commands -----------------------------------------------------------------

# For now: version + the Vulkan device an engine uses, with the real model bundle. Synthesis
# (speaking a sentence to a WAV) arrives with the model issues.
demo: build model
	$(RELEASE_BIN)/kokoro-cli info --model $(MODEL)

test: deps venv model check-shaders
	$(SWIFT) build --build-tests --scratch-path $(SCRATCH)
	$(SWIFT) test --skip-build --scratch-path $(SCRATCH)
	$(MAKE) --no-print-directory dist
	$(VPY) -m pytest Tests/python -q

# Kernel GFLOP/s per variant, then the text side's time per stage with the real model.
bench: build model
	$(RELEASE_BIN)/kokoro-cli bench-kernels $(BENCH_ARGS)
	$(RELEASE_BIN)/kokoro-cli bench-text --model $(MODEL)

# --- install / clean -------------------------------------------------------------------------

install: dist
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include
	install -m 0755 dist/libkokoro.so $(DESTDIR)$(PREFIX)/lib/libkokoro.so
	install -m 0644 dist/kokoro.h $(DESTDIR)$(PREFIX)/include/kokoro.h

clean:
	rm -rf $(SCRATCH) $(DIST_SCRATCH) dist
	$(MAKE) --no-print-directory -C examples/c clean

# Also the venv and the fetched model bundle.
distclean: clean
	rm -rf $(VENV) $(MODEL_DIR)

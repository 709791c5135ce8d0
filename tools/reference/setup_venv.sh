#!/usr/bin/env bash
# Creates the golden-generator venv at <repo>/.venv-ref (git-ignored by /.venv-*/).
# Usage: tools/reference/setup_venv.sh [path-to-torch-cpu-wheel]
# Torch goes in first, CPU-only, so that kokoro's `torch` requirement is already satisfied and pip
# does not fetch the CUDA build.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/.venv-ref"
wheel="${1:-/opt/wheels/torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl}"
python3 -m venv "$venv"
"$venv/bin/pip" install --upgrade pip
if [ -f "$wheel" ]; then
    "$venv/bin/pip" install "$wheel"
else
    "$venv/bin/pip" install "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu
fi
"$venv/bin/pip" install -r "$here/requirements.txt"
"$venv/bin/python" -c 'import torch, kokoro, misaki, numpy, safetensors; print("torch", torch.__version__)'

"""Shared setup of the converter tests: import path, fixture locations, the int8 export."""

import os
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOLS = os.path.join(REPO, "tools")
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
INT8_ONNX = os.path.join(REPO, "models", "downloads", "kokoro-v1.0.int8.onnx")

if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)


@pytest.fixture(scope="session")
def int8_onnx():
    """The real kokoro-onnx int8 export. Absent -> the test FAILS (it is never skipped)."""
    if not os.path.exists(INT8_ONNX):
        pytest.fail(f"{INT8_ONNX} is missing: run `make model` (or "
                    "`.venv/bin/python tools/fetch_model.py --out models`) first", pytrace=False)
    return INT8_ONNX

"""The safetensors container, written byte-for-byte deterministically.

Layout: u64 little-endian N | N bytes of JSON header | tensor data.
The header maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets
relative to the start of the data) plus "__metadata__" (string -> string). We write it with
sorted keys, no whitespace, UTF-8 (not \\u escapes), padded with spaces so that the data starts
at a multiple of 8. Tensors are laid out in sorted-name order, contiguous, row-major,
little-endian float32 ("F32"); that is the only dtype the bundle uses.
"""

from __future__ import annotations

import json
import os
import struct
from typing import Dict, Mapping, Tuple

import numpy as np

from . import ConversionError

_DTYPES = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "F64": np.dtype("<f8"),
           "I32": np.dtype("<i4"), "I64": np.dtype("<i8"), "U8": np.dtype("u1"), "I8": np.dtype("i1")}


def header_bytes(tensors: Mapping[str, np.ndarray], metadata: Mapping[str, str]) -> bytes:
    header: Dict[str, object] = {}
    offset = 0
    for name in sorted(tensors):
        arr = tensors[name]
        if arr.dtype != np.float32:
            raise ConversionError(f"{name}: bundle tensors must be float32, got {arr.dtype}")
        nbytes = arr.size * 4
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    if metadata:
        for k, v in metadata.items():
            if not isinstance(v, str):
                raise ConversionError(f"metadata value of {k!r} must be a string")
        header["__metadata__"] = dict(metadata)
    text = json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return text


def write(path: str, tensors: Mapping[str, np.ndarray], metadata: Mapping[str, str]) -> int:
    """Write atomically (temporary file + rename); returns the file size."""
    header = header_bytes(tensors, metadata)
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            f.write(struct.pack("<Q", len(header)))
            f.write(header)
            for name in sorted(tensors):
                f.write(np.ascontiguousarray(tensors[name], dtype="<f4").tobytes())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return os.path.getsize(path)


def read_header(path: str) -> Tuple[dict, int]:
    """Parse and sanity-check the header; returns (header, data_start)."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        raw = f.read(8)
        if len(raw) != 8:
            raise ConversionError(f"{path}: not a safetensors file (too short)")
        (n,) = struct.unpack("<Q", raw)
        if n > size - 8 or n > 100 * 1024 * 1024:
            raise ConversionError(f"{path}: not a safetensors file (header length {n})")
        header = json.loads(f.read(n).decode("utf-8"))
    data_start = 8 + n
    end = 0
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        count = int(np.prod(info["shape"], dtype=np.int64))
        if info["dtype"] not in _DTYPES or e - b != count * _DTYPES[info["dtype"]].itemsize:
            raise ConversionError(f"{path}: tensor {name} has inconsistent dtype/shape/offsets")
        end = max(end, e)
    if data_start + end != size:
        raise ConversionError(f"{path}: file size {size} does not match its header ({data_start + end})")
    return header, data_start


def read(path: str) -> Tuple[Dict[str, np.ndarray], Dict[str, str]]:
    """All tensors (memory-mapped, read-only) and the metadata."""
    header, data_start = read_header(path)
    mm = np.memmap(path, dtype=np.uint8, mode="r")
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        tensors[name] = mm[data_start + b: data_start + e].view(_DTYPES[info["dtype"]]).reshape(info["shape"])
    return tensors, dict(header.get("__metadata__", {}))

"""The official checkpoint kokoro-v1_0.pth -> PyTorch state-dict tensors.

The file is torch.save({"bert": sd, "bert_encoder": sd, "predictor": sd, "text_encoder": sd,
"decoder": sd}) where each sd is a module's state_dict(), saved from DataParallel so that keys
may start with "module.". KModel prefixes them with the component name. A flat
KModel.state_dict() ({"bert.embeddings...": tensor}) is accepted too.
"""

from __future__ import annotations

from typing import Dict

import numpy as np

from . import ConversionError, layout, torchzip


def read_pth(path: str) -> Dict[str, np.ndarray]:
    """State-dict name -> array (dtype as stored: float32, float16 or widened bfloat16)."""
    obj = torchzip.load(path)
    if not isinstance(obj, dict):
        raise ConversionError(f"{path}: expected a dict of state dicts, found {type(obj).__name__}")
    out: Dict[str, np.ndarray] = {}

    def put(key: str, value, where: str) -> None:
        if not isinstance(value, np.ndarray):
            raise ConversionError(f"{path}: {where} is a {type(value).__name__}, not a tensor")
        if value.dtype.kind != "f":
            raise ConversionError(f"{path}: {key} has dtype {value.dtype}, expected a float tensor")
        if key in out:
            raise ConversionError(f"{path}: {key} appears twice")
        out[key] = value

    nested = all(isinstance(v, dict) for v in obj.values())
    for top, value in obj.items():
        if not isinstance(top, str):
            raise ConversionError(f"{path}: non-string key {top!r}")
        if nested:
            if top not in layout.COMPONENTS:
                raise ConversionError(f"{path}: unknown component {top!r}, expected some of {layout.COMPONENTS}")
            for k, v in value.items():
                if not isinstance(k, str):
                    raise ConversionError(f"{path}: non-string key {k!r} in {top}")
                k = k[len("module."):] if k.startswith("module.") else k
                put(f"{top}.{k}", v, f"{top}/{k}")
        else:
            k = top[len("module."):] if top.startswith("module.") else top
            put(k, value, k)
    return out

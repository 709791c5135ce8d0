"""Tests of the model converter (tools/convert.py, tools/kokoro_convert) and its bundle format.

The int8 tests read the real kokoro-onnx export from models/downloads/ (made by `make model`) and
fail, not skip, without it. Everything else runs on fixtures committed in fixtures/ or built here;
nothing needs torch. Oracles: fixtures/state-dict.tsv (the reference's 688 tensors) and
fixtures/onnx-to-state-dict.tsv (which int8 initializer holds which tensor, and how).
"""

import hashlib
import json
import os
import pickle
import re
import struct
import subprocess
import sys
import zipfile
from collections import OrderedDict, defaultdict

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TOOLS = os.path.join(REPO, "tools")
FIXTURES = os.path.join(HERE, "fixtures")
sys.path.insert(0, TOOLS)

from kokoro_convert import ConversionError, bundle, layout, onnx_source, safetensors, torchzip  # noqa: E402
from kokoro_convert import voices as voices_mod  # noqa: E402

N_BUNDLE = 688 - 2 - 89  # state dict - pooler - one tensor per weight_g/weight_v pair


# ---------------------------------------------------------------------------------------------
# Oracles and helpers


def _shape(text):
    return tuple(int(x) for x in text.strip("()").split(",") if x.strip())


def read_state_dict_tsv():
    with open(os.path.join(FIXTURES, "state-dict.tsv")) as f:
        return [(n, _shape(s)) for n, s in (line.rstrip("\n").split("\t") for line in f)]


def read_mapping_tsv():
    with open(os.path.join(FIXTURES, "onnx-to-state-dict.tsv")) as f:
        rows = [line.rstrip("\n").split("\t") for line in f][1:]
    return [dict(key=k, shape=_shape(s), source=src, transform=t) for k, s, src, t in rows]


def expected_bundle_layout():
    """The bundle's names and shapes, derived from the reference dump alone."""
    out = {}
    for name, shape in read_state_dict_tsv():
        if name.startswith("bert.pooler.") or name.endswith(".weight_g"):
            continue
        out[name[:-2] if name.endswith(".weight_v") else name] = shape
    return out


def gates_onnx_to_torch(x):
    """Rows of 4 stacked gate blocks, ONNX order (i, o, f, c) -> PyTorch order (i, f, g=c, o)."""
    i, o, f, c = np.split(x, 4, axis=0)
    return np.concatenate([i, f, c, o], axis=0)


def gates_torch_to_onnx(x):
    i, f, g, o = np.split(x, 4, axis=0)
    return np.concatenate([i, o, f, g], axis=0)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def write_torch_zip(path, obj):
    """Minimal torch.save writer: a zip with data.pkl (pickle protocol 2) and data/<n> records.

    obj is a float32/float16 ndarray, or a dict of {name: OrderedDict{key: ndarray}} (the
    official checkpoint's layout). Emits exactly the opcodes torch uses for these objects.
    """
    chunks, records = [b"\x80\x02"], []

    def s(text):
        raw = text.encode("utf-8")
        chunks.append(b"X" + struct.pack("<I", len(raw)) + raw)

    def i(n):
        chunks.append(b"J" + struct.pack("<i", n))

    def tensor(arr):
        arr = np.ascontiguousarray(arr)
        storage = {np.dtype("float32"): b"FloatStorage", np.dtype("float16"): b"HalfStorage"}[arr.dtype]
        key = str(len(records))
        records.append(arr)
        chunks.append(b"ctorch._utils\n_rebuild_tensor_v2\n(")
        chunks.append(b"(")  # persistent id ('storage', torch.<T>Storage, key, 'cpu', numel)
        s("storage")
        chunks.append(b"ctorch\n" + storage + b"\n")
        s(key)
        s("cpu")
        i(arr.size)
        chunks.append(b"tQ")
        i(0)  # storage offset
        chunks.append(b"(")
        for d in arr.shape:
            i(d)
        chunks.append(b"t(")
        for st in arr.strides:
            i(st // arr.itemsize)
        chunks.append(b"t\x89ccollections\nOrderedDict\n)R")  # requires_grad False, no hooks
        chunks.append(b"tR")

    if isinstance(obj, np.ndarray):
        tensor(obj)
    else:
        chunks.append(b"}(")
        for name, sd in obj.items():
            s(name)
            chunks.append(b"ccollections\nOrderedDict\n)R(")
            for k, v in sd.items():
                s(k)
                tensor(v)
            chunks.append(b"u")
        chunks.append(b"u")
    chunks.append(b".")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", b"".join(chunks))
        z.writestr("archive/byteorder", "little")
        for n, arr in enumerate(records):
            z.writestr(f"archive/data/{n}", arr.astype(arr.dtype.newbyteorder("<")).tobytes())
        z.writestr("archive/version", "3\n")


def run_cli(*args):
    return subprocess.run([sys.executable, os.path.join(TOOLS, "convert.py"), *args],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


# ---------------------------------------------------------------------------------------------
# Session fixtures


@pytest.fixture(scope="session")
def vocab_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("vocab") / "vocab.json"
    path.write_text(json.dumps({"vocab": {"a": 43, "b": 44, "ˈ": 156, " ": 16}}, ensure_ascii=False),
                    encoding="utf-8")
    return str(path)


@pytest.fixture(scope="session")
def int8_bundle(int8_onnx, vocab_file, tmp_path_factory):
    """The int8 export converted once: (path, tensors, metadata)."""
    out = str(tmp_path_factory.mktemp("int8") / "kokoro-v1_0.safetensors")
    bundle.convert_model(int8_onnx, vocab_file, out, log=lambda line: None)
    tensors, meta = safetensors.read(out)
    return out, tensors, meta


@pytest.fixture(scope="session")
def int8_model(int8_onnx):
    import onnx
    return onnx.load(int8_onnx)


@pytest.fixture(scope="session")
def int8_inits(int8_model):
    from onnx import numpy_helper
    return {t.name: numpy_helper.to_array(t) for t in int8_model.graph.initializer}


# ---------------------------------------------------------------------------------------------
# Layout


def test_layout_is_the_reference_state_dict():
    assert list(layout.state_dict_layout().items()) == read_state_dict_tsv()
    assert layout.bundle_layout() == expected_bundle_layout()
    assert len(layout.bundle_layout()) == N_BUNDLE == 597
    assert len(layout.weight_norm_prefixes()) == 89
    assert sum(map(layout.is_instance_norm_affine, layout.state_dict_layout())) == 140


# ---------------------------------------------------------------------------------------------
# The int8 export


def test_int8_bundle_tensors_and_metadata(int8_bundle, int8_onnx):
    path, tensors, meta = int8_bundle
    want = expected_bundle_layout()
    assert sorted(tensors) == sorted(want) and len(tensors) == N_BUNDLE
    for name, arr in tensors.items():
        assert arr.shape == want[name], name
        assert arr.dtype == np.float32

    assert meta["format"] == "kokoro-bundle" and meta["format_version"] == "1"
    assert meta["precision"] == "int8-dequantized"
    assert meta["source"] == "kokoro-v1.0.int8.onnx sha256:" + \
        "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
    cfg = json.loads(meta["config"])
    assert meta["config"] == json.dumps(cfg, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert cfg == {
        "vocab": {"a": 43, "b": 44, "ˈ": 156, " ": 16},
        "n_token": 178, "hidden_dim": 512, "style_dim": 128, "n_layer": 3, "max_dur": 50,
        "dim_in": 64, "max_conv_dim": 512, "n_mels": 80, "multispeaker": True, "dropout": 0.2,
        "text_encoder_kernel_size": 5,
        "istftnet": {"upsample_kernel_sizes": [20, 12], "upsample_rates": [10, 6],
                     "gen_istft_hop_size": 5, "gen_istft_n_fft": 20,
                     "resblock_dilation_sizes": [[1, 3, 5], [1, 3, 5], [1, 3, 5]],
                     "resblock_kernel_sizes": [3, 7, 11], "upsample_initial_channel": 512},
        "plbert": {"hidden_size": 768, "num_attention_heads": 12, "intermediate_size": 2048,
                   "max_position_embeddings": 512, "num_hidden_layers": 12, "dropout": 0.1},
    }


def test_safetensors_container_layout(int8_bundle):
    """Checked byte by byte, independently of the converter's reader."""
    path, _, _ = int8_bundle
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        raw = f.read(n)
    assert n % 8 == 0
    text = raw.decode("utf-8")
    assert text == text.rstrip(" ") + " " * (len(text) - len(text.rstrip(" ")))
    header = json.loads(text)
    names = sorted(k for k in header if k != "__metadata__")
    offset = 0
    for name in names:  # sorted-name order, contiguous, F32, row-major sizes
        info = header[name]
        assert info["dtype"] == "F32"
        assert info["data_offsets"][0] == offset, name
        offset += 4 * int(np.prod(info["shape"]))
        assert info["data_offsets"][1] == offset, name
    assert 8 + n + offset == size
    assert all(isinstance(v, str) for v in header["__metadata__"].values())


def test_int8_mapping_derived_from_graph_matches_oracle(int8_onnx):
    """The converter finds each tensor in the initializer the reference mapping names."""
    result = onnx_source.read_onnx(int8_onnx)
    checked = 0
    for row in read_mapping_tsv():
        if row["source"] in ("ones", "zeros"):
            assert row["key"] not in result.tensors
            continue
        key = row["key"]
        if key.endswith((".weight_g", ".weight_v")):
            key = key[:-2]  # the export holds the folded weight
        assert result.found[key].source == row["source"], key
        checked += 1
    assert checked == 688 - 140 - 2
    assert result.precision == "int8-dequantized"


def _oracle_value(row, inits):
    """A bundle tensor computed straight from the transform column of the oracle (float64)."""
    key, shape, src, tr = row["key"], row["shape"], row["source"], row["transform"]
    if tr.startswith("InstanceNorm1d affine weight"):
        return np.ones(shape)
    if tr.startswith("InstanceNorm1d affine bias"):
        return np.zeros(shape)
    raw = inits[src].astype(np.float64)
    d = 1 if key.endswith("_reverse") else 0
    if tr.startswith(("fp32 direct", "fp32 (weight_norm pre-folded)")):
        return raw
    if tr == "fp32 ; transposed":
        return raw.T
    if tr.startswith("fp32 B["):
        h4 = shape[0]
        return gates_onnx_to_torch(raw[d][:h4] if "B[:4H]" in tr else raw[d][h4:])
    scale = inits[src[: -len("_quantized")] + "_scale"].astype(np.float64)
    zp = float(re.search(r"zp=(\d+)", tr).group(1))
    if tr.startswith(("int8 per-tensor", "uint8 per-tensor")):
        return (raw - zp) * scale
    if tr.startswith("int8 per-col"):  # [in, out], one scale per output column
        return ((raw - zp) * scale[None, :]).T
    if tr.startswith("int8 per-direction"):  # [2, in, 4H], one scale per direction
        return gates_onnx_to_torch(((raw[d] - zp) * scale[d]).T)
    raise AssertionError(f"unknown transform {tr!r}")


def test_int8_values_equal_direct_dequantization(int8_bundle, int8_inits):
    """Every tensor equals the oracle's transform applied with plain numpy, bit for bit."""
    _, tensors, _ = int8_bundle
    n = 0
    for row in read_mapping_tsv():
        key = row["key"]
        if key.startswith("bert.pooler.") or key.endswith(".weight_g"):
            continue  # omitted / represented by the folded weight of the weight_v row
        name = key[:-2] if key.endswith(".weight_v") else key
        want = _oracle_value(row, int8_inits).astype(np.float32)
        assert np.array_equal(tensors[name], want), name
        n += 1
    assert n == N_BUNDLE


def test_int8_spot_checks(int8_bundle, int8_inits):
    """A few tensors worked by hand: LSTM gate reorder, weight-normed conv, per-column linear."""
    _, t, _ = int8_bundle
    q = int8_inits
    # predictor.lstm (DynamicQuantizeLSTM): W [2, 640, 1024] int8, one scale per direction.
    w, s = q["onnx::LSTM_6884_quantized"].astype(np.float64), q["onnx::LSTM_6884_scale"]
    h = 256
    rev = (w[1] * s[1]).T  # [4H, in], gates i, o, f, c
    want = np.concatenate([rev[0:h], rev[2 * h:3 * h], rev[3 * h:4 * h], rev[h:2 * h]])
    assert np.array_equal(t["predictor.lstm.weight_ih_l0_reverse"], want.astype(np.float32))
    b = q["onnx::LSTM_6883"].astype(np.float64)[0]  # [8H]: W bias then R bias
    hh = b[4 * h:]
    want = np.concatenate([hh[0:h], hh[2 * h:3 * h], hh[3 * h:4 * h], hh[h:2 * h]])
    assert np.array_equal(t["predictor.lstm.bias_hh_l0"], want.astype(np.float32))
    # decoder.encode.conv1: weight norm folded in the export; uint8 per tensor, zero point per the oracle.
    wq = q["/decoder/decoder/encode/Mul_output_0_quantized"].astype(np.float64)
    zp = next(r for r in read_mapping_tsv() if r["key"] == "decoder.encode.conv1.weight_v")["transform"]
    zp = float(re.search(r"zp=(\d+)", zp).group(1))
    want = (wq - zp) * q["/decoder/decoder/encode/Mul_output_0_scale"]
    assert np.array_equal(t["decoder.encode.conv1.weight"], want.astype(np.float32))
    assert t["decoder.encode.conv1.weight"].shape == (1024, 514, 3)
    # bert_encoder: [in, out] int8 with one scale per output column.
    wq = q["onnx::MatMul_6704_quantized"].astype(np.float64)
    want = (wq * q["onnx::MatMul_6704_scale"][None, :]).T
    assert np.array_equal(t["bert_encoder.weight"], want.astype(np.float32))
    # InstanceNorm affine defaults and an fp32 ConvTranspose weight.
    assert np.all(t["decoder.encode.norm1.norm.weight"] == 1) and np.all(t["decoder.encode.norm1.norm.bias"] == 0)
    assert np.array_equal(t["decoder.generator.ups.0.weight"], q["/decoder/decoder/generator/Mul_output_0"])


def test_int8_conversion_is_deterministic(int8_bundle, int8_onnx, vocab_file, tmp_path):
    first, _, _ = int8_bundle
    second = str(tmp_path / "again.safetensors")
    bundle.convert_model(int8_onnx, vocab_file, second, log=lambda line: None)
    assert sha256(first) == sha256(second)


# ---------------------------------------------------------------------------------------------
# Float exports (fp32, fp16): the int8 graph rewritten into the float graph it was quantized from


def _float_export(model, tensors, half):
    """Replace every quantized weight operator of the int8 graph by its float form, with the
    weights taken from the int8 bundle: MatMulInteger -> MatMul [in,out], ConvInteger -> Conv,
    DynamicQuantizeLSTM -> LSTM (standard [D,4H,in] layout, ONNX gate order), Gather +
    DequantizeLinear -> Gather. Integer initializers are dropped. With half=True every float
    initializer becomes float16 and MatMul weights reach their node through a Cast, like an
    fp16 export that keeps some ops in fp32."""
    import onnx
    from onnx import helper, numpy_helper

    keys = defaultdict(list)
    for row in read_mapping_tsv():
        keys[row["source"]].append(row["key"])

    def bundle_name(src):
        k = keys[src][0]
        return k[:-2] if k.endswith((".weight_g", ".weight_v")) else k

    g = model.graph
    inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    floats = {n: a for n, a in inits.items() if a.dtype.kind == "f"}
    consumers = defaultdict(list)
    for node in g.node:
        for x in node.input:
            consumers[x].append(node)
    nodes, skip, n_cast = [], set(), 0
    for node in g.node:
        if node.name in skip:
            continue
        name = node.name.replace("_quant", "")
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type in ("MatMulInteger", "ConvInteger"):
            src = node.input[1]
            base = src[: -len("_quantized")]
            w = tensors[bundle_name(src)]
            if node.op_type == "MatMulInteger":
                floats[base] = np.ascontiguousarray(w.T)
                wname = base
                if half:
                    wname = f"{base}_cast"
                    n_cast += 1
                    nodes.append(helper.make_node("Cast", [base], [wname], name=f"graph_cast_{n_cast}",
                                                  to=onnx.TensorProto.FLOAT))
                nodes.append(helper.make_node("MatMul", [node.input[0], wname], [node.output[0]], name=name))
            else:
                floats[base] = np.array(w)
                nodes.append(helper.make_node("Conv", [node.input[0], base], [node.output[0]], name=name, **attrs))
        elif node.op_type == "DynamicQuantizeLSTM":
            module = bundle_name(node.input[1]).rsplit(".", 1)[0]
            for src, part in ((node.input[1], "ih"), (node.input[2], "hh")):
                per_direction = [np.array(tensors[f"{module}.weight_{part}_l0{sfx}"]) for sfx in ("", "_reverse")]
                floats[src[: -len("_quantized")]] = np.stack([gates_torch_to_onnx(w) for w in per_direction])
            nodes.append(helper.make_node(
                "LSTM", [node.input[0], node.input[1][:-10], node.input[2][:-10], node.input[3]],
                list(node.output), name=name, hidden_size=attrs["hidden_size"], direction="bidirectional"))
        elif node.op_type == "Gather" and node.input[0] in inits and inits[node.input[0]].dtype.kind in "iu":
            src = node.input[0]
            floats[src[: -len("_quantized")]] = np.array(tensors[bundle_name(src)])
            dq = consumers[node.output[0]][0]
            skip.add(dq.name)
            nodes.append(helper.make_node("Gather", [src[:-10], node.input[1]], [dq.output[0]], name=name, **attrs))
        else:
            nodes.append(node)
    dtype = np.float16 if half else np.float32
    used = {x for node in nodes for x in node.input}  # (some non-weight constants overflow fp16)
    new = onnx.ModelProto()
    new.CopyFrom(model)
    del new.graph.node[:]
    new.graph.node.extend(nodes)
    del new.graph.initializer[:]
    with np.errstate(over="ignore"):
        new.graph.initializer.extend(
            numpy_helper.from_array(a.astype(dtype), n) for n, a in floats.items() if n in used)
    return new


@pytest.mark.parametrize("half", [False, True], ids=["fp32", "fp16"])
def test_float_exports_convert_like_int8(int8_model, int8_bundle, vocab_file, tmp_path, half):
    import onnx
    _, tensors, _ = int8_bundle
    model = _float_export(int8_model, tensors, half)
    ops = {n.op_type for n in model.graph.node}
    assert not ops & {"MatMulInteger", "ConvInteger", "DynamicQuantizeLSTM", "DequantizeLinear"}
    src = str(tmp_path / ("kokoro-v1.0.fp16.onnx" if half else "kokoro-v1.0.onnx"))
    onnx.save(model, src)
    out = str(tmp_path / "bundle.safetensors")
    bundle.convert_model(src, vocab_file, out, log=lambda line: None)
    got, meta = safetensors.read(out)
    assert meta["precision"] == ("fp16" if half else "fp32")
    assert sorted(got) == sorted(tensors)
    for name, want in tensors.items():
        want = want.astype(np.float16).astype(np.float32) if half else want
        assert np.array_equal(got[name], want), name


def test_small_synthetic_graph_paths(tmp_path):
    """QDQ weights (DequantizeLinear per axis), Gemm transB, Transpose and Cast chains,
    a standard LSTM, and a constant operand outside Kokoro's modules."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(1)
    inits, nodes = [], []

    def init(name, arr):
        inits.append(numpy_helper.from_array(arr, name))

    # decoder.asr_res.0: Conv with a per-output-channel int8 QDQ weight
    q = rng.integers(-128, 128, (64, 512, 1), dtype=np.int8)
    s = rng.uniform(0.001, 0.01, 64).astype(np.float32)
    zp = rng.integers(-5, 5, 64, dtype=np.int8)
    init("wq", q), init("ws", s), init("wz", zp), init("decoder.decoder.asr_res.0.bias", np.ones(64, np.float32))
    nodes.append(helper.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["w"], name="dq0", axis=0))
    nodes.append(helper.make_node("Conv", ["x", "w", "decoder.decoder.asr_res.0.bias"], ["y0"],
                                  name="/decoder/decoder/asr_res/asr_res.0/Conv"))
    # predictor.F0.0.norm1.fc: Gemm(transB=1) with an fp16 weight reaching it through a Cast
    fc = rng.standard_normal((1024, 128)).astype(np.float16)
    init("anon_fc", fc)
    nodes.append(helper.make_node("Cast", ["anon_fc"], ["anon_fc32"], name="c1", to=TensorProto.FLOAT))
    nodes.append(helper.make_node("Gemm", ["s", "anon_fc32"], ["y1"], name="/encoder/F0.0/norm1/fc/Gemm", transB=1))
    # bert_encoder: MatMul whose [in,out] weight is a Transpose of an [out,in] constant
    be = rng.standard_normal((512, 768)).astype(np.float32)
    init("be", be)
    nodes.append(helper.make_node("Transpose", ["be"], ["beT"], name="t1", perm=[1, 0]))
    nodes.append(helper.make_node("MatMul", ["h", "beT"], ["y2"], name="/encoder/bert_encoder/MatMul"))
    # predictor.text_encoder.lstms.1.fc: QDQ per-column weight feeding a MatMul
    q2 = rng.integers(-128, 128, (128, 1024), dtype=np.int8)
    s2 = rng.uniform(0.001, 0.01, 1024).astype(np.float32)
    init("q2", q2), init("s2", s2)
    nodes.append(helper.make_node("DequantizeLinear", ["q2", "s2"], ["w2"], name="dq2", axis=1))
    nodes.append(helper.make_node("MatMul", ["s", "w2"], ["y3"],
                                  name="/encoder/predictor/text_encoder/lstms.1/fc/MatMul"))
    # text_encoder.lstm: standard ONNX LSTM, W [2,4H,in], R [2,4H,H], B [2,8H]
    W = rng.standard_normal((2, 1024, 512)).astype(np.float32)
    R = rng.standard_normal((2, 1024, 256)).astype(np.float32)
    B = rng.standard_normal((2, 2048)).astype(np.float32)
    init("W", W), init("R", R), init("B", B)
    nodes.append(helper.make_node("LSTM", ["xs", "W", "R", "B"], ["y4"], name="/encoder/text_encoder/lstm/LSTM",
                                  hidden_size=256, direction="bidirectional"))
    # a constant operand of no Kokoro module (an STFT basis, say)
    init("basis", np.eye(4, dtype=np.float32))
    nodes.append(helper.make_node("MatMul", ["z", "basis"], ["y5"], name="/decoder/decoder/generator/stft/MatMul"))

    graph = helper.make_graph(nodes, "g", [], [], initializer=inits)
    path = str(tmp_path / "small.onnx")
    onnx.save(helper.make_model(graph), path)
    r = onnx_source.read_onnx(path)

    def f64(a):
        return np.asarray(a, np.float64)

    assert np.array_equal(r.tensors["decoder.asr_res.0.weight"],
                          (f64(q) - f64(zp)[:, None, None]) * f64(s)[:, None, None])
    assert r.found["decoder.asr_res.0.weight"].kind == "int8 per-channel"
    assert np.array_equal(r.tensors["decoder.asr_res.0.bias"], np.ones(64))
    assert np.array_equal(r.tensors["predictor.F0.0.norm1.fc.weight"], f64(fc))
    assert r.found["predictor.F0.0.norm1.fc.weight"].source == "anon_fc"
    assert np.array_equal(r.tensors["bert_encoder.weight"], f64(be))
    assert np.array_equal(r.tensors["predictor.text_encoder.lstms.1.fc.weight"], (f64(q2) * f64(s2)[None, :]).T)
    assert np.array_equal(r.tensors["text_encoder.lstm.weight_ih_l0_reverse"], gates_onnx_to_torch(f64(W[1])))
    assert np.array_equal(r.tensors["text_encoder.lstm.weight_hh_l0"], gates_onnx_to_torch(f64(R[0])))
    assert np.array_equal(r.tensors["text_encoder.lstm.bias_ih_l0"], gates_onnx_to_torch(f64(B[0][:1024])))
    assert np.array_equal(r.tensors["text_encoder.lstm.bias_hh_l0_reverse"], gates_onnx_to_torch(f64(B[1][1024:])))
    assert r.unmapped == ["MatMul /decoder/decoder/generator/stft/MatMul"]
    assert r.precision == "int8-dequantized"


def test_conflicting_sightings_are_refused(tmp_path):
    import onnx
    from onnx import helper, numpy_helper
    inits = [numpy_helper.from_array(np.zeros((768, 512), np.float32), "w"),
             numpy_helper.from_array(np.zeros(512, np.float32), "b"),
             numpy_helper.from_array(np.ones(512, np.float32), "encoder.bert_encoder.bias")]
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["y"], name="/encoder/bert_encoder/Gemm"),
             helper.make_node("Add", ["y", "encoder.bert_encoder.bias"], ["z"], name="/encoder/x/Add")]
    path = str(tmp_path / "conflict.onnx")
    onnx.save(helper.make_model(helper.make_graph(nodes, "g", [], [], initializer=inits)), path)
    with pytest.raises(ConversionError, match=r"bert_encoder\.bias is found twice with different values"):
        onnx_source.read_onnx(path)


# ---------------------------------------------------------------------------------------------
# The official checkpoint (.pth) through the restricted reader


def test_tiny_official_pth_made_by_torch_reads_exactly():
    expected = np.load(os.path.join(FIXTURES, "tiny_official_expected.npz"))
    obj = torchzip.load(os.path.join(FIXTURES, "tiny_official.pth"))
    assert sorted(obj) == sorted(layout.COMPONENTS)
    n = 0
    for comp, sd in obj.items():
        for k, v in sd.items():
            dtype = str(expected[f"{comp}|{k}|dtype"])
            want = expected[f"{comp}|{k}"]
            assert v.shape == want.shape, k
            assert v.dtype == {"torch.float32": np.float32, "torch.float16": np.float16,
                               "torch.bfloat16": np.float32}[dtype], k
            assert np.array_equal(v.astype(np.float32), want), k
            n += 1
    assert n == sum(1 for k in expected.files if k.count("|") == 1)
    voice = torchzip.load(os.path.join(FIXTURES, "tiny_tensor.pt"))
    assert np.array_equal(voice, expected["tensor"])

    from kokoro_convert import pth_source
    flat = pth_source.read_pth(os.path.join(FIXTURES, "tiny_official.pth"))
    assert "predictor.F0.0.conv1.weight_g" in flat and not any(k.startswith("module.") or ".module." in k for k in flat)


def test_full_size_pth_round_trip(int8_bundle, vocab_file, tmp_path):
    """An official-layout checkpoint made from the int8 bundle (weight norm unfolded as
    g = ||W||, v = W; `module.` prefixes; pooler present) converts back to the same values:
    exactly, except the 89 re-folded weights, which are within one float32 ulp (g is stored
    rounded to float32, so g * v / ||v|| = W * (1 + d), |d| <= 2^-24, then rounded)."""
    _, tensors, _ = int8_bundle
    rng = np.random.default_rng(0)
    state = {c: OrderedDict() for c in layout.COMPONENTS}
    for name, shape in read_state_dict_tsv():
        comp, rest = name.split(".", 1)
        if name.startswith("bert.pooler."):
            value = rng.standard_normal(shape).astype(np.float32)
        elif name.endswith(".weight_g"):
            w = np.asarray(tensors[name[:-2]], np.float64)
            value = np.sqrt((w * w).sum(axis=tuple(range(1, w.ndim)))).reshape(shape).astype(np.float32)
        elif name.endswith(".weight_v"):
            value = tensors[name[:-2]]
        else:
            value = tensors[name]
        state[comp]["module." + rest] = value
    pth = str(tmp_path / "kokoro-v1_0.pth")
    write_torch_zip(pth, state)
    proc = run_cli("--model", pth, "--vocab", vocab_file, "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "178 weight_g/weight_v: folded here" in proc.stdout
    assert "2 omitted: bert.pooler.*" in proc.stdout
    got, meta = safetensors.read(str(tmp_path / "kokoro-v1_0.safetensors"))
    assert meta["precision"] == "pth"
    assert meta["source"] == f"kokoro-v1_0.pth sha256:{sha256(pth)}"
    assert sorted(got) == sorted(tensors)
    folded = {p + ".weight" for p in layout.weight_norm_prefixes()}
    for name, want in tensors.items():
        if name in folded:
            assert np.all(np.abs(got[name] - want) <= np.spacing(np.abs(want))), name
        else:
            assert np.array_equal(got[name], want), name


# ---------------------------------------------------------------------------------------------
# The restricted reader refuses everything but tensors


class _System:
    def __init__(self, cmd):
        self.cmd = cmd

    def __reduce__(self):
        return (os.system, (self.cmd,))


class _Eval:
    def __init__(self, code):
        self.code = code

    def __reduce__(self):
        return (eval, (self.code,))


def _zip_pickle(path, payload):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", payload)
        z.writestr("archive/byteorder", "little")
    return path


def test_malicious_pickles_are_refused_and_nothing_runs(tmp_path, vocab_file):
    marker = tmp_path / "pwned"
    touch = f"touch {marker}"
    payloads = {
        "os.system": pickle.dumps(_System(touch), protocol=2),
        "builtins.eval": pickle.dumps(_Eval(f"__import__('os').system({touch!r})"), protocol=2),
        "STACK_GLOBAL": pickle.dumps(_System(touch), protocol=4),
        "call a storage type": b"\x80\x02ctorch\nFloatStorage\n)R.",
        "INST": b"(S'" + touch.encode() + b"'\nios\nsystem\n.",
        "NEWOBJ": b"\x80\x02ccollections\nOrderedDict\n)\x81.",
        "BUILD on a non-dict": b"\x80\x02]}b.",
        "inside a state dict": (b"\x80\x02}(X\x04\x00\x00\x00bertccollections\nOrderedDict\n)R(X\x01\x00\x00\x00w"
                                + pickle.dumps(_System(touch), protocol=2)[2:-1] + b"uu."),
    }
    for what, payload in payloads.items():
        path = _zip_pickle(str(tmp_path / f"evil-{len(what)}.pth"), payload)
        with pytest.raises(torchzip.UnsafePickleError, match="refusing"):
            torchzip.load(path)
        assert not marker.exists(), what
    proc = run_cli("--model", path, "--vocab", vocab_file, "--out", str(tmp_path))
    assert proc.returncode == 1 and "refusing" in proc.stderr and "nothing was executed" in proc.stderr
    assert not marker.exists()


def test_tensor_outside_its_storage_is_refused(tmp_path):
    payload = (b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storagectorch\nFloatStorage\n"
               b"X\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x04tQK\x00K\x08\x85K\x01\x85\x89"
               b"ccollections\nOrderedDict\n)RtR.")
    path = _zip_pickle(str(tmp_path / "overrun.pt"), payload)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("archive/data/0", np.arange(4, dtype="<f4").tobytes())
    with pytest.raises(torchzip.TorchFileError, match="overruns its storage"):
        torchzip.load(path)


def test_legacy_or_garbage_files_are_refused(tmp_path):
    path = tmp_path / "legacy.pth"
    path.write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(torchzip.TorchFileError, match="not a torch zip archive"):
        torchzip.load(str(path))


# ---------------------------------------------------------------------------------------------
# Voices


def test_voices_from_pt_npy_npz_and_directories(tmp_path):
    rng = np.random.default_rng(2)
    v = {n: rng.standard_normal((510, 1, 256)).astype(np.float32) for n in ("af_a", "am_b", "bf_c", "bm_d", "ef_e")}
    d = tmp_path / "voices"
    d.mkdir()
    write_torch_zip(str(d / "af_a.pt"), v["af_a"])                       # official voices/*.pt
    write_torch_zip(str(d / "am_b.pt"), v["am_b"].astype(np.float16))    # an fp16 .pt
    np.save(str(tmp_path / "bf_c.npy"), v["bf_c"].reshape(510, 256))    # [510,256] .npy
    with open(tmp_path / "voices-v1.0.bin", "wb") as f:                 # kokoro-onnx pack (an npz)
        np.savez(f, bm_d=v["bm_d"])
    np.savez(str(tmp_path / "pack.npz"), ef_e=v["ef_e"])
    out = str(tmp_path / "voices.safetensors")
    proc = run_cli("--voices", str(d), str(tmp_path / "bf_c.npy"), str(tmp_path / "voices-v1.0.bin"),
                   str(tmp_path / "pack.npz"), "--voices-out", out, "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "5 voices [510,256]" in proc.stdout
    got, meta = safetensors.read(out)
    assert meta == {"format": "kokoro-voices", "format_version": "1"}
    assert list(got) == sorted(v)
    for name, arr in v.items():
        want = arr.reshape(510, 256)
        if name == "am_b":
            want = want.astype(np.float16).astype(np.float32)
        assert got[name].dtype == np.float32 and np.array_equal(got[name], want), name


def test_bad_voices_are_refused(tmp_path):
    with pytest.raises(ConversionError, match=r"voice tiny_tensor has shape \(2, 1, 3\)"):
        voices_mod.read_voices([os.path.join(FIXTURES, "tiny_tensor.pt")])
    a = np.zeros((510, 1, 256), np.float32)
    np.save(str(tmp_path / "af_x.npy"), a)
    np.savez(str(tmp_path / "pack.npz"), af_x=a)
    with pytest.raises(ConversionError, match="voice af_x is given twice"):
        voices_mod.read_voices([str(tmp_path / "af_x.npy"), str(tmp_path / "pack.npz")])
    np.savez(str(tmp_path / "bad.npz"), **{"af:x": a})
    with pytest.raises(ConversionError, match="voice name 'af:x'"):
        voices_mod.read_voices([str(tmp_path / "bad.npz")])
    np.save(str(tmp_path / "nan.npy"), np.full((510, 256), np.nan, np.float32))
    with pytest.raises(ConversionError, match="voice nan contains NaN"):
        voices_mod.read_voices([str(tmp_path / "nan.npy")])


# ---------------------------------------------------------------------------------------------
# Missing or misshapen tensors


def test_incomplete_checkpoint_is_refused_naming_tensors(tmp_path, vocab_file):
    proc = run_cli("--model", os.path.join(FIXTURES, "tiny_official.pth"), "--vocab", vocab_file,
                   "--out", str(tmp_path))
    assert proc.returncode == 1
    assert "bert.embeddings.word_embeddings.weight has shape (5, 4), expected (178, 128)" in proc.stderr
    assert "bert.embeddings.LayerNorm.bias is missing" in proc.stderr
    assert not os.path.exists(tmp_path / "kokoro-v1_0.safetensors")


def test_missing_or_misshapen_tensor_is_refused(int8_bundle):
    _, tensors, _ = int8_bundle
    base = {k: v for k, v in tensors.items() if not layout.is_instance_norm_affine(k)}

    state = dict(base)
    del state["predictor.lstm.weight_hh_l0_reverse"]
    with pytest.raises(ConversionError, match=r"predictor\.lstm\.weight_hh_l0_reverse is missing"):
        bundle.assemble(state, "x.onnx", instance_norm_defaults=True)

    state = dict(base)
    state["decoder.generator.conv_post.weight"] = np.zeros((22, 128, 5))
    with pytest.raises(ConversionError, match=r"decoder\.generator\.conv_post\.weight has shape \(22, 128, 5\), "
                                              r"expected \(22, 128, 7\)"):
        bundle.assemble(state, "x.onnx", instance_norm_defaults=True)

    # A checkpoint without InstanceNorm parameters is incomplete (only ONNX omits them).
    with pytest.raises(ConversionError, match=r"norm\.weight is missing"):
        bundle.assemble(base, "x.pth", instance_norm_defaults=False)

    state = {k: v for k, v in tensors.items() if k != "decoder.encode.conv1.weight"}
    state["decoder.encode.conv1.weight_g"] = np.ones((1024, 1, 1))
    state["decoder.encode.conv1.weight_v"] = np.ones((1024, 514, 1))
    with pytest.raises(ConversionError, match=r"decoder\.encode\.conv1\.weight_v has shape \(1024, 514, 1\)"):
        bundle.assemble(state, "x.pth", instance_norm_defaults=False)


def test_weight_norm_fold_and_zero_rows():
    g = np.array([2.0, 0.0, 3.0]).reshape(3, 1, 1)
    v = np.array([[[3.0, 4.0]], [[0.0, 0.0]], [[0.0, -1.0]]])
    w, zero = bundle.fold_weight_norm(g, v)
    assert np.allclose(w, np.array([[[1.2, 1.6]], [[0.0, 0.0]], [[0.0, -3.0]]]), rtol=1e-15, atol=0)
    assert zero == 1

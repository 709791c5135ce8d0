#!/usr/bin/env python3
"""ONNX Runtime fp32 on the same phonemes as `kokoro-cli bench`, printed next to libkokoro's numbers.

    kokoro-cli bench --json out/bench.json          (libkokoro: warm latency per input)
    python tools/bench_onnxruntime.py --ours out/bench.json

The only ONNX model here is the kokoro-onnx int8 export (models/downloads/kokoro-v1.0.int8.onnx).
Its fp32 twin is made once, next to it (kokoro-v1.0.fp32.onnx), by replacing each dynamically
quantized op with its float op on the dequantized weights (W = (q - zero_point) * scale, exact in
float64, rounded once to float32), using the converter's own graph reader (tools/kokoro_convert):
  MatMulInteger + Cast + Mul(x_scale * w_scale)          -> MatMul(x, W)
  ConvInteger [+ Add(quantized bias)] + Cast + Mul(...)  -> Conv(x, W, bias)
  DynamicQuantizeLSTM(X, Wq, Rq, B, ..., scales, zps)    -> LSTM(X, W, R, B, ...) (same gate order)
  Gather(int8 table) + DequantizeLinear                  -> Gather(float table)
Everything else (including the export's 1.5x iSTFT, which only scales the audio) is untouched, and
the DynamicQuantizeLinear nodes that fed only the replaced ops are dropped.

Installs nothing: `make bench` puts onnxruntime (tools/requirements-bench.txt) into the venv.
Timing: the same protocol as kokoro-cli bench (one warm-up run per input, then the median of
--repeats timed runs, default 5), ORT with intra-op threads = the machine's cores. A benchmark,
never a test.
"""

import argparse
import json
import os
import platform
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from kokoro_convert import ConversionError, safetensors  # noqa: E402
from kokoro_convert.onnx_source import _Collector, _Graph, dequantize  # noqa: E402

DOWNLOADS = os.path.join(ROOT, "models", "downloads")
INT8_MODEL = os.path.join(DOWNLOADS, "kokoro-v1.0.int8.onnx")
FP32_MODEL = os.path.join(DOWNLOADS, "kokoro-v1.0.fp32.onnx")
SAMPLE_RATE = 24000


# --- int8 -> fp32 ----------------------------------------------------------------------------

def _float_bias(graph, add_node, integer_output):
    """The float bias behind a ConvInteger's Add(int32 bias): the quantized bias is computed at
    run time as Floor(bias / (x_scale * w_scale)) -> Cast -> Reshape; follow it back to `bias`."""
    other = [name for name in add_node.input if name != integer_output][0]
    name = other
    for _ in range(6):
        node = graph.producer.get(name)
        if node is None:
            break
        if node.op_type == "Div":
            value = graph.const(node.input[0])
            if value is not None and value.dtype.kind == "f":
                return value.astype(np.float32).reshape(-1)
            break
        name = node.input[0]
    raise ConversionError(f"{add_node.name}: cannot find the float bias behind {other}")


def make_fp32(int8_path, out_path, log=print):
    """Writes the fp32 version of the int8 export to out_path (see the module docstring)."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(int8_path)
    graph = _Graph(model)
    collector = _Collector(graph)
    new_inits = []
    removed = set()      # id() of nodes replaced or made dead
    replacements = {}    # id(first removed node) -> new node, inserted at that position
    counts = {"MatMulInteger": 0, "ConvInteger": 0, "DynamicQuantizeLSTM": 0, "Gather": 0}

    added = {}

    def add_init(name, value):
        """A float32 initializer; a weight shared by several ops (ALBERT's one layer, called 12
        times) is stored once."""
        value = np.ascontiguousarray(value, dtype=np.float32)
        if name in added:
            if not np.array_equal(added[name], value):
                raise ConversionError(f"{name}: one quantized weight dequantizes to two different values")
            return name
        added[name] = value
        new_inits.append(numpy_helper.from_array(value, name))
        return name

    def quantized_input(node):
        """The float tensor a DynamicQuantizeLinear turned into node.input[0]."""
        dql = graph.producer.get(node.input[0])
        if dql is None or dql.op_type != "DynamicQuantizeLinear":
            raise ConversionError(f"{node.name}: input is not produced by DynamicQuantizeLinear")
        return dql.input[0]

    def output_chain(node):
        """[Add] -> Cast -> Mul after an integer op: (nodes, final output, add node or None)."""
        chain, add = [], None
        name = node.output[0]
        while True:
            uses = graph.consumers.get(name, [])
            if len(uses) != 1:
                raise ConversionError(f"{node.name}: expected one consumer of {name}")
            user = uses[0][0]
            chain.append(user)
            if user.op_type == "Add":
                add = user
            elif user.op_type == "Mul":
                scale_node = graph.producer.get(user.input[1 - uses[0][1]])
                if scale_node is not None and scale_node.op_type == "Mul":
                    chain.append(scale_node)
                return chain, user.output[0], add
            elif user.op_type != "Cast":
                raise ConversionError(f"{node.name}: unexpected {user.op_type} after the integer op")
            name = user.output[0]

    for node in graph.nodes:
        if node.op_type == "MatMulInteger":
            q, scale, zp, src = collector._integer_weight(node)  # q [in, out], scale per column
            w = dequantize(q, scale, zp, axis=1)
            chain, out, _ = output_chain(node)
            weight = add_init(src + "_fp32", w)
            replacements[id(node)] = helper.make_node("MatMul", [quantized_input(node), weight], [out], name=node.name + "_fp32")
            removed.update(id(n) for n in [node] + chain)
            counts["MatMulInteger"] += 1
        elif node.op_type == "ConvInteger":
            q, scale, zp, src = collector._integer_weight(node)  # q [out, in/g, k], per tensor
            w = dequantize(q, scale.reshape(-1), None if zp is None else zp.reshape(-1), axis=0)
            chain, out, add = output_chain(node)
            inputs = [quantized_input(node), add_init(src + "_fp32", w)]
            if add is not None:
                inputs.append(add_init(src + "_bias_fp32", _float_bias(graph, add, node.output[0])))
            attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            replacements[id(node)] = helper.make_node("Conv", inputs, [out], name=node.name + "_fp32", **attributes)
            removed.update(id(n) for n in [node] + chain)
            counts["ConvInteger"] += 1
        elif node.op_type == "DynamicQuantizeLSTM":
            def deq(iq, iscale, izp):
                q, s, z = (graph.const(node.input[i]) for i in (iq, iscale, izp))
                n_dir = q.shape[0]
                w = (q.astype(np.float64) - np.asarray(z, np.float64).reshape(n_dir, 1, -1)) \
                    * np.asarray(s, np.float64).reshape(n_dir, 1, -1)
                return np.transpose(w, (0, 2, 1))  # [D, in, 4H] -> ONNX LSTM's [D, 4H, in]
            w = add_init(node.input[1] + "_fp32", deq(1, 8, 9))
            r = add_init(node.input[2] + "_fp32", deq(2, 10, 11))
            inputs = [node.input[0], w, r] + list(node.input[3:8])
            attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            replacements[id(node)] = helper.make_node("LSTM", inputs, list(node.output), name=node.name + "_fp32", **attributes)
            removed.add(id(node))
            counts["DynamicQuantizeLSTM"] += 1
        elif node.op_type == "Gather" and graph.const(node.input[0]) is not None \
                and graph.const(node.input[0]).dtype.kind in "iu":
            uses = graph.consumers.get(node.output[0], [])
            if len(uses) != 1 or uses[0][0].op_type != "DequantizeLinear":
                continue
            dq = uses[0][0]
            table = dequantize(graph.const(node.input[0]), graph.const(dq.input[1]),
                               graph.const(dq.input[2]) if len(dq.input) > 2 else None, axis=0)
            attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            replacements[id(node)] = helper.make_node(
                "Gather", [add_init(node.input[0] + "_fp32", table), node.input[1]], [dq.output[0]],
                name=node.name + "_fp32", **attributes)
            removed.update([id(node), id(dq)])
            counts["Gather"] += 1

    nodes = []
    for node in graph.nodes:
        if id(node) in replacements:
            nodes.append(replacements[id(node)])
        elif id(node) not in removed:
            nodes.append(node)
    # Drop nodes whose outputs nobody reads any more (the DynamicQuantizeLinear of each input,
    # the run-time bias quantization), repeatedly, keeping the graph outputs.
    wanted = {o.name for o in model.graph.output}
    while True:
        used = set(wanted)
        for node in nodes:
            used.update(node.input)
        kept = [n for n in nodes if any(o in used for o in n.output if o)]
        if len(kept) == len(nodes):
            break
        nodes = kept
    used = {name for node in nodes for name in node.input}
    initializers = [t for t in list(model.graph.initializer) + new_inits if t.name in used]

    del model.graph.node[:]
    model.graph.node.extend(nodes)
    del model.graph.initializer[:]
    model.graph.initializer.extend(initializers)
    leftovers = [n.op_type for n in nodes if n.op_type in ("MatMulInteger", "ConvInteger", "DynamicQuantizeLSTM",
                                                            "DynamicQuantizeLinear", "DequantizeLinear")]
    if leftovers:
        raise ConversionError(f"quantized ops left after conversion: {sorted(set(leftovers))}")
    onnx.checker.check_model(model)
    tmp = out_path + ".tmp"
    onnx.save(model, tmp)
    os.replace(tmp, out_path)
    log(f"wrote {out_path} ({os.path.getsize(out_path) / 1e6:.0f} MB): replaced "
        + ", ".join(f"{v} {k}" for k, v in counts.items()))


# --- the benchmark ----------------------------------------------------------------------------

def machine_description():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} logical cores, {platform.system()} {platform.release()}"


def style_rows(voices_path, voice):
    tensors, _ = safetensors.read(voices_path)
    if voice not in tensors:
        raise SystemExit(f"voice {voice!r} is not in {voices_path}; it has {sorted(tensors)}")
    return tensors[voice].reshape(-1, 256)


def run_ort(model_path, inputs, rows, repeats, threads):
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    if names != ["tokens", "style", "speed"]:
        raise SystemExit(f"{model_path}: unexpected inputs {names}")
    results = []
    for item in inputs:
        ids = np.array([item["token_ids"]], dtype=np.int64)
        feed = {"tokens": ids, "style": rows[len(item["token_ids"]) - 3][None, :].astype(np.float32),
                "speed": np.ones(1, dtype=np.float32)}
        session.run(None, feed)  # warm-up
        times, samples = [], 0
        for _ in range(repeats):
            start = time.perf_counter()
            audio = session.run(None, feed)[0]
            times.append(time.perf_counter() - start)
            samples = audio.size
        results.append((float(np.median(times)), samples))
    return ort.__version__, results


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ours", required=True, help="JSON written by `kokoro-cli bench --json`")
    parser.add_argument("--voices", default=os.path.join(ROOT, "models", "voices.safetensors"))
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per input after one warm-up")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--int8", action="store_true", help="benchmark the int8 export instead of its fp32 twin")
    args = parser.parse_args(argv[1:])

    with open(args.ours, encoding="utf-8") as f:
        ours = json.load(f)
    repeats = args.repeats
    model, precision = INT8_MODEL, "int8"
    if not args.int8:
        try:
            if not os.path.exists(FP32_MODEL) or os.path.getmtime(FP32_MODEL) < os.path.getmtime(INT8_MODEL):
                print(f"making the fp32 ONNX model once from {os.path.relpath(INT8_MODEL, ROOT)} ...", flush=True)
                make_fp32(INT8_MODEL, FP32_MODEL)
            model, precision = FP32_MODEL, "fp32 (int8 export dequantized)"
        except (ConversionError, ImportError) as error:
            print(f"note: cannot make the fp32 model ({error}); benchmarking ONNX Runtime on the int8 export instead")
    rows = style_rows(args.voices, ours["voice"])
    version, theirs = run_ort(model, ours["inputs"], rows, repeats, args.threads)

    print()
    print(f"machine: {machine_description()}")
    print(f"libkokoro {ours['library']} ({ours.get('build', 'release')} build): Vulkan on {ours['device']}")
    print(f"ONNX Runtime {version} {precision}: CPU, {args.threads} threads ({os.path.relpath(model, ROOT)})")
    print(f"voice {ours['voice']}; warm latency = median of the timed runs after a warm-up run (libkokoro: "
          f"runs column; ORT: {repeats}); x real time = audio seconds / compute seconds")
    header = (f"{'input':<14}{'tokens':>7}{'audio s':>9} | {'runs':>5}{'libkokoro ms':>13}{'x real time':>12} |"
              f" {'ORT ms':>9}{'x real time':>12}")
    print(header)
    print("-" * len(header))
    for item, (seconds, samples) in zip(ours["inputs"], theirs):
        audio_s = item["samples"] / SAMPLE_RATE
        their_audio_s = samples / SAMPLE_RATE
        ms = item["median_ms"]
        print(f"{item['name']:<14}{len(item['token_ids']):>7}{audio_s:>9.2f} | {len(item['times_ms']):>5}{ms:>13.0f}"
              f"{audio_s / (ms / 1000):>11.2f}x"
              f" | {seconds * 1000:>9.0f}{their_audio_s / seconds:>11.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

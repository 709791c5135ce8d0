#!/usr/bin/env python3
"""Dump golden tensors from the PyTorch reference (kokoro 0.9.4) for the stage tests.

Runs KModel.forward_with_tokens step by step on the converted bundle (weight norm folded) with a
zero-noise SineGen and writes one safetensors file per phoneme string into Tests/Golden/.
Only this script needs torch; run it from the venv made by tools/reference/setup_venv.sh:

    .venv-ref/bin/python tools/reference/make_golden.py

See Tests/Golden/README.md for what each tensor is.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import tempfile
import warnings
from importlib import metadata as importlib_metadata

import numpy as np
import torch
import torch.nn.functional as F
from safetensors import safe_open

import kokoro.istftnet as istftnet
from kokoro.model import KModel

# kokoro 0.9.4 builds weight_norm (deprecated) and 1-layer LSTMs with dropout: known, harmless.
warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", message="dropout option adds dropout")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# What each case keeps. Every stage is computed for every case; only these are written, to keep
# the committed files small (~15 MB together). Tensors named in `f16` are stored as F16 (their
# rounding error, < 1e-3 of the tensor's max |x|, is checked and recorded in the metadata);
# everything else is F32 (integers: I32). In the cases that carry a stage's input and output,
# the inputs tests feed in (ref_s, F0_pred, N_pred, asr, decode.3, har) are F32.
TEXT = ["input_ids", "ref_s", "bert", "d_en", "d", "lstm", "duration_logits", "duration",
        "pred_dur", "t_en", "F0_pred", "N_pred"]
PROSODY = ["alignment", "en", "shared", "F0.0", "F0.1", "F0.2", "N.0", "N.1", "N.2", "asr"]
DECODER = ["F0_conv", "N_conv", "encode", "asr_res", "decode.0", "decode.1", "decode.2",
           "decode.3"]
GEN_IO = ["har_source", "har", "conv_post", "audio"]
GEN_INTERNALS = ["gen.stage0.x_source", "gen.stage0.sum", "gen.stage0.out", "gen.stage1.out"]

CASES = [
    # Stage by stage up to the generator's input and output, all F32. misaki: "Hello world."
    dict(name="hello_world", phonemes="həlˈO wˈɜɹld.",
         keep=TEXT + PROSODY + DECODER + GEN_IO, f16=[]),
    # Shortest case; also carries the generator's per-stage intermediates (F16). misaki: "Hi"
    dict(name="hi", phonemes="hˈI",
         keep=TEXT + ["alignment", "asr", "decode.3"] + GEN_IO + GEN_INTERNALS,
         f16=GEN_INTERNALS + ["conv_post"]),
    # ~200 phonemes: text side, durations, F0/N, asr, source, conv_post, audio. misaki (en-us) of
    # "The quick brown fox jumps over the lazy dog, while the sleepy cat watches from the warm
    # windowsill. Later that evening, everyone gathered around the old wooden table to share
    # stories about their long summer journey."
    dict(name="long_sentence",
         phonemes="ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˈOvəɹ ðə lˈAzi dˈɔɡ, wˌIl ðə slˈipi kˈæt wˈɑʧᵻz "
                  "fɹʌm ðə wˈɔɹm wˈɪndOsˌɪl. lˈATəɹ ðˈæt ˈivnɪŋ, ˈɛvɹiwən ɡˈæðəɹd əɹˈWnd ði "
                  "ˈOld wˈʊdᵊn tˈAbᵊl tə ʃˈɛɹ stˈɔɹiz əbˈWt ðɛɹ lˈɔŋ sˈʌməɹ ʤˈɜɹni.",
         keep=TEXT + ["asr", "har_source", "conv_post", "audio"],
         f16=["bert", "d_en", "d", "lstm", "t_en", "asr", "har_source", "conv_post", "audio"]),
]
F16_TOLERANCE = 1e-3


# --------------------------------------------------------------------------------------------
# Zero-noise SineGen.
# kokoro/istftnet.py draws `torch.rand` (SineGen._f02sine: initial phases of harmonics 2-9) and
# `torch.randn_like` (SineGen.forward: additive noise; SourceModuleHnNSF.forward: the unused noise
# branch) without seeding. We rebind the name `torch` inside the kokoro.istftnet module only to a
# proxy whose `rand` returns zeros and `randn_like` returns zeros_like; every other attribute is
# torch's own. Result: rand_ini = 0 (so rad_values is unchanged) and noise = noise_amp * 0 = 0,
# i.e. sine_waves = sin(phase) * 0.1 * uv exactly. The installed package files are not modified.
# --------------------------------------------------------------------------------------------
class _ZeroNoiseTorch:
    def __getattr__(self, name):
        return getattr(torch, name)

    @staticmethod
    def rand(*size, **kwargs):
        return torch.zeros(*size, **kwargs)

    @staticmethod
    def randn_like(t, **kwargs):
        return torch.zeros_like(t, **kwargs)


def install_zero_noise():
    istftnet.torch = _ZeroNoiseTorch()


# --------------------------------------------------------------------------------------------
# Bundle loading
# --------------------------------------------------------------------------------------------
def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_safetensors(path):
    with safe_open(path, framework="np") as f:
        meta = f.metadata() or {}
        tensors = {k: f.get_tensor(k) for k in f.keys()}
    return tensors, meta


def build_model(model_path):
    tensors, meta = read_safetensors(model_path)
    config = json.loads(meta["config"])
    # KModel downloads kokoro-v1_0.pth from the hub when `model` is falsy; hand it an empty
    # state-dict file instead (its load loop then does nothing) and load the bundle ourselves.
    with tempfile.TemporaryDirectory() as tmp:
        empty = os.path.join(tmp, "empty.pth")
        torch.save({}, empty)
        model = KModel(repo_id="hexgrad/Kokoro-82M", config=config, model=empty,
                       disable_complex=False)
    model.eval()

    # kokoro 0.9.4 uses the old hook-based torch.nn.utils.weight_norm (weight_g / weight_v).
    # Remove it everywhere so each module holds one plain `weight` (weight_v's shape), matching
    # the bundle's folded tensors. Never re-split: some folded channels are all zero (0/0 = NaN).
    n_wn = 0
    for module in model.modules():
        if hasattr(module, "weight_g") and hasattr(module, "weight_v"):
            torch.nn.utils.remove_weight_norm(module)
            n_wn += 1

    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in tensors.items()}
    for k, v in state.items():
        if v.dtype != torch.float32:
            raise SystemExit(f"bundle tensor {k} is {v.dtype}, expected float32")
    result = model.load_state_dict(state, strict=False)
    missing = [k for k in result.missing_keys if not k.startswith("bert.pooler.")]
    # InstanceNorm affine parameters (AdaIN1d.norm.*): the reference defaults (1 / 0) are exact
    # and the int8 ONNX export has none; tolerate their absence (checked to be 1 / 0 below).
    inorm_params = {f"{name}.{p}" for name, m in model.named_modules()
                    if isinstance(m, torch.nn.InstanceNorm1d) for p in ("weight", "bias")}
    inorm = [k for k in missing if k in inorm_params]
    others = [k for k in missing if k not in inorm_params]
    if others or result.unexpected_keys:
        raise SystemExit(f"state dict mismatch: missing {others[:10]} ({len(others)}), "
                         f"unexpected {result.unexpected_keys[:10]} ({len(result.unexpected_keys)})")
    # Any InstanceNorm affine values that were in the bundle must be 1 / 0 as well.
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.InstanceNorm1d):
            if not (torch.all(module.weight == 1) and torch.all(module.bias == 0)):
                raise SystemExit(f"{name}: InstanceNorm affine is not 1/0")
    for k, v in model.state_dict().items():
        if v.is_floating_point() and not torch.isfinite(v).all():
            raise SystemExit(f"non-finite values in {k}")
    info = {
        "loaded": len(state), "weight_norm_removed": n_wn,
        "missing_instancenorm_affine_defaulted": len(inorm),
        "missing_pooler": len([k for k in result.missing_keys if k.startswith("bert.pooler.")]),
    }
    return model, config, info


# --------------------------------------------------------------------------------------------
# Forward pass, step by step (mirrors kokoro 0.9.4 KModel.forward_with_tokens, Decoder.forward,
# Generator.forward)
# --------------------------------------------------------------------------------------------
@torch.no_grad()
def run_case(model, input_ids, ref_s, speed):
    out = {}
    out["input_ids"] = input_ids
    out["ref_s"] = ref_s
    T = input_ids.shape[-1]
    input_lengths = torch.full((input_ids.shape[0],), T, dtype=torch.long)
    text_mask = torch.arange(input_lengths.max()).unsqueeze(0).expand(input_lengths.shape[0], -1)
    text_mask = torch.gt(text_mask.type_as(input_lengths) + 1, input_lengths.unsqueeze(1))

    bert_dur = model.bert(input_ids, attention_mask=(~text_mask).int())
    out["bert"] = bert_dur                                            # [1,T,768]
    d_en = model.bert_encoder(bert_dur).transpose(-1, -2)
    out["d_en"] = d_en                                                # [1,512,T]
    s = ref_s[:, 128:]
    d = model.predictor.text_encoder(d_en, s, input_lengths, text_mask)
    out["d"] = d                                                      # [1,T,640]
    x, _ = model.predictor.lstm(d)
    out["lstm"] = x                                                   # [1,T,512]
    logits = model.predictor.duration_proj(x)
    out["duration_logits"] = logits                                   # [1,T,50]
    duration = torch.sigmoid(logits).sum(axis=-1) / speed
    out["duration"] = duration                                        # [1,T]
    pred_dur = torch.round(duration).clamp(min=1).long().squeeze()
    out["pred_dur"] = pred_dur                                        # [T]
    indices = torch.repeat_interleave(torch.arange(T), pred_dur)
    aln = torch.zeros((T, indices.shape[0]))
    aln[indices, torch.arange(indices.shape[0])] = 1
    out["alignment"] = aln                                            # [T,F]
    aln = aln.unsqueeze(0)
    en = d.transpose(-1, -2) @ aln
    out["en"] = en                                                    # [1,640,F]

    # predictor.F0Ntrain(en, s)
    p = model.predictor
    sh, _ = p.shared(en.transpose(-1, -2))
    out["shared"] = sh                                                # [1,F,512]
    f0 = sh.transpose(-1, -2)
    for i, block in enumerate(p.F0):
        f0 = block(f0, s)
        out[f"F0.{i}"] = f0                                           # [1,512|256,F|2F]
    F0_pred = p.F0_proj(f0).squeeze(1)
    n = sh.transpose(-1, -2)
    for i, block in enumerate(p.N):
        n = block(n, s)
        out[f"N.{i}"] = n
    N_pred = p.N_proj(n).squeeze(1)
    out["F0_pred"] = F0_pred                                          # [1,2F]
    out["N_pred"] = N_pred                                            # [1,2F]

    t_en = model.text_encoder(input_ids, input_lengths, text_mask)
    out["t_en"] = t_en                                                # [1,512,T]
    asr = t_en @ aln
    out["asr"] = asr                                                  # [1,512,F]

    # Decoder.forward(asr, F0_pred, N_pred, ref_s[:, :128])
    dec = model.decoder
    sd = ref_s[:, :128]
    F0 = dec.F0_conv(F0_pred.unsqueeze(1))
    N = dec.N_conv(N_pred.unsqueeze(1))
    out["F0_conv"] = F0                                               # [1,1,F]
    out["N_conv"] = N                                                 # [1,1,F]
    xx = torch.cat([asr, F0, N], axis=1)
    xx = dec.encode(xx, sd)
    out["encode"] = xx                                                # [1,1024,F]
    asr_res = dec.asr_res(asr)
    out["asr_res"] = asr_res                                          # [1,64,F]
    res = True
    for i, block in enumerate(dec.decode):
        if res:
            xx = torch.cat([xx, asr_res, F0, N], axis=1)
        xx = block(xx, sd)
        out[f"decode.{i}"] = xx                                       # [1,1024,F] / [1,512,2F]
        if block.upsample_type != "none":
            res = False

    # Generator.forward(x, s, F0_curve)
    g = dec.generator
    f0u = g.f0_upsamp(F0_pred[:, None]).transpose(1, 2)               # [1,S,1]
    har_source, _noi, uv = g.m_source(f0u)
    har_source = har_source.transpose(1, 2)                           # [1,1,S]
    out["har_source"] = har_source
    har_spec, har_phase = g.stft.transform(har_source.squeeze(1))
    har = torch.cat([har_spec, har_phase], dim=1)
    out["har"] = har                                                  # [1,22,S/5+1]
    x = xx
    for i in range(g.num_upsamples):
        x = F.leaky_relu(x, negative_slope=0.1)
        x_source = g.noise_convs[i](har)
        x_source = g.noise_res[i](x_source, sd)
        out[f"gen.stage{i}.x_source"] = x_source
        x = g.ups[i](x)
        if i == g.num_upsamples - 1:
            x = g.reflection_pad(x)
        x = x + x_source
        out[f"gen.stage{i}.sum"] = x
        xs = None
        for j in range(g.num_kernels):
            if xs is None:
                xs = g.resblocks[i * g.num_kernels + j](x, sd)
            else:
                xs += g.resblocks[i * g.num_kernels + j](x, sd)
        x = xs / g.num_kernels
        out[f"gen.stage{i}.out"] = x
    x = F.leaky_relu(x)
    x = g.conv_post(x)
    out["conv_post"] = x                                              # [1,22,S/5+1]
    spec = torch.exp(x[:, :g.post_n_fft // 2 + 1, :])
    phase = torch.sin(x[:, g.post_n_fft // 2 + 1:, :])
    audio = g.stft.inverse(spec, phase)
    out["audio"] = audio.squeeze()                                    # [S]

    # The step-by-step run must equal the reference's own forward bit for bit (this also proves
    # the noise is off: two calls would draw different random numbers).
    ref_audio, ref_dur = model.forward_with_tokens(input_ids, ref_s, speed)
    if not torch.equal(ref_dur, pred_dur):
        raise SystemExit("pred_dur differs from KModel.forward_with_tokens")
    if not torch.equal(ref_audio, out["audio"]):
        diff = (ref_audio - out["audio"]).abs().max().item()
        raise SystemExit(f"audio differs from KModel.forward_with_tokens (max {diff})")
    return out


# --------------------------------------------------------------------------------------------
_DTYPES = {np.dtype(np.float32): "F32", np.dtype(np.float16): "F16", np.dtype(np.int32): "I32"}


def save_file(tensors, path, metadata):
    """Writes safetensors with a byte-stable header (the `safetensors` package serialises
    __metadata__ from a hash map, so its key order, and the file, change from run to run)."""
    header = {"__metadata__": {k: metadata[k] for k in sorted(metadata)}}
    offset = 0
    blobs = []
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name])
        data = a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _DTYPES[a.dtype], "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    h = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(len(h).to_bytes(8, "little"))
        f.write(h)
        for data in blobs:
            f.write(data)


def to_numpy(name, t):
    a = t.detach().cpu().numpy()
    if a.dtype == np.int64:
        if np.abs(a).max(initial=0) >= 2 ** 31:
            raise SystemExit(f"{name} does not fit int32")
        return a.astype(np.int32)
    return np.ascontiguousarray(a.astype(np.float32))


def pack(out, keep_names, f16_names):
    unknown = (set(keep_names) | set(f16_names)) - set(out)
    if unknown or not set(f16_names) <= set(keep_names):
        raise SystemExit(f"bad case table: {sorted(unknown)}")
    keep = {}
    f16 = {}
    for name in keep_names:
        t = out[name]
        a = to_numpy(name, t)
        if not np.isfinite(a.astype(np.float64)).all():
            raise SystemExit(f"non-finite values in {name}")
        if name in f16_names:
            h = a.astype(np.float16)
            m = float(np.abs(a).max())
            err = float(np.abs(h.astype(np.float32) - a).max()) / m if m > 0 else 0.0
            if not np.isfinite(h).all() or err >= F16_TOLERANCE:
                raise SystemExit(f"{name}: F16 error {err} breaks the 1e-3 tolerance")
            f16[name] = err
            a = h
        keep[name] = a
    return keep, f16


def versions():
    v = {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
    }
    for pkg in ("kokoro", "transformers", "safetensors", "misaki"):
        try:
            v[pkg] = importlib_metadata.version(pkg)
        except importlib_metadata.PackageNotFoundError:
            pass
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "kokoro-v1_0.safetensors"))
    ap.add_argument("--voices", default=None, help="default: voices.safetensors beside --model")
    ap.add_argument("--voice", default="jf_alpha")
    ap.add_argument("--speed", type=float, default=1.0)
    ap.add_argument("--out", default=os.path.join(ROOT, "Tests", "Golden"))
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--cases", default="", help="comma-separated subset of case names")
    ap.add_argument("--wav-dir", default="", help="also write <case>.wav here (not committed)")
    args = ap.parse_args()
    voices_path = args.voices or os.path.join(os.path.dirname(args.model), "voices.safetensors")

    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(args.threads)
    install_zero_noise()

    model, config, load_info = build_model(args.model)
    voices, _ = read_safetensors(voices_path)
    if args.voice not in voices:
        raise SystemExit(f"voice {args.voice} not in {voices_path}: {sorted(voices)}")
    pack_ = torch.from_numpy(np.ascontiguousarray(voices[args.voice], dtype=np.float32))
    if tuple(pack_.shape) != (510, 256):
        raise SystemExit(f"voice {args.voice} has shape {tuple(pack_.shape)}, expected (510, 256)")
    vocab = config["vocab"]
    print(f"loaded {args.model}: {load_info}", file=sys.stderr)

    common = {
        "voice": args.voice,
        "speed": repr(args.speed),
        "versions": json.dumps(versions(), sort_keys=True),
        "model_file": os.path.basename(args.model),
        "model_sha256": sha256(args.model),
        "voices_file": os.path.basename(voices_path),
        "voices_sha256": sha256(voices_path),
        "torch_threads": str(args.threads),
        "attn_implementation": str(getattr(model.bert.config, "_attn_implementation", "")),
        "zero_noise": "kokoro.istftnet.torch.rand -> zeros, .randn_like -> zeros_like",
        "generator": "make_golden.py",
    }
    wanted = set(filter(None, args.cases.split(",")))
    os.makedirs(args.out, exist_ok=True)
    for case in CASES:
        name, phonemes = case["name"], case["phonemes"]
        if wanted and name not in wanted:
            continue
        bad = sorted({p for p in phonemes if p not in vocab})
        if bad:
            raise SystemExit(f"{name}: symbols not in vocab: {bad}")
        if len(phonemes) > 510:
            raise SystemExit(f"{name}: more than 510 phonemes")
        ids = [vocab[p] for p in phonemes]
        input_ids = torch.LongTensor([[0, *ids, 0]])
        ref_s = pack_[len(phonemes) - 1][None, :]                     # [1,256]
        out = run_case(model, input_ids, ref_s, args.speed)
        pred_dur = out["pred_dur"]
        frames = int(pred_dur.sum())
        samples = out["audio"].shape[-1]
        if samples != 600 * frames:
            raise SystemExit(f"{name}: {samples} samples != 600 * {frames}")
        tensors, f16 = pack(out, case["keep"], case["f16"])
        meta = dict(common)
        meta.update({
            "case": name,
            "phonemes": phonemes,
            "n_phonemes": str(len(phonemes)),
            "tokens": str(input_ids.shape[-1]),
            "frames": str(frames),
            "samples": str(samples),
            "pred_dur": json.dumps(pred_dur.tolist()),
            "style_row": str(len(phonemes) - 1),
            "f16": json.dumps({k: f16[k] for k in sorted(f16)}),
            "not_stored": json.dumps(sorted(set(out) - set(tensors))),
        })
        path = os.path.join(args.out, f"{name}.safetensors")
        save_file({k: tensors[k] for k in sorted(tensors)}, path, metadata=meta)
        a = out["audio"].numpy()
        print(f"{name}: T={input_ids.shape[-1]} F={frames} S={samples} "
              f"rms={float(np.sqrt(np.mean(a.astype(np.float64) ** 2))):.4f} "
              f"peak={float(np.abs(a).max()):.4f} size={os.path.getsize(path)} "
              f"pred_dur={pred_dur.tolist()}", file=sys.stderr)
        if args.wav_dir:
            write_wav(os.path.join(args.wav_dir, f"{name}.wav"), a)


def write_wav(path, audio, rate=24000):
    import wave
    pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).round().astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


if __name__ == "__main__":
    main()

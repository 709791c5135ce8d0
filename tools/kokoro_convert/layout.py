"""Kokoro-82M v1.0: its config and the name and shape of every tensor of its PyTorch state dict.

The layout is derived from the config the same way the reference modules (`kokoro` 0.9.4:
model.py, modules.py, istftnet.py) build themselves, so that the table below is the reference's
module tree written out (like whisper.cpp's tensor table). It yields the 688 tensors of
`KModel.state_dict()`; Tests/python checks it against a dump of the real one.

Two views:
  state_dict_layout()  the checkpoint as PyTorch stores it: weight-normed convolutions as a
                       weight_g [out,1,1] / weight_v pair, ALBERT's unused pooler included.
  bundle_layout()      what the bundle stores: each weight_g/weight_v pair folded into one
                       `<prefix>.weight` with weight_v's shape, pooler omitted (597 tensors).
"""

from __future__ import annotations

import math
from typing import Dict, Iterator, List, Tuple

Shape = Tuple[int, ...]

# config.json of hexgrad/Kokoro-82M, without "vocab" (which comes from the vocabulary file).
KOKORO_CONFIG: dict = {
    "dim_in": 64,
    "dropout": 0.2,
    "hidden_dim": 512,
    "istftnet": {
        "gen_istft_hop_size": 5,
        "gen_istft_n_fft": 20,
        "resblock_dilation_sizes": [[1, 3, 5], [1, 3, 5], [1, 3, 5]],
        "resblock_kernel_sizes": [3, 7, 11],
        "upsample_initial_channel": 512,
        "upsample_kernel_sizes": [20, 12],
        "upsample_rates": [10, 6],
    },
    "max_conv_dim": 512,
    "max_dur": 50,
    "multispeaker": True,
    "n_layer": 3,
    "n_mels": 80,
    "n_token": 178,
    "plbert": {
        "dropout": 0.1,
        "hidden_size": 768,
        "intermediate_size": 2048,
        "max_position_embeddings": 512,
        "num_attention_heads": 12,
        "num_hidden_layers": 12,
    },
    "style_dim": 128,
    "text_encoder_kernel_size": 5,
}

# transformers.AlbertConfig defaults that Kokoro does not override.
ALBERT_EMBEDDING_SIZE = 128
ALBERT_TYPE_VOCAB_SIZE = 2

# Hard-wired in the reference: Decoder's hidden width, its ASR-residual width, the F0 and N
# channels concatenated to the decoder input, SineGen's harmonics (fundamental + 8).
DECODER_HIDDEN = 1024
DECODER_ASR_RES = 64
HARMONICS = 9

# Top-level children of KModel, i.e. the five state dicts of kokoro-v1_0.pth.
COMPONENTS = ("bert", "bert_encoder", "predictor", "text_encoder", "decoder")

# Tensors of the checkpoint that the bundle leaves out: ALBERT's pooler is built by
# transformers.AlbertModel but KModel only reads last_hidden_state (the kokoro-onnx export
# does not contain it either).
OMITTED_PREFIXES = ("bert.pooler.",)


class _Layout:
    """Collects (name, shape) pairs in module order; helpers mirror the reference modules."""

    def __init__(self) -> None:
        self.entries: List[Tuple[str, Shape]] = []

    def add(self, name: str, *shape: int) -> None:
        self.entries.append((name, tuple(shape)))

    # torch.nn.Linear(n_in, n_out): weight [out, in]
    def linear(self, p: str, n_in: int, n_out: int, bias: bool = True) -> None:
        self.add(f"{p}.weight", n_out, n_in)
        if bias:
            self.add(f"{p}.bias", n_out)

    # torch.nn.Conv1d without weight norm: weight [out, in/groups, k]
    def conv(self, p: str, n_in: int, n_out: int, k: int, bias: bool = True) -> None:
        self.add(f"{p}.weight", n_out, n_in, k)
        if bias:
            self.add(f"{p}.bias", n_out)

    # weight_norm(Conv1d): weight_g [out,1,1] (norm over dims 1,2), weight_v [out, in/groups, k].
    # torch lists the bias first because weight_norm re-registers the weight after it.
    def conv_wn(self, p: str, n_in: int, n_out: int, k: int, bias: bool = True) -> None:
        if bias:
            self.add(f"{p}.bias", n_out)
        self.add(f"{p}.weight_g", n_out, 1, 1)
        self.add(f"{p}.weight_v", n_out, n_in, k)

    # weight_norm(ConvTranspose1d): the weight is [in, out/groups, k] and weight norm still uses
    # dim 0, so weight_g is [in,1,1].
    def conv_transpose_wn(self, p: str, n_in: int, n_out: int, k: int, groups: int = 1) -> None:
        self.add(f"{p}.bias", n_out)
        self.add(f"{p}.weight_g", n_in, 1, 1)
        self.add(f"{p}.weight_v", n_in, n_out // groups, k)

    # torch.nn.LSTM(n_in, hidden, batch_first=True, bidirectional=True): gates i,f,g,o stacked.
    def lstm(self, p: str, n_in: int, hidden: int) -> None:
        for suffix in ("", "_reverse"):
            self.add(f"{p}.weight_ih_l0{suffix}", 4 * hidden, n_in)
            self.add(f"{p}.weight_hh_l0{suffix}", 4 * hidden, hidden)
            self.add(f"{p}.bias_ih_l0{suffix}", 4 * hidden)
            self.add(f"{p}.bias_hh_l0{suffix}", 4 * hidden)

    def layer_norm(self, p: str, n: int, names: Tuple[str, str] = ("weight", "bias")) -> None:
        self.add(f"{p}.{names[0]}", n)
        self.add(f"{p}.{names[1]}", n)

    # modules.AdaIN1d: InstanceNorm1d(n, affine=True) + Linear(style, 2n) giving gamma, beta.
    def adain(self, p: str, style: int, n: int) -> None:
        self.layer_norm(f"{p}.norm", n)
        self.linear(f"{p}.fc", style, 2 * n)

    # istftnet.AdainResBlk1d (also used by the prosody predictor's F0/N branches).
    def adain_res_blk(self, p: str, d_in: int, d_out: int, style: int, upsample: bool = False) -> None:
        self.conv_wn(f"{p}.conv1", d_in, d_out, 3)
        self.conv_wn(f"{p}.conv2", d_out, d_out, 3)
        self.adain(f"{p}.norm1", style, d_in)
        self.adain(f"{p}.norm2", style, d_out)
        if d_in != d_out:  # learned shortcut
            self.conv_wn(f"{p}.conv1x1", d_in, d_out, 1, bias=False)
        if upsample:  # depthwise ConvTranspose1d(d_in, d_in, 3, stride 2, groups=d_in)
            self.conv_transpose_wn(f"{p}.pool", d_in, d_in, 3, groups=d_in)

    # istftnet.AdaINResBlock1: three dilated convs, three plain convs, AdaIN and Snake alphas.
    def adain_resblock1(self, p: str, ch: int, k: int, n_dilations: int, style: int) -> None:
        for j in range(n_dilations):
            self.conv_wn(f"{p}.convs1.{j}", ch, ch, k)
        for j in range(n_dilations):
            self.conv_wn(f"{p}.convs2.{j}", ch, ch, k)
        for j in range(n_dilations):
            self.adain(f"{p}.adain1.{j}", style, ch)
        for j in range(n_dilations):
            self.adain(f"{p}.adain2.{j}", style, ch)
        for j in range(n_dilations):
            self.add(f"{p}.alpha1.{j}", 1, ch, 1)
        for j in range(n_dilations):
            self.add(f"{p}.alpha2.{j}", 1, ch, 1)


def _build(cfg: dict) -> List[Tuple[str, Shape]]:
    L = _Layout()
    n_token, hidden, style = cfg["n_token"], cfg["hidden_dim"], cfg["style_dim"]
    n_layer = cfg["n_layer"]
    pl = cfg["plbert"]
    H, E = pl["hidden_size"], ALBERT_EMBEDDING_SIZE

    # bert: transformers.AlbertModel; one shared layer group with one layer.
    L.add("bert.embeddings.word_embeddings.weight", n_token, E)
    L.add("bert.embeddings.position_embeddings.weight", pl["max_position_embeddings"], E)
    L.add("bert.embeddings.token_type_embeddings.weight", ALBERT_TYPE_VOCAB_SIZE, E)
    L.layer_norm("bert.embeddings.LayerNorm", E)
    L.linear("bert.encoder.embedding_hidden_mapping_in", E, H)
    layer = "bert.encoder.albert_layer_groups.0.albert_layers.0"
    L.layer_norm(f"{layer}.full_layer_layer_norm", H)
    for name in ("query", "key", "value", "dense"):
        L.linear(f"{layer}.attention.{name}", H, H)
    L.layer_norm(f"{layer}.attention.LayerNorm", H)
    L.linear(f"{layer}.ffn", H, pl["intermediate_size"])
    L.linear(f"{layer}.ffn_output", pl["intermediate_size"], H)
    L.linear("bert.pooler", H, H)

    # bert_encoder: Linear(plbert hidden -> hidden_dim)
    L.linear("bert_encoder", H, hidden)

    # predictor: modules.ProsodyPredictor(style, d_hid=hidden, nlayers=n_layer, max_dur)
    for i in range(n_layer):  # DurationEncoder: LSTM and AdaLayerNorm alternate
        L.lstm(f"predictor.text_encoder.lstms.{2 * i}", hidden + style, hidden // 2)
        L.linear(f"predictor.text_encoder.lstms.{2 * i + 1}.fc", style, 2 * hidden)
    L.lstm("predictor.lstm", hidden + style, hidden // 2)
    L.linear("predictor.duration_proj.linear_layer", hidden, cfg["max_dur"])
    L.lstm("predictor.shared", hidden + style, hidden // 2)
    for branch in ("F0", "N"):
        L.adain_res_blk(f"predictor.{branch}.0", hidden, hidden, style)
        L.adain_res_blk(f"predictor.{branch}.1", hidden, hidden // 2, style, upsample=True)
        L.adain_res_blk(f"predictor.{branch}.2", hidden // 2, hidden // 2, style)
    L.conv("predictor.F0_proj", hidden // 2, 1, 1)
    L.conv("predictor.N_proj", hidden // 2, 1, 1)

    # text_encoder: modules.TextEncoder(channels=hidden, kernel, depth=n_layer, n_symbols)
    L.add("text_encoder.embedding.weight", n_token, hidden)
    for i in range(n_layer):
        L.conv_wn(f"text_encoder.cnn.{i}.0", hidden, hidden, cfg["text_encoder_kernel_size"])
        L.layer_norm(f"text_encoder.cnn.{i}.1", hidden, names=("gamma", "beta"))
    L.lstm("text_encoder.lstm", hidden, hidden // 2)

    # decoder: istftnet.Decoder(dim_in=hidden, style, ...)
    dec_in = DECODER_HIDDEN + 2 + DECODER_ASR_RES  # decode blocks take [x, asr_res, F0, N]
    L.adain_res_blk("decoder.encode", hidden + 2, DECODER_HIDDEN, style)
    for i in range(3):
        L.adain_res_blk(f"decoder.decode.{i}", dec_in, DECODER_HIDDEN, style)
    L.adain_res_blk("decoder.decode.3", dec_in, hidden, style, upsample=True)
    L.conv_wn("decoder.F0_conv", 1, 1, 3)
    L.conv_wn("decoder.N_conv", 1, 1, 3)
    L.conv_wn("decoder.asr_res.0", hidden, DECODER_ASR_RES, 1)

    # decoder.generator: istftnet.Generator
    ist = cfg["istftnet"]
    rates, up_kernels = ist["upsample_rates"], ist["upsample_kernel_sizes"]
    rb_kernels, rb_dilations = ist["resblock_kernel_sizes"], ist["resblock_dilation_sizes"]
    c0, n_fft = ist["upsample_initial_channel"], ist["gen_istft_n_fft"]
    g = "decoder.generator"
    L.linear(f"{g}.m_source.l_linear", HARMONICS, 1)
    for i in range(len(rates)):
        ch = c0 // 2 ** (i + 1)
        if i + 1 < len(rates):  # strided conv bringing the source STFT to this stage's rate
            stride_f0 = math.prod(rates[i + 1:])
            L.conv(f"{g}.noise_convs.{i}", n_fft + 2, ch, stride_f0 * 2)
        else:
            L.conv(f"{g}.noise_convs.{i}", n_fft + 2, ch, 1)
    for i in range(len(rates)):
        ch = c0 // 2 ** (i + 1)
        k = 7 if i + 1 < len(rates) else 11
        L.adain_resblock1(f"{g}.noise_res.{i}", ch, k, 3, style)
    for i, k in enumerate(up_kernels):
        L.conv_transpose_wn(f"{g}.ups.{i}", c0 // 2**i, c0 // 2 ** (i + 1), k)
    for i in range(len(rates)):
        ch = c0 // 2 ** (i + 1)
        for j, (k, d) in enumerate(zip(rb_kernels, rb_dilations)):
            L.adain_resblock1(f"{g}.resblocks.{i * len(rb_kernels) + j}", ch, k, len(d), style)
    L.conv_wn(f"{g}.conv_post", c0 // 2 ** len(rates), n_fft + 2, 7)
    return L.entries


def state_dict_layout(cfg: dict = KOKORO_CONFIG) -> Dict[str, Shape]:
    """Every tensor of KModel.state_dict() (688 for Kokoro-82M), in module order."""
    entries = _build(cfg)
    names = [n for n, _ in entries]
    assert len(names) == len(set(names)), "duplicate tensor name in layout"
    return dict(entries)


def is_omitted(name: str) -> bool:
    return name.startswith(OMITTED_PREFIXES)


def weight_norm_prefixes(cfg: dict = KOKORO_CONFIG) -> List[str]:
    """Prefixes p with a p.weight_g / p.weight_v pair (89 for Kokoro-82M)."""
    return [n[: -len(".weight_g")] for n in state_dict_layout(cfg) if n.endswith(".weight_g")]


def bundle_layout(cfg: dict = KOKORO_CONFIG) -> Dict[str, Shape]:
    """Tensors of the bundle, sorted by name: weight norm folded, pooler omitted (597)."""
    sd = state_dict_layout(cfg)
    out: Dict[str, Shape] = {}
    for name, shape in sd.items():
        if is_omitted(name) or name.endswith(".weight_g"):
            continue
        if name.endswith(".weight_v"):
            out[name[: -len("_v")]] = shape  # "<p>.weight" takes weight_v's shape
        else:
            out[name] = shape
    return dict(sorted(out.items()))


def iter_modules(cfg: dict = KOKORO_CONFIG) -> Iterator[str]:
    """Module paths owning at least one tensor (for mapping export scopes to modules)."""
    seen = set()
    for name in state_dict_layout(cfg):
        mod = name.rsplit(".", 1)[0]
        if mod not in seen:
            seen.add(mod)
            yield mod


def is_instance_norm_affine(name: str) -> bool:
    """AdaIN's InstanceNorm1d(affine=True) parameters (140 in Kokoro-82M): `<adain>.norm.weight|bias`."""
    return name.endswith((".norm.weight", ".norm.bias"))

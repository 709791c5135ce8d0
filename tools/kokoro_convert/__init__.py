"""Converter from Kokoro-82M checkpoints to libkokoro's model bundle.

Sources: the official PyTorch checkpoint (kokoro-v1_0.pth + voices/*.pt, read without torch) and
kokoro-onnx exports of any precision (fp32, fp16, int8). Output: the bundle described in
`bundle.py` (safetensors with PyTorch state-dict names, weight norm folded, config in metadata).

Modules:
  layout       the Kokoro-82M config and the names/shapes of every state-dict tensor
  safetensors  writer and reader of the safetensors container
  torchzip     restricted reader of torch.save zip files (no torch, no pickle code execution)
  pth_source   official checkpoint -> state dict
  onnx_source  kokoro-onnx graph -> state dict (dequantization, LSTM gate reorder)
  voices       voice packs from .pt / .npy / .npz (kokoro-onnx voices-v1.0.bin is an .npz)
  bundle       validation against the layout, weight-norm folding, writing the bundle
"""


class ConversionError(Exception):
    """An input cannot be converted; the message names the file or tensor at fault."""

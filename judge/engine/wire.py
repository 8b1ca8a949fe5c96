"""Framed messages between the judge and a sandboxed submission: a JSON header plus raw bytes.

Values coming back from a submission are decoded without executing anything it chose: no
unpickling. The header describes plain data (None, bool, int, float, str, list, tuple, dict with
string keys, tensors); a tensor is a dtype from an allow-list, a shape and a raw byte blob, and is
rebuilt as a fresh plain ``torch.Tensor``. Tensor subclasses or objects with lying comparisons
cannot survive the trip. Values going *to* the submission may be pickled: that side is
untrusted anyway.
"""

from __future__ import annotations

import json
import math
import socket
import struct
import time
from typing import Any

MAX_HEADER = 8 * 1024 * 1024
MAX_BLOBS = 256 * 1024 * 1024
MAX_DEPTH = 64
MAX_DIMS = 16
MAX_BLOB_COUNT = 4096
MAX_NODES = 200_000  # values in one decoded result: bounds the judge's own allocation

_DTYPES = ("float16", "bfloat16", "float32", "float64", "complex64", "complex128",
           "int8", "int16", "int32", "int64", "uint8", "bool")


class WireError(Exception):
    """A message that is malformed or breaks a limit."""


def _torch() -> Any:
    import torch  # imported lazily: the zygote imports it up front, tools that only frame don't

    return torch


def encode(value: Any) -> tuple[dict[str, Any], list[bytes]]:
    """Turn plain data into a JSON-able tree plus blobs. Raises TypeError for other objects."""
    blobs: list[bytes] = []
    torch = _torch()
    try:
        # a tensor subclass's __torch_function__ must not decide what its data looks like
        with torch._C.DisableTorchFunction():
            return _enc(value, blobs, 0), blobs
    except TypeError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever a hostile object raises, it is a bad result
        raise TypeError(f"the result could not be encoded ({type(exc).__name__}: {exc})") from None


def _enc(v: Any, blobs: list[bytes], depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise TypeError("value nested too deeply")
    if v is None or isinstance(v, bool):
        return {"t": "atom", "v": None if v is None else bool(v)}
    if isinstance(v, str):
        return {"t": "atom", "v": str.__str__(v)}
    if isinstance(v, int):
        return {"t": "int", "v": str(int(v))}
    if isinstance(v, float):
        return {"t": "float", "v": repr(float(v))}
    torch = _torch()
    if type(v).__module__ == "numpy" and hasattr(v, "dtype"):
        v = torch.as_tensor(v.item() if getattr(v, "ndim", 1) == 0 else v)
    if isinstance(v, torch.Tensor):
        t = torch.Tensor.detach(v).cpu()
        if t.layout != torch.strided:
            t = t.to_dense()
        t = t.contiguous()
        dtype = str(t.dtype).replace("torch.", "")
        if dtype not in _DTYPES:
            raise TypeError(f"tensors of dtype {dtype} cannot be returned")
        raw = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
        blobs.append(raw)
        return {"t": "tensor", "dtype": dtype, "shape": list(t.shape), "blob": len(blobs) - 1}
    if isinstance(v, list | tuple):
        return {"t": "list" if isinstance(v, list) else "tuple",
                "v": [_enc(x, blobs, depth + 1) for x in v]}
    if isinstance(v, dict):
        if not all(isinstance(k, str) for k in v):
            raise TypeError("only dicts with string keys can be returned")
        return {"t": "dict", "v": [[k, _enc(x, blobs, depth + 1)] for k, x in v.items()]}
    name = type(v).__name__
    raise TypeError(f"a value of type {name} cannot cross the sandbox boundary; return tensors, "
                    "numbers, strings, None, or lists/tuples/dicts of them")


def decode(tree: Any, blobs: list[bytes]) -> Any:
    """Rebuild a value from an untrusted tree and blobs, validating every field."""
    return _Decoder(blobs).dec(tree, 0)


class _Decoder:
    def __init__(self, blobs: list[bytes]) -> None:
        self.blobs = blobs
        self.nodes = 0
        self.used: set[int] = set()

    def dec(self, node: Any, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise WireError(f"result has more than {MAX_NODES} values")
        return _dec(node, self, depth)


def _dec(node: Any, ctx: _Decoder, depth: int) -> Any:
    blobs = ctx.blobs
    if depth > MAX_DEPTH or not isinstance(node, dict):
        raise WireError("malformed value")
    kind = node.get("t")
    if kind == "atom":
        v = node.get("v")
        if v is None or isinstance(v, bool | str):
            return v
        raise WireError("malformed atom")
    if kind == "int":
        text = node.get("v")
        if not isinstance(text, str) or len(text) > 4300:
            raise WireError("malformed int")
        try:
            return int(text)
        except ValueError:
            raise WireError("malformed int") from None
    if kind == "float":
        text = node.get("v")
        if not isinstance(text, str) or len(text) > 40:
            raise WireError("malformed float")
        try:
            return float(text)
        except ValueError:
            raise WireError("malformed float") from None
    if kind in ("list", "tuple"):
        items = node.get("v")
        if not isinstance(items, list):
            raise WireError("malformed list")
        out = [ctx.dec(x, depth + 1) for x in items]
        return out if kind == "list" else tuple(out)
    if kind == "dict":
        pairs = node.get("v")
        if not isinstance(pairs, list):
            raise WireError("malformed dict")
        result: dict[str, Any] = {}
        for pair in pairs:
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
                raise WireError("malformed dict entry")
            result[pair[0]] = ctx.dec(pair[1], depth + 1)
        return result
    if kind == "tensor":
        index = node.get("blob")
        if index in ctx.used:
            raise WireError("a data blob is used twice")
        ctx.used.add(index)  # type: ignore[arg-type]
        return _dec_tensor(node, blobs)
    raise WireError(f"unknown value kind {kind!r}")


def _dec_tensor(node: dict[str, Any], blobs: list[bytes]) -> Any:
    torch = _torch()
    dtype_name, shape, index = node.get("dtype"), node.get("shape"), node.get("blob")
    if dtype_name not in _DTYPES:
        raise WireError(f"dtype {dtype_name!r} not allowed")
    if not (isinstance(shape, list) and len(shape) <= MAX_DIMS
            and all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape)):
        raise WireError("malformed shape")
    if not (isinstance(index, int) and 0 <= index < len(blobs)):
        raise WireError("malformed blob index")
    dtype = getattr(torch, dtype_name)
    numel = math.prod(shape)
    itemsize = torch.empty((), dtype=dtype).element_size()
    raw = blobs[index]
    if len(raw) != numel * itemsize:
        raise WireError("tensor size does not match its bytes")
    if numel == 0:
        return torch.empty(shape, dtype=dtype)
    flat = torch.frombuffer(bytearray(raw), dtype=torch.uint8).view(dtype)
    return flat.reshape(shape)


# -- framing: [u32 header length][header JSON][blob bytes, lengths listed in the header]


def send(sock: socket.socket, header: dict[str, Any], blobs: list[bytes] = ()) -> None:  # type: ignore[assignment]
    head = dict(header)
    head["blobs"] = [len(b) for b in blobs]
    data = json.dumps(head, allow_nan=False).encode("utf-8")
    if len(data) > MAX_HEADER:
        raise WireError("header too large")
    sock.sendall(struct.pack("!I", len(data)) + data)
    for b in blobs:
        sock.sendall(b)


def recv(sock: socket.socket, *, deadline: float | None = None, max_header: int = MAX_HEADER,
         max_blobs: int = MAX_BLOBS) -> tuple[dict[str, Any], list[bytes]]:
    """Read one message. Raises EOFError when the peer closed, WireError when it is malformed
    or larger than ``max_header``/``max_blobs``, TimeoutError when the whole message has not
    arrived by ``deadline`` (a ``time.monotonic()`` value; a peer that trickles bytes is late,
    not slow)."""
    (size,) = struct.unpack("!I", _read(sock, 4, deadline))
    if size > max_header:
        raise WireError(f"header too large ({size} bytes)")
    raw = _read(sock, size, deadline)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WireError(f"malformed header: {exc}") from None
    except RecursionError:
        raise WireError("malformed header: nested too deeply") from None
    if not isinstance(header, dict):
        raise WireError("header is not an object")
    sizes = header.pop("blobs", [])
    if not (isinstance(sizes, list) and len(sizes) <= MAX_BLOB_COUNT
            and all(type(n) is int and n >= 0 for n in sizes)):
        raise WireError("malformed blob sizes")
    if sum(sizes) > max_blobs:
        raise WireError(f"message too large ({sum(sizes)} bytes of data)")
    return header, [_read(sock, n, deadline) for n in sizes]


def _read(sock: socket.socket, n: int, deadline: float | None = None) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the message did not arrive in time")
            sock.settimeout(left)
        chunk = sock.recv(min(n - len(buf), 1 << 20))
        if not chunk:
            raise EOFError("peer closed the connection")
        buf += chunk
    return bytes(buf)

"""The data-only wire format: round trips, and hostile messages rejected without execution."""

from __future__ import annotations

import json
import socket
import struct

import pytest
import torch

from judge.engine import wire


def roundtrip(value):  # type: ignore[no-untyped-def]
    tree, blobs = wire.encode(value)
    a, b = socket.socketpair()
    with a, b:
        wire.send(a, {"value": tree}, blobs)
        header, got = wire.recv(b)
    return wire.decode(header["value"], got)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16,
                                   torch.int64, torch.int8, torch.uint8, torch.bool])
def test_tensor_roundtrip(dtype: torch.dtype) -> None:
    t = (torch.arange(12).reshape(3, 4) % 3).to(dtype)
    out = roundtrip(t)
    assert type(out) is torch.Tensor and out.dtype == dtype and torch.equal(out, t)


def test_nested_structures_and_scalars() -> None:
    value = {"a": [1, 2.5, None, "s", True], "b": (torch.zeros(0, 2), float("nan")), "c": 10**30}
    out = roundtrip(value)
    assert out["a"] == [1, 2.5, None, "s", True] and out["c"] == 10**30
    assert isinstance(out["b"], tuple) and out["b"][0].shape == (0, 2)
    assert out["b"][1] != out["b"][1]  # NaN survives


def test_non_contiguous_and_grad_tensors_are_sent_as_values() -> None:
    t = torch.randn(4, 5, requires_grad=True)
    out = roundtrip(t.t()[1:])
    assert not out.requires_grad and torch.equal(out, t.detach().t()[1:])


def test_tensor_subclass_comes_back_as_a_plain_tensor() -> None:
    class Liar(torch.Tensor):
        def __eq__(self, other):  # type: ignore[no-untyped-def,override]
            return True

    out = roundtrip(torch.ones(3).as_subclass(Liar))
    assert type(out) is torch.Tensor and torch.equal(out, torch.ones(3))


def test_objects_cannot_cross() -> None:
    with pytest.raises(TypeError, match="cannot cross the sandbox boundary"):
        wire.encode(object())
    with pytest.raises(TypeError, match="string keys"):
        wire.encode({1: 2})


@pytest.mark.parametrize("node", [
    {"t": "tensor", "dtype": "object", "shape": [1], "blob": 0},
    {"t": "tensor", "dtype": "float32", "shape": [2], "blob": 0},  # 4 bytes for 2 floats
    {"t": "tensor", "dtype": "float32", "shape": [-1], "blob": 0},
    {"t": "tensor", "dtype": "float32", "shape": [1], "blob": 5},
    {"t": "pickle", "v": "gASVAAAAAAAAAAA="},
    {"t": "dict", "v": [[1, {"t": "atom", "v": None}]]},
    {"t": "int", "v": "1" * 5000},
    "not a node",
])
def test_malformed_values_are_rejected(node: object) -> None:
    with pytest.raises(wire.WireError):
        wire.decode(node, [b"\0\0\0\0"])


def test_oversized_and_malformed_frames_are_rejected() -> None:
    a, b = socket.socketpair()
    with a, b:
        a.sendall(struct.pack("!I", wire.MAX_HEADER + 1))
        with pytest.raises(wire.WireError, match="too large"):
            wire.recv(b)
    a, b = socket.socketpair()
    with a, b:
        body = json.dumps({"blobs": [wire.MAX_BLOBS + 1]}).encode()
        a.sendall(struct.pack("!I", len(body)) + body)
        with pytest.raises(wire.WireError, match="too large"):
            wire.recv(b)
    a, b = socket.socketpair()
    with a, b:
        a.sendall(struct.pack("!I", 3) + b"{{{")
        with pytest.raises(wire.WireError, match="malformed header"):
            wire.recv(b)


def test_closed_peer_is_eof() -> None:
    a, b = socket.socketpair()
    a.close()
    with b, pytest.raises(EOFError):
        wire.recv(b)


def _frame(header: bytes) -> bytes:
    return struct.pack("!I", len(header)) + header


def test_a_trickled_message_misses_its_deadline() -> None:
    import threading
    import time

    a, b = socket.socketpair()
    frame = _frame(json.dumps({"ok": True, "blobs": []}).encode())

    def trickle() -> None:
        for i in range(len(frame)):
            try:
                a.send(frame[i:i + 1])
            except OSError:
                return
            time.sleep(0.05)

    sender = threading.Thread(target=trickle)
    sender.start()
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        wire.recv(b, deadline=time.monotonic() + 0.3)
    assert time.monotonic() - started < 1.0  # the whole message, not each read
    a.close()
    sender.join()
    b.close()


def test_deep_nesting_and_oversize_are_wire_errors() -> None:
    a, b = socket.socketpair()
    with a, b:
        a.sendall(_frame(b'{"v": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"))
        with pytest.raises(wire.WireError, match="nested too deeply"):
            wire.recv(b)
    a, b = socket.socketpair()
    with a, b:
        a.sendall(_frame(json.dumps({"blobs": [10_000_000]}).encode()))
        with pytest.raises(wire.WireError, match="too large"):
            wire.recv(b, max_blobs=1_000_000)
    a, b = socket.socketpair()
    with a, b:
        a.sendall(_frame(b"x" * 5000))
        with pytest.raises(wire.WireError, match="header too large"):
            wire.recv(b, max_header=4096)


def test_decoding_bounds_the_number_of_values() -> None:
    tree = {"t": "list", "v": [{"t": "atom", "v": None}] * (wire.MAX_NODES + 1)}
    with pytest.raises(wire.WireError, match="more than"):
        wire.decode(tree, [])


def test_a_blob_cannot_back_two_tensors() -> None:
    node = {"t": "tensor", "dtype": "uint8", "shape": [4], "blob": 0}
    with pytest.raises(wire.WireError, match="twice"):
        wire.decode({"t": "list", "v": [node, node]}, [b"abcd"])

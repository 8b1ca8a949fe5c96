"""Helpers for question tests: a comparison whose failure a learner can act on, and seeded inputs.

Tests receive the submission and the reference through the ``submission`` and ``reference``
fixtures and pass only data across the call (tensors, numbers, strings, None and lists, tuples
or dicts of them). Nothing here imports a submission.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import torch

# Set by the judge while running hidden tests: failure messages then omit expected values.
REDACT_EXPECTED = False


class Mismatch(AssertionError):
    """A result differs from the expected one; the message says how."""


def _fmt(x: Any) -> str:
    if isinstance(x, torch.Tensor):
        return f"tensor(shape={tuple(x.shape)}, dtype={str(x.dtype).replace('torch.', '')})"
    text = repr(x)
    return text if len(text) < 80 else text[:77] + "..."


def assert_close(actual: Any, expected: Any, *, rtol: float = 1e-4, atol: float = 1e-5,
                 name: str = "result", check_dtype: bool = False) -> None:
    """Assert ``actual`` matches ``expected`` (tensors, numbers, or nested lists/tuples/dicts).

    The failure names the path into the structure, the shape or dtype mismatch, or the max
    absolute and relative error and the first index that differs beyond tolerance.
    """
    if isinstance(expected, torch.Tensor):
        _close_tensor(actual, expected, rtol, atol, name, check_dtype)
    elif isinstance(expected, bool) or expected is None or isinstance(expected, str):
        if actual != expected or type(actual) is not type(expected):
            raise Mismatch(f"{name}: got {_fmt(actual)}" + _expected(f", expected {expected!r}"))
    elif isinstance(expected, int | float):
        if isinstance(actual, torch.Tensor) and actual.numel() == 1:
            actual = actual.item()
        if not isinstance(actual, int | float) or isinstance(actual, bool):
            raise Mismatch(f"{name}: expected a number, got {_fmt(actual)}")
        if math.isnan(expected) and math.isnan(actual):
            return
        if not math.isclose(actual, expected, rel_tol=rtol, abs_tol=atol):
            raise Mismatch(f"{name}: got {actual!r}" + _expected(f", expected {expected!r}")
                           + f" (abs error {abs(actual - expected):.3g})")
    elif isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            raise Mismatch(f"{name}: expected a dict, got {_fmt(actual)}")
        if set(actual) != set(expected):
            raise Mismatch(f"{name}: keys {sorted(map(str, actual))} differ from expected "
                           f"{sorted(map(str, expected))}")
        for key in expected:
            assert_close(actual[key], expected[key], rtol=rtol, atol=atol,
                         name=f"{name}[{key!r}]", check_dtype=check_dtype)
    elif isinstance(expected, Sequence):
        if not isinstance(actual, Sequence) or isinstance(actual, str):
            raise Mismatch(f"{name}: expected a {type(expected).__name__}, got {_fmt(actual)}")
        if len(actual) != len(expected):
            raise Mismatch(f"{name}: length {len(actual)}, expected {len(expected)}")
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_close(a, e, rtol=rtol, atol=atol, name=f"{name}[{i}]", check_dtype=check_dtype)
    else:
        raise TypeError(f"assert_close cannot compare expected values of type {type(expected)}")


def _expected(text: str) -> str:
    return "" if REDACT_EXPECTED else text


def _close_tensor(actual: Any, expected: torch.Tensor, rtol: float, atol: float, name: str,
                  check_dtype: bool) -> None:
    if isinstance(actual, int | float) and not isinstance(actual, bool) and expected.numel() == 1:
        actual = torch.tensor(actual, dtype=expected.dtype)
    if not isinstance(actual, torch.Tensor):
        raise Mismatch(f"{name}: expected a tensor of shape {tuple(expected.shape)}, "
                       f"got {_fmt(actual)}")
    if actual.shape != expected.shape:
        raise Mismatch(f"{name}: shape mismatch: got {tuple(actual.shape)}, expected "
                       f"{tuple(expected.shape)}")
    if check_dtype and actual.dtype != expected.dtype:
        raise Mismatch(f"{name}: dtype mismatch: got {actual.dtype}, expected {expected.dtype}")
    if expected.is_floating_point() != actual.is_floating_point() and expected.dtype != torch.bool:
        raise Mismatch(f"{name}: dtype mismatch: got {actual.dtype}, expected {expected.dtype}")
    a = actual.detach().to(torch.float64)
    e = expected.detach().to(torch.float64)
    if a.numel() == 0:
        return
    nan_a, nan_e = torch.isnan(a), torch.isnan(e)
    bad_nan = nan_a != nan_e
    diff = (a - e).abs()
    diff = torch.where(nan_a & nan_e, torch.zeros_like(diff), diff)
    both_inf = torch.isinf(a) & torch.isinf(e) & (a == e)
    diff = torch.where(both_inf, torch.zeros_like(diff), diff)
    tol = atol + rtol * e.abs()
    bad = bad_nan | (diff > tol) | torch.isnan(diff)
    if not bool(bad.any()):
        return
    flat = int(bad.reshape(-1).nonzero()[0])
    index = tuple(int(i) for i in torch.unravel_index(torch.tensor(flat), tuple(e.shape)))
    finite = diff[~torch.isnan(diff)]
    max_abs = float(finite.max()) if finite.numel() else float("nan")
    rel = diff / e.abs().clamp_min(1e-12)
    finite_rel = rel[~torch.isnan(rel)]
    max_rel = float(finite_rel.max()) if finite_rel.numel() else float("nan")
    where = f"index {index}" if index else "the value"
    got = a.reshape(-1)[flat].item()
    want = e.reshape(-1)[flat].item()
    detail = f"got {got:.6g}" + _expected(f", expected {want:.6g}")
    if REDACT_EXPECTED:
        # your value and an exact error would give the expected value away: two digits only
        max_abs, max_rel = float(f"{max_abs:.2g}"), float(f"{max_rel:.2g}")
    nan_note = " (NaN where a number was expected)" if bool(nan_a.reshape(-1)[flat]) else ""
    raise Mismatch(
        f"{name}: values differ: {int(bad.sum())} of {e.numel()} elements beyond tolerance "
        f"(rtol={rtol:g}, atol={atol:g}); max abs error {max_abs:.3g}, max rel error "
        f"{max_rel:.3g}; first at {where}: {detail}{nan_note}"
    )


def generator(seed: int) -> torch.Generator:
    """A CPU generator seeded with ``seed``: inputs built from it are the same on every run."""
    return torch.Generator().manual_seed(seed)


def randn(*shape: int, seed: int, scale: float = 1.0, dtype: torch.dtype = torch.float32,
          requires_grad: bool = False) -> torch.Tensor:
    """Standard normal values times ``scale``, reproducible from ``seed``."""
    t = (torch.randn(*shape, generator=generator(seed), dtype=torch.float64) * scale).to(dtype)
    return t.requires_grad_(requires_grad)


def make_logits(batch: int, classes: int, *, seed: int, scale: float = 3.0,
                dtype: torch.dtype = torch.float32, requires_grad: bool = False) -> torch.Tensor:
    """Logits of shape (batch, classes); a large ``scale`` exercises overflow-prone formulas."""
    return randn(batch, classes, seed=seed, scale=scale, dtype=dtype, requires_grad=requires_grad)


def make_labels(batch: int, classes: int, *, seed: int) -> torch.Tensor:
    """Integer class labels (int64) of shape (batch,)."""
    return torch.randint(0, classes, (batch,), generator=generator(seed))


def make_embeddings(n: int, dim: int, *, seed: int, dtype: torch.dtype = torch.float32,
                    requires_grad: bool = False) -> torch.Tensor:
    """Embeddings of shape (n, dim), not normalised."""
    return randn(n, dim, seed=seed, dtype=dtype, requires_grad=requires_grad)


def make_episode(n_way: int, k_shot: int, n_query: int, dim: int, *, seed: int,
                 spread: float = 2.0) -> dict[str, torch.Tensor]:
    """A synthetic few-shot episode of Gaussian class clusters in ``dim`` dimensions.

    Returns support (n_way*k_shot, dim), support_labels, query (n_way*n_query, dim) and
    query_labels, with labels 0..n_way-1 in class-major order.
    """
    g = generator(seed)
    centres = torch.randn(n_way, dim, generator=g) * spread
    support = centres.repeat_interleave(k_shot, 0) + torch.randn(n_way * k_shot, dim, generator=g)
    query = centres.repeat_interleave(n_query, 0) + torch.randn(n_way * n_query, dim, generator=g)
    return {
        "support": support,
        "support_labels": torch.arange(n_way).repeat_interleave(k_shot),
        "query": query,
        "query_labels": torch.arange(n_way).repeat_interleave(n_query),
    }


def clone_all(value: Any) -> Any:
    """A deep copy of tensors in a nested structure, to check that a call left inputs unchanged."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, Mapping):
        return {k: clone_all(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(clone_all(v) for v in value)
    return value

"""The stable API for question tests: a strict comparison, trusted evidence, seeded inputs.

Tests receive the submission and the reference through the ``submission`` and ``reference``
fixtures and pass only data across the call (tensors, numbers, strings, None and lists, tuples
or dicts of them). Nothing here imports a submission. ``docs/authoring.md`` documents every name
below; changing a signature breaks the bank's tests.

The contract ``assert_close`` holds a result to: the same type, dtype and shape as the expected
value (an opt-out must state its reason), values within tolerance, and no NaN or infinity unless
the test allows them (then they must match exactly, position and sign).

Trusted evidence: a test believes nothing that the submission's process computed except the
values it returns. ``run_unchanged``/``call_unchanged`` snapshot inputs here, before they are
sent in; ``state_of`` lets a probe return what a model learned, and ``assert_like``/``load_state``
check and load it into a trusted model, so the test recomputes features and losses itself.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch

# Set by the judge while running hidden tests: failure messages then omit expected values.
REDACT_EXPECTED = False
# Set by the judge: "full" (practice: errors, first index, your value) or "minimal" (graded
# work: the name of what failed and which property, nothing that measures the distance).
FEEDBACK = "full"

PROPERTIES = ("type", "shape", "dtype", "values", "non-finite", "keys", "length")
_MINIMAL = {
    "type": "wrong type",
    "shape": "wrong shape",
    "dtype": "wrong dtype",
    "values": "values differ",
    "non-finite": "NaN or infinity where it is not expected",
    "keys": "keys differ",
    "length": "wrong length",
}


class Mismatch(AssertionError):
    """A result differs from the expected one.

    ``name`` says what was checked, ``prop`` which property failed (one of ``PROPERTIES``) and
    ``detail`` how, in numbers. The message holds the detail only when ``FEEDBACK`` is "full".
    """

    def __init__(self, name: str, prop: str, detail: str = "") -> None:
        if prop not in PROPERTIES:
            raise ValueError(f"unknown property {prop!r}; use one of {', '.join(PROPERTIES)}")
        self.name, self.prop, self.detail = name, prop, detail
        if FEEDBACK == "minimal" or not detail:
            message = f"{name}: {_MINIMAL[prop]}"
        else:
            message = f"{name}: {detail}"
        super().__init__(message)


def expect(condition: bool, name: str, detail: str = "", *, prop: str = "values") -> None:
    """Fail with a ``Mismatch`` unless ``condition`` holds: a test's own check that honours the
    feedback level. ``name`` says what was checked (a property of the task, not a guess at the
    cause); ``detail`` may give numbers, shown only with full feedback."""
    if not condition:
        raise Mismatch(name, prop, detail)


def _fmt(x: Any) -> str:
    if isinstance(x, torch.Tensor):
        return f"tensor(shape={tuple(x.shape)}, dtype={str(x.dtype).replace('torch.', '')})"
    text = repr(x)
    return text if len(text) < 80 else text[:77] + "..."


def _kind(x: Any) -> str:
    return "a tensor" if isinstance(x, torch.Tensor) else f"a {type(x).__name__}"


def _expected(text: str) -> str:
    return "" if REDACT_EXPECTED else text


def assert_close(actual: Any, expected: Any, *, rtol: float = 1e-4, atol: float = 1e-5,
                 name: str = "result", check_dtype: bool = True, check_shape: bool = True,
                 allow_nonfinite: bool = False, reason: str = "") -> None:
    """Assert that ``actual`` matches ``expected`` (tensors, numbers, bools, strings, None, or
    nested lists/tuples/dicts of them) and raise ``Mismatch`` naming the property that fails.

    - Type, dtype and shape must match. ``check_dtype=False`` (any floating dtype for a floating
      tensor; a one-element tensor for a number) and ``check_shape=False`` (same number of
      elements) need a ``reason=`` saying why the statement leaves it open.
    - Where ``int`` is expected, a Python ``int``; where ``float`` is, an ``int`` or ``float``.
    - Any NaN or infinity in ``actual`` fails, unless ``allow_nonfinite=True``: then every NaN
      and infinity must be where ``expected`` has one, with the same sign. An expected value
      holding NaN or infinity without ``allow_nonfinite`` is a bug in the test (ValueError).
    """
    if (not check_dtype or not check_shape) and not reason.strip():
        raise TypeError("assert_close: check_dtype=False or check_shape=False needs reason=..., "
                        "saying why the statement leaves the dtype or shape open")
    opts = _Opts(rtol, atol, check_dtype, check_shape, allow_nonfinite)
    _compare(actual, expected, name, opts)


class _Opts:
    def __init__(self, rtol: float, atol: float, check_dtype: bool, check_shape: bool,
                 allow_nonfinite: bool) -> None:
        self.rtol, self.atol = rtol, atol
        self.check_dtype, self.check_shape = check_dtype, check_shape
        self.allow_nonfinite = allow_nonfinite


def _compare(actual: Any, expected: Any, name: str, o: _Opts) -> None:
    if isinstance(expected, torch.Tensor):
        _close_tensor(actual, expected, name, o)
    elif isinstance(expected, bool) or expected is None or isinstance(expected, str):
        if type(actual) is not type(expected):
            raise Mismatch(name, "type", f"got {_fmt(actual)}, expected {_kind(expected)}")
        if actual != expected:
            raise Mismatch(name, "values", f"got {_fmt(actual)}" + _expected(f", expected {expected!r}"))
    elif isinstance(expected, int | float):
        _close_number(actual, expected, name, o)
    elif isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            raise Mismatch(name, "type", f"expected a dict, got {_fmt(actual)}")
        if set(actual) != set(expected):
            missing = sorted(map(str, set(expected) - set(actual)))
            extra = sorted(map(str, set(actual) - set(expected)))
            raise Mismatch(name, "keys", f"keys differ: missing {missing}, unexpected {extra}")
        for key in expected:
            _compare(actual[key], expected[key], f"{name}[{key!r}]", o)
    elif isinstance(expected, Sequence):
        if not isinstance(actual, list | tuple):
            raise Mismatch(name, "type", f"expected a {type(expected).__name__}, got {_fmt(actual)}")
        if len(actual) != len(expected):
            raise Mismatch(name, "length", f"length {len(actual)}, expected {len(expected)}")
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            _compare(a, e, f"{name}[{i}]", o)
    else:
        raise TypeError(f"assert_close cannot compare expected values of type {type(expected)}")


def _close_number(actual: Any, expected: int | float, name: str, o: _Opts) -> None:
    want = "an int" if isinstance(expected, int) else "a float"
    if isinstance(actual, torch.Tensor) and not o.check_dtype and actual.numel() == 1:
        actual = actual.item()
    if isinstance(actual, bool) or not isinstance(actual, int | float):
        raise Mismatch(name, "type", f"expected {want}, got {_fmt(actual)}")
    if o.check_dtype and isinstance(expected, int) and not isinstance(actual, int):
        raise Mismatch(name, "dtype", f"expected {want}, got {_fmt(actual)}")
    if not math.isfinite(expected) and not o.allow_nonfinite:
        raise ValueError(f"assert_close({name}): the expected value is {expected!r}; pass "
                         "allow_nonfinite=True if the task requires it")
    if not math.isfinite(actual):
        if not o.allow_nonfinite or not _same_nonfinite(float(actual), float(expected)):
            raise Mismatch(name, "non-finite", f"got {actual!r}" + _expected(f", expected {expected!r}"))
        return
    if not math.isfinite(expected):
        raise Mismatch(name, "non-finite", f"got {actual!r}" + _expected(f", expected {expected!r}"))
    if not math.isclose(actual, expected, rel_tol=o.rtol, abs_tol=o.atol):
        err = abs(actual - expected)
        detail = f"got {actual!r}" + _expected(f", expected {expected!r}")
        detail += f" (abs error {float(f'{err:.2g}') if REDACT_EXPECTED else err:.3g})"
        raise Mismatch(name, "values", detail)


def _same_nonfinite(a: float, e: float) -> bool:
    return (math.isnan(a) and math.isnan(e)) or (math.isinf(a) and a == e)


def _index(flat: int, shape: tuple[int, ...]) -> str:
    if not shape:
        return "the value"
    idx = tuple(int(i) for i in torch.unravel_index(torch.tensor(flat), shape))
    return f"index {idx}"


def _close_tensor(actual: Any, expected: torch.Tensor, name: str, o: _Opts) -> None:
    if (not o.check_dtype and isinstance(actual, int | float) and not isinstance(actual, bool)
            and expected.numel() == 1):
        actual = torch.tensor(actual, dtype=expected.dtype).reshape(expected.shape)
    if not isinstance(actual, torch.Tensor):
        raise Mismatch(name, "type", f"expected a tensor of shape {tuple(expected.shape)}, "
                                     f"got {_fmt(actual)}")
    if actual.shape != expected.shape:
        if o.check_shape or actual.numel() != expected.numel():
            raise Mismatch(name, "shape", f"shape mismatch: got {tuple(actual.shape)}, expected "
                                          f"{tuple(expected.shape)}")
        actual = actual.reshape(expected.shape)
    if actual.dtype != expected.dtype and (
            o.check_dtype or expected.is_floating_point() != actual.is_floating_point()
            or expected.is_complex() != actual.is_complex()):
        raise Mismatch(name, "dtype", f"dtype mismatch: got {actual.dtype}, expected {expected.dtype}")
    if actual.numel() == 0:
        return
    if expected.is_complex():
        a = torch.view_as_real(actual.detach().to(torch.complex128))
        e = torch.view_as_real(expected.detach().to(torch.complex128))
    else:
        a, e = actual.detach().to(torch.float64), expected.detach().to(torch.float64)
    fin_a, fin_e = torch.isfinite(a), torch.isfinite(e)
    if not bool(fin_e.all()) and not o.allow_nonfinite:
        raise ValueError(f"assert_close({name}): the expected value holds NaN or infinity; pass "
                         "allow_nonfinite=True if the task requires it")
    if not o.allow_nonfinite:
        bad = ~fin_a
    else:
        same = (torch.isnan(a) & torch.isnan(e)) | (torch.isinf(a) & (a == e))
        bad = (~fin_a | ~fin_e) & ~same
    if bool(bad.any()):
        flat = int(bad.reshape(-1).nonzero()[0])
        got = a.reshape(-1)[flat].item()
        want = e.reshape(-1)[flat].item()
        where = _index(flat, tuple(e.shape))
        raise Mismatch(name, "non-finite", f"{int(bad.sum())} of {e.numel()} elements are NaN or "
                       f"infinite where the expected value is not, or the other way round; first "
                       f"at {where}: got {got:.6g}" + _expected(f", expected {want:.6g}"))
    both = fin_a & fin_e
    diff = torch.where(both, (a - e).abs(), torch.zeros_like(a))
    tol = o.atol + o.rtol * torch.where(both, e.abs(), torch.zeros_like(e))
    bad = diff > tol
    if not bool(bad.any()):
        return
    flat = int(bad.reshape(-1).nonzero()[0])
    max_abs = float(diff.max())
    max_rel = float((diff / torch.where(both, e.abs(), torch.ones_like(e)).clamp_min(1e-12)).max())
    got = a.reshape(-1)[flat].item()
    want = e.reshape(-1)[flat].item()
    if REDACT_EXPECTED:
        # your value and an exact error would give the expected value away: two digits only
        max_abs, max_rel = float(f"{max_abs:.2g}"), float(f"{max_rel:.2g}")
    raise Mismatch(name, "values", (
        f"values differ: {int(bad.sum())} of {e.numel()} elements beyond tolerance "
        f"(rtol={o.rtol:g}, atol={o.atol:g}); max abs error {max_abs:.3g}, max rel error "
        f"{max_rel:.3g}; first at {_index(flat, tuple(e.shape))}: got {got:.6g}"
        + _expected(f", expected {want:.6g}")))


def assert_like(actual: Any, template: Any, *, name: str = "result",
                allow_nonfinite: bool = False) -> None:
    """Assert that ``actual`` has the structure of ``template`` (same keys, lengths, types),
    every tensor the same shape and dtype, and no NaN or infinity; values are not compared.

    Use it on what a probe returns before trusted code computes with it (learned parameters,
    sampled ids): evidence is recomputed from checked data only.
    """
    if isinstance(template, torch.Tensor):
        if not isinstance(actual, torch.Tensor):
            raise Mismatch(name, "type", f"expected a tensor of shape {tuple(template.shape)}, "
                                         f"got {_fmt(actual)}")
        if actual.shape != template.shape:
            raise Mismatch(name, "shape", f"shape mismatch: got {tuple(actual.shape)}, expected "
                                          f"{tuple(template.shape)}")
        if actual.dtype != template.dtype:
            raise Mismatch(name, "dtype", f"dtype mismatch: got {actual.dtype}, expected {template.dtype}")
        if not allow_nonfinite and (actual.is_floating_point() or actual.is_complex()):
            count = int((~torch.isfinite(actual)).sum())
            if count:
                raise Mismatch(name, "non-finite", f"{count} of {actual.numel()} elements are NaN "
                                                   "or infinite")
    elif isinstance(template, Mapping):
        if not isinstance(actual, Mapping):
            raise Mismatch(name, "type", f"expected a dict, got {_fmt(actual)}")
        if set(actual) != set(template):
            missing = sorted(map(str, set(template) - set(actual)))
            extra = sorted(map(str, set(actual) - set(template)))
            raise Mismatch(name, "keys", f"keys differ: missing {missing}, unexpected {extra}")
        for key in template:
            assert_like(actual[key], template[key], name=f"{name}[{key!r}]",
                        allow_nonfinite=allow_nonfinite)
    elif isinstance(template, list | tuple):
        if not isinstance(actual, list | tuple):
            raise Mismatch(name, "type", f"expected a {type(template).__name__}, got {_fmt(actual)}")
        if len(actual) != len(template):
            raise Mismatch(name, "length", f"length {len(actual)}, expected {len(template)}")
        for i, (a, t) in enumerate(zip(actual, template, strict=True)):
            assert_like(a, t, name=f"{name}[{i}]", allow_nonfinite=allow_nonfinite)
    elif isinstance(template, bool) or template is None or isinstance(template, str):
        if type(actual) is not type(template):
            raise Mismatch(name, "type", f"got {_fmt(actual)}, expected {_kind(template)}")
    elif isinstance(template, int | float):
        ok = isinstance(actual, int) if isinstance(template, int) else isinstance(actual, int | float)
        if isinstance(actual, bool) or not ok:
            raise Mismatch(name, "type", f"expected {_kind(template)}, got {_fmt(actual)}")
        if not allow_nonfinite and not math.isfinite(actual):
            raise Mismatch(name, "non-finite", f"got {actual!r}")
    else:
        raise TypeError(f"assert_like cannot check templates of type {type(template)}")


# ------------------------------------------------------------------------ trusted evidence

def run_unchanged(m: Any, probe: Callable[..., Any], *inputs: Any,
                  name: str = "inputs after the call") -> Any:
    """Run ``probe(module, *inputs)`` beside the module ``m`` (the ``submission`` or
    ``reference`` fixture) and return its result, after asserting that the run left ``inputs``
    exactly as they were.

    The snapshot is taken here, on the trusted side, before the inputs are sent in; what comes
    back is the submission's copy of the inputs after the probe, compared with the snapshot
    bit for bit (dtype and shape included).
    """
    snapshot = clone_all(inputs)

    def wrapper(module: Any) -> Any:
        return probe(module, *inputs), inputs

    result, after = m.run(wrapper)
    assert_close(after, snapshot, rtol=0.0, atol=0.0, allow_nonfinite=True, name=name)
    return result


def call_unchanged(m: Any, entry_point: str, *args: Any, name: str = "inputs after the call",
                   **kwargs: Any) -> Any:
    """``m.<entry_point>(*args, **kwargs)``, asserting (as ``run_unchanged``) that the call left
    its arguments unchanged; returns the call's result."""

    def probe(module: Any, a: Any, k: Any) -> Any:
        return getattr(module, entry_point)(*a, **k)

    return run_unchanged(m, probe, args, kwargs, name=name)


def state_of(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """Detached copies of a model's parameters and buffers (its ``state_dict``): what a probe
    returns so that the trusted side can recompute the evidence of learning itself."""
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def load_state(model: torch.nn.Module, state: Any, *,
               name: str = "learned parameters") -> torch.nn.Module:
    """Load ``state`` (returned by a probe, from ``state_of``) into ``model``, a fresh trusted
    model of the same architecture, after ``assert_like`` (same keys, shapes and dtypes, all
    finite). Returns ``model``; the test then computes features and losses with it."""
    template = model.state_dict()
    assert_like(state, dict(template), name=name)
    model.load_state_dict(state, strict=True)
    return model


# ------------------------------------------------------------------------ distribution tests

@functools.lru_cache(maxsize=64)
def _binomial_pmf(n: int, p: float) -> tuple[float, ...]:
    if not 0.0 <= p <= 1.0 or n < 0:
        raise ValueError("binomial: need n >= 0 and 0 <= p <= 1")
    if p in (0.0, 1.0):
        return tuple(1.0 if k == round(p * n) else 0.0 for k in range(n + 1))
    logs = [math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
            + k * math.log(p) + (n - k) * math.log1p(-p) for k in range(n + 1)]
    return tuple(math.exp(v) for v in logs)


def binomial_tail(n: int, p: float, lo: int, hi: int) -> float:
    """P(X < lo) + P(X > hi) for X ~ Binomial(n, p), exact (each term computed in log space):
    the chance that a correct sampler's count falls outside ``[lo, hi]``."""
    pmf = _binomial_pmf(n, p)
    return min(sum(pmf[:max(lo, 0)]) + sum(pmf[max(hi + 1, 0):]), 1.0)


def binomial_bounds(n: int, p: float, alpha: float) -> tuple[int, int]:
    """The widest-tailed interval ``[lo, hi]`` with P(X < lo) <= alpha/2 and P(X > hi) <= alpha/2
    for X ~ Binomial(n, p): a count outside it rejects a correct sampler with probability at
    most ``alpha`` (``binomial_tail`` gives the exact figure). Linear in ``n``."""
    pmf = _binomial_pmf(n, p)
    lo, below = 0, 0.0
    while lo < n and below + pmf[lo] <= alpha / 2:
        below += pmf[lo]
        lo += 1
    hi, above = n, 0.0
    while hi > 0 and above + pmf[hi] <= alpha / 2:
        above += pmf[hi]
        hi -= 1
    return lo, hi


# ------------------------------------------------------------------------ seeded inputs

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
    """A deep copy of tensors in a nested structure (detached), other values as they are."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, Mapping):
        return {k: clone_all(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(clone_all(v) for v in value)
    return value

"""The indexed submodule lookup gives cloudpickle exactly the answer of its own scan."""

from __future__ import annotations

import importlib
import sys
import types

import cloudpickle
import torch
import torch.nn.functional

from judge.engine import fastpickle


def _uses_submodules(x: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.relu(x) + torch.linalg.norm(x)


def _uses_none(x: int) -> int:
    return x + 1


def _original() -> types.FunctionType:
    """cloudpickle's own function, from a fresh copy of its module."""
    fresh = importlib.util.module_from_spec(importlib.util.find_spec("cloudpickle.cloudpickle"))
    fresh.__spec__.loader.exec_module(fresh)  # type: ignore[union-attr]
    return fresh._find_imported_submodules  # type: ignore[no-any-return]


def test_same_submodules_as_cloudpickles_scan() -> None:
    original = _original()
    cases = [(_uses_submodules.__code__, [torch]), (_uses_submodules.__code__, [torch, sys]),
             (_uses_none.__code__, [torch]), (_uses_submodules.__code__, [torch.nn, 3]),
             (_original.__code__, [importlib, types])]
    for code, deps in cases:
        assert fastpickle.find_imported_submodules(code, deps) == original(code, deps)
    found = fastpickle.find_imported_submodules(_uses_submodules.__code__, [torch])
    assert torch.nn.functional in found and torch.linalg in found  # the check has something to find


def test_index_follows_new_imports() -> None:
    name = "judge_fastpickle_probe_pkg"
    pkg, sub = types.ModuleType(name), types.ModuleType(f"{name}.inner")
    pkg.__package__, sub.__package__ = name, name

    def uses_inner() -> object:
        return judge_fastpickle_probe_pkg.inner  # type: ignore[name-defined]  # noqa: F821

    assert fastpickle.find_imported_submodules(uses_inner.__code__, [pkg]) == []
    sys.modules[name], sys.modules[f"{name}.inner"] = pkg, sub
    try:
        assert fastpickle.find_imported_submodules(uses_inner.__code__, [pkg]) == [sub]
    finally:
        del sys.modules[f"{name}.inner"], sys.modules[name]


def test_installed_and_probes_still_round_trip() -> None:
    assert fastpickle.install()
    from cloudpickle import cloudpickle as impl

    assert impl._find_imported_submodules is fastpickle.find_imported_submodules
    probe = cloudpickle.loads(cloudpickle.dumps(_uses_submodules))
    x = torch.tensor([-1.0, 2.0])
    assert torch.equal(probe(x), _uses_submodules(x))

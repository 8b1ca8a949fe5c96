"""A faster lookup of a pickled function's imported submodules, for cloudpickle on the trusted side.

Every probe a hidden test sends into the sandbox is pickled by value with cloudpickle, which, for
each package the function uses (``torch``, almost always), scans all of ``sys.modules`` for the
submodules the code can reach (``_find_imported_submodules``): about 1.2 ms per function with
torch imported, a tenth of the trusted side's CPU in ``judge check``. ``install()`` replaces that
function with one that gives the same answer from an index of ``sys.modules`` by package, rebuilt
whenever ``sys.modules`` changes. If cloudpickle ever drops the function, nothing is replaced.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable
from typing import Any

_NAME = "_find_imported_submodules"
_index: dict[str, list[tuple[str, frozenset[str]]]] = {}
_stamp: tuple[int, str] = (-1, "")


def _modules_stamp() -> tuple[int, str]:
    """Changes whenever a module is imported (or removed) in practice: count and newest name."""
    modules = sys.modules
    last = next(reversed(modules), "") if modules else ""
    return len(modules), str(last)


def _package_index() -> dict[str, list[tuple[str, frozenset[str]]]]:
    """For each ``prefix`` ("torch."), its loaded submodules and the name parts after it."""
    global _stamp
    stamp = _modules_stamp()
    if stamp != _stamp:
        _index.clear()
        for name in list(sys.modules):
            if not isinstance(name, str):
                continue
            parts = name.split(".")
            for i in range(1, len(parts)):
                prefix = ".".join(parts[:i]) + "."
                _index.setdefault(prefix, []).append((name, frozenset(parts[i:])))
        _stamp = stamp
    return _index


def find_imported_submodules(code: types.CodeType, top_level_dependencies: Iterable[Any]
                             ) -> list[types.ModuleType]:
    """cloudpickle's ``_find_imported_submodules``, answered from an index: the loaded
    submodules of each package in ``top_level_dependencies`` whose name parts all appear among
    the code's names, in ``sys.modules`` order."""
    subimports = []
    names = frozenset(code.co_names)
    index = _package_index()
    for dep in top_level_dependencies:
        if isinstance(dep, types.ModuleType) and getattr(dep, "__package__", None):
            for name, tokens in index.get(dep.__name__ + ".", ()):
                module = sys.modules.get(name)
                if module is not None and tokens <= names:
                    subimports.append(module)
    return subimports


def install() -> bool:
    """Put the indexed lookup into cloudpickle; False if cloudpickle has no such function."""
    from cloudpickle import cloudpickle as impl

    if not callable(getattr(impl, _NAME, None)):
        return False
    setattr(impl, _NAME, find_imported_submodules)
    return True

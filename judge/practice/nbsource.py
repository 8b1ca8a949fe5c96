"""Turn functions and classes defined in a notebook into one Python module for the sandbox.

The sandbox takes source code, never live objects, so a notebook submission travels as text:

- each submitted function or class, by its own source (``inspect.getsource``: IPython keeps
  every cell's code, so this works for anything defined with ``def`` or ``class`` in a cell);
- every global name that code uses (found with ``symtable``, so locals and arguments are not
  mistaken for globals), resolved in the notebook's namespace:
  a module becomes an ``import`` line; a function or class defined in the notebook comes along
  by its source, recursively; one imported from a package becomes ``from package import name``;
  a plain constant (None, bool, int, float, str, bytes, and tuples, lists, sets and dicts of
  them) becomes an assignment of its ``repr``; a ``torch.dtype`` becomes ``torch.<dtype>``;
- a submitted object whose name differs from the entry point is bound to it
  (``distillation_loss = my_kd``).

Anything else a submission uses from the notebook (a tensor, a model, an open file, a lambda)
cannot travel and is reported by name, with what to do. Builtins are left to the sandbox's own.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import math
import symtable
import sys
import textwrap
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from judge.errors import UsageError

_LITERALS = (type(None), bool, int, float, complex, str, bytes)


class NotebookError(UsageError):
    """A notebook object that cannot be sent into the sandbox, with the fix."""


def _is_literal(value: Any, depth: int = 0) -> bool:
    if depth > 4:
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    if isinstance(value, _LITERALS):
        return True
    if isinstance(value, tuple | list | set | frozenset):
        return len(value) <= 1000 and all(_is_literal(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return len(value) <= 1000 and all(_is_literal(k, depth + 1) and _is_literal(v, depth + 1)
                                          for k, v in value.items())
    return False


def _source_of(name: str, obj: Any) -> str:
    if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
        raise NotebookError(f"{name!r} is a lambda: its source cannot be isolated",
                            f"Define it with `def {name}(...):` in a cell.")
    try:
        source = inspect.getsource(obj)
    except (OSError, TypeError) as exc:
        found = _class_source(obj) if isinstance(obj, type) else None
        if found is not None:
            return textwrap.dedent(found)
        raise NotebookError(f"cannot find the source code of {name!r} ({exc})",
                            "Define it with `def` or `class` in a notebook cell or a .py file, "
                            "and run that cell again.") from None
    return textwrap.dedent(source)


def _class_source(cls: type) -> str | None:
    """A notebook class's source, found through its methods' cell.

    Before Python 3.13, ``inspect.getsource`` looks for a class in its module's file, and the
    notebook's ``__main__`` has none; a method's code still names the cell it came from.
    """
    import linecache

    cells = {f.__code__.co_filename for f in vars(cls).values() if isinstance(f, types.FunctionType)}
    for cell in cells:
        lines = linecache.getlines(cell)
        try:
            tree = ast.parse("".join(lines))
        except SyntaxError:
            continue
        for node in reversed(tree.body):
            if isinstance(node, ast.ClassDef) and node.name == cls.__name__ and node.end_lineno:
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                return "".join(lines[first - 1:node.end_lineno])
    return None


def global_names(source: str) -> list[str]:
    """Global names the code reads, in first-use order (not those it defines at its top level)."""
    table = symtable.symtable(source, "<submission>", "exec")
    defined = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
    seen: list[str] = []

    def walk(t: symtable.SymbolTable) -> None:
        for sym in t.get_symbols():
            name = sym.get_name()
            if sym.is_referenced() and sym.is_global() and name not in defined and name not in seen:
                seen.append(name)
        for child in t.get_children():
            walk(child)

    walk(table)
    return seen


def _sandbox_roots() -> list[Path]:
    """Where the sandbox's Python finds modules: the runtime, its packages, the judge itself."""
    import judge

    roots = {Path(sys.base_prefix), Path(sys.prefix), Path(judge.__file__).resolve().parent}
    roots |= {Path(p) for p in sys.path if p.endswith("site-packages")}
    return [r.resolve() for r in roots]


def in_sandbox(module: str) -> bool:
    """Whether the sandbox can import ``module`` too (not a file of the notebook's folder)."""
    top = sys.modules.get(module.split(".")[0])
    if top is None:
        return False
    where = getattr(top, "__file__", None)
    if where is None:
        return module.split(".")[0] in sys.builtin_module_names
    path = Path(where).resolve()
    return any(path.is_relative_to(root) for root in _sandbox_roots())


def _importable(obj: Any) -> str | None:
    """``module`` if ``obj`` can be imported by name from it, here and in the sandbox, else None."""
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", "")
    if not module or module == "__main__" or "<" in qualname or "." in qualname:
        return None
    try:
        found = getattr(importlib.import_module(module), qualname, None)
    except Exception:  # noqa: BLE001 - any import failure means "not importable"
        return None
    return module if found is obj and in_sandbox(module) else None


@dataclass
class _Builder:
    imports: list[str] = field(default_factory=list)
    constants: list[str] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)
    bound: dict[str, Any] = field(default_factory=dict)  # name -> object it stands for
    namespace: Mapping[str, Any] = field(default_factory=dict)  # the notebook's globals

    def bind(self, name: str, obj: Any, used_by: str) -> None:
        if name in self.bound:
            if self.bound[name] is not obj:
                raise NotebookError(f"the name {name!r} stands for two different things",
                                    "Rename one of them and run the cells again.")
            return
        self.bound[name] = obj
        if isinstance(obj, types.ModuleType):
            if not in_sandbox(obj.__name__):
                raise NotebookError(
                    f"{used_by} uses the module {obj.__name__!r}, which the sandbox cannot import "
                    "(it is not an installed package)",
                    "Copy the functions you need from it into a notebook cell.")
            line = f"import {obj.__name__}" if obj.__name__ == name else (
                f"import {obj.__name__} as {name}")
            self.imports.append(line)
        elif _is_literal(obj):
            self.constants.append(f"{name} = {obj!r}")
        elif _importable(obj) is not None:
            module, real = _importable(obj), obj.__qualname__
            alias = "" if real == name else f" as {name}"
            self.imports.append(f"from {module} import {real}{alias}")
        elif isinstance(obj, type | types.FunctionType):
            self.definition(name, obj)
        elif type(obj).__module__ == "torch" and type(obj).__name__ == "dtype":
            self.bind("torch", importlib.import_module("torch"), name)
            self.constants.append(f"{name} = {obj}")
        else:
            kind = type(obj).__name__
            raise NotebookError(
                f"{used_by} uses {name!r} (a {kind} from the notebook), which cannot be sent into "
                "the sandbox",
                f"Create {name} inside your function, or pass it in as an argument. Only functions, "
                "classes, imports and plain constants (numbers, strings, tuples, lists, dicts) "
                "travel with a submission.")

    def definition(self, name: str, obj: Any) -> None:
        """Add ``obj`` by its source, after everything its code uses from the notebook."""
        source = _source_of(name, obj)
        real = obj.__name__
        if real != name and real not in self.bound:
            self.bound[real] = obj
        namespace: Mapping[str, Any]
        if isinstance(obj, types.FunctionType):
            namespace = obj.__globals__
        elif obj.__module__ in ("__main__", None) or obj.__module__ not in sys.modules:
            namespace = self.namespace
        else:
            namespace = vars(sys.modules[obj.__module__])
        try:
            names = global_names(source)
        except SyntaxError as exc:
            raise NotebookError(f"the source of {name!r} does not parse ({exc})",
                                "Run the cell that defines it again.") from None
        for used in names:
            if used in self.bound or used == real:
                continue
            if used in namespace:
                self.bind(used, namespace[used], real)
            # else: a builtin, or a name that is undefined in the notebook too (a NameError
            # there and in the sandbox alike)
        self.definitions.append(source.rstrip() + "\n")
        if real != name:
            self.definitions.append(f"{name} = {real}\n")

    def module(self) -> str:
        head = ('"""Built by judge.practice.notebook from the notebook\'s cells '
                '(see docs/practice.md)."""\n')
        parts = [head]
        if self.imports:
            parts.append("\n".join(dict.fromkeys(self.imports)) + "\n")
        if self.constants:
            parts.append("\n".join(self.constants) + "\n")
        parts += self.definitions
        return "\n\n".join(p.rstrip("\n") for p in parts) + "\n"


def build_module(entries: Mapping[str, Any], namespace: Mapping[str, Any] | None = None) -> str:
    """A module that defines each entry point name from its notebook object, by its source.

    ``namespace``: the notebook's globals (for classes; a function carries its own).
    """
    builder = _Builder(namespace=namespace if namespace is not None else {})
    for name, obj in entries.items():
        if not isinstance(obj, type | types.FunctionType):
            raise NotebookError(f"{name} must be a function or class defined in the notebook, "
                                f"got a {type(obj).__name__}",
                                f"Pass the function itself: submit(..., {name}) without calling it.")
        builder.bound[name] = obj
        builder.definition(name, obj)
    text = builder.module()
    ast.parse(text)  # our own output must parse; a failure here is a bug, not the learner's
    return text

"""Mutants of a reference solution: small, plausible faults made for tensor code.

``generate(source, entry_points)`` parses a reference with :mod:`ast`, finds every place where one
of the operators in :mod:`judge.bank.mutation_ops` applies, and returns one ``Mutant`` per place:
a complete module with that single fault. The list is deterministic: the same source gives the
same mutants, in the same order, with the same ids, on every run and every machine.

An id names the operator, the function it is in and a short hash of what changed (the code before
and after, not its line), so an id survives edits elsewhere in the file and goes stale only when
the mutated code itself changes.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from judge.bank import mutation_ops as ops
from judge.bank.mutation_build import binds_torch

SHORT = 72  # longest code snippet shown in a description

# Appended to a mutant that casts or detaches a value. It prints ops.REACHED the first time it
# runs and ops.EFFECT the first time it changes something, so the checker can tell a mutant that
# changed nothing at run time (equivalent by construction) from one the tests missed.
_RECAST_SOURCE = f'''
def _mutant_recast(value, how):
    import torch
    state = globals().setdefault("_mutant_state", set())
    if "reached" not in state:
        state.add("reached")
        print({ops.REACHED!r}, flush=True)
    changed = []

    def walk(v):
        if isinstance(v, torch.Tensor):
            if how == "dtype" and v.is_floating_point():
                changed.append(1)
                return v.to(torch.float32 if v.dtype == torch.float64 else torch.float64)
            if (how == "detach" and v.requires_grad) or (how == "input" and v.is_floating_point()):
                changed.append(1)
                return v.detach()
            return v
        if how != "input" and isinstance(v, (tuple, list)):
            return type(v)(walk(x) for x in v)
        if how != "input" and isinstance(v, dict):
            return {{k: walk(x) for k, x in v.items()}}
        return v

    out = walk(value)
    if changed and "effect" not in state:
        state.add("effect")
        print({ops.EFFECT!r}, flush=True)
    return out
'''


@dataclass(frozen=True)
class Mutant:
    """One generated fault: where, what changed, and the whole mutated module."""

    id: str
    operator: str
    line: int
    scope: str
    before: str
    after: str
    source: bytes

    def describe(self) -> str:
        """One line: operator, line, and the code before -> after."""
        return f"{self.operator}, line {self.line} in {self.scope}: {self.before} -> {self.after}"


def _window(before: str, after: str) -> tuple[str, str]:
    """Both texts on one line each, cut to the part around the change when they are long."""
    before, after = " ".join(before.split()), " ".join(after.split())
    if max(len(before), len(after)) <= SHORT:
        return before, after
    head = 0
    while head < min(len(before), len(after)) and before[head] == after[head]:
        head += 1
    tail = 0
    while (tail < min(len(before), len(after)) - head
           and before[-1 - tail] == after[-1 - tail]):
        tail += 1
    context = max(8, (SHORT - max(len(before), len(after)) + head + tail) // 2)

    def cut(text: str) -> str:
        start, end = max(0, head - context), min(len(text), len(text) - tail + context)
        core = text[start:end]
        if len(core) > SHORT:
            core = core[: SHORT - 3] + "..."
        return ("..." if start > 0 else "") + core + ("..." if end < len(text) else "")

    return cut(before), cut(after)


def _located(tree: ast.AST) -> Iterator[tuple[int, ast.AST, ast.AST | None, str, int | None]]:
    """Every node in a fixed pre-order: (index, node, parent, field, position in a list field)."""
    counter = 0
    stack: list[tuple[ast.AST, ast.AST | None, str, int | None]] = [(tree, None, "", None)]
    while stack:
        node, parent, fld, pos = stack.pop()
        yield counter, node, parent, fld, pos
        counter += 1
        children: list[tuple[ast.AST, ast.AST | None, str, int | None]] = []
        for name, value in ast.iter_fields(node):
            if isinstance(value, list):
                children.extend((v, node, name, i) for i, v in enumerate(value)
                                if isinstance(v, ast.AST))
            elif isinstance(value, ast.AST):
                children.append((value, node, name, None))
        stack.extend(reversed(children))


def _apply(text: str, index: int, site: ops.Site) -> ast.Module:
    """The module parsed from ``text`` with the node at pre-order ``index`` replaced by ``site``.

    Parsing again is much cheaper than copying the tree and gives the same nodes in the same order.
    """
    new = ast.parse(text)
    for i, node, parent, fld, pos in _located(new):
        if i != index:
            continue
        replacement = site.build(node)
        for part in replacement if isinstance(replacement, list) else [replacement]:
            ast.fix_missing_locations(ast.copy_location(part, node))
        assert parent is not None, "the module itself is never mutated"
        if pos is None:
            assert isinstance(replacement, ast.AST)
            setattr(parent, fld, replacement)
        else:
            items = getattr(parent, fld)
            items[pos:pos + 1] = replacement if isinstance(replacement, list) else [replacement]
        break
    else:  # pragma: no cover - the copy has the same shape as the original
        raise AssertionError(f"node {index} not found")
    if site.needs_torch and not binds_torch(new):
        _insert_after_preamble(new, ast.parse("import torch").body)
    if site.needs_recast:
        new.body.extend(ast.parse(_RECAST_SOURCE).body)
    return new


def _insert_after_preamble(module: ast.Module, stmts: list[ast.stmt]) -> None:
    at = 0
    for i, stmt in enumerate(module.body):
        is_doc = (i == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
                  and isinstance(stmt.value.value, str))
        if is_doc or (isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"):
            at = i + 1
    module.body[at:at] = stmts


def generate(source: str | bytes, entry_points: tuple[str, ...] = (), filename: str = "<reference>",
             ) -> list[Mutant]:
    """Every mutant of ``source``, deterministic and de-duplicated (same code, first one kept).

    ``entry_points`` marks the functions and classes whose results reach the tests: only their
    results are cast or detached. Raises SyntaxError if ``source`` does not parse.
    """
    text = source.decode("utf-8") if isinstance(source, bytes) else source
    tree = ast.parse(text, filename=filename)
    original = ast.unparse(tree)
    finder = ops.SiteFinder(tree, frozenset(entry_points))
    sites: list[tuple[int, ast.AST, ops.Site]] = []
    for index, node, _parent, _fld, _pos in _located(tree):
        for site in finder.sites(node):
            sites.append((index, node, site))
    mutants: list[Mutant] = []
    seen_code = {original}
    occurrences: dict[tuple[str, str, str, str], int] = {}
    for index, node, site in sites:
        mutated = _apply(text, index, site)
        code = ast.unparse(mutated)
        if code in seen_code:
            continue
        try:
            compile(code, filename, "exec")
        except SyntaxError:  # pragma: no cover - an operator bug; never hand it to the tests
            continue
        seen_code.add(code)
        key = (site.operator, site.scope, site.before_key, site.after_key)
        nth = occurrences.get(key, 0)
        occurrences[key] = nth + 1
        digest = hashlib.sha1("\0".join((*key, str(nth))).encode()).hexdigest()[:6]
        line = getattr(node, "lineno", 0)
        before, after = _window(site.before, site.after)
        mutants.append(Mutant(
            id=f"{site.operator}:{site.scope}:{digest}", operator=site.operator, line=line,
            scope=site.scope, before=before, after=after,
            source=(code + "\n").encode("utf-8")))
    mutants.sort(key=lambda m: (m.line, m.operator, m.id))
    return mutants

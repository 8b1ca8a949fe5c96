"""Helpers and builders for the mutation operators of judge/bank/mutation_ops.py.

A builder takes the node to mutate (in a freshly parsed copy of the module) and returns what
replaces it: an expression, a statement, or a list of statements.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

Builder = Callable[[ast.AST], "ast.AST | list[ast.stmt]"]


def dotted(expr: ast.AST) -> str:
    """``a.b.c`` for a chain of names and attributes, else ''."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        head = dotted(expr.value)
        return f"{head}.{expr.attr}" if head else ""
    return ""


def binds_torch(module: ast.Module) -> bool:
    return any(isinstance(s, ast.Import) and any(a.name == "torch" and a.asname is None
                                                   for a in s.names) for s in module.body)


def is_no_grad(expr: ast.AST) -> bool:
    return isinstance(expr, ast.Call) and dotted(expr.func).endswith("no_grad")


def receiver(node: ast.AST) -> ast.AST:
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    return node.func.value


def int_value(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
            and isinstance(node.operand, ast.Constant) and type(node.operand.value) is int):
        return -node.operand.value
    return None


def shifted_dim(d: int) -> int:
    return 1 if d == 0 else d - 1


def int_node(value: int) -> ast.expr:
    return ast.Constant(value) if value >= 0 else ast.UnaryOp(ast.USub(), ast.Constant(-value))


# -- builders: each takes the node to mutate (a copy) and returns its replacement

def parse(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


def short(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 40 else text[:37] + "..."


def renamer(new: str) -> Builder:
    def build(n: ast.AST) -> ast.AST:
        assert isinstance(n, ast.Call)
        if isinstance(n.func, ast.Attribute):
            n.func.attr = new
        elif isinstance(n.func, ast.Name):
            n.func.id = new
        return n
    return build


def to_eval(n: ast.AST) -> ast.AST:
    assert isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    n.func.attr, n.args, n.keywords = "eval", [], []
    return n


def first_arg(n: ast.AST) -> ast.AST:
    assert isinstance(n, ast.Call)
    return n.args[0]


def add_keyword(name: str, value: str) -> Builder:
    def build(n: ast.AST) -> ast.AST:
        assert isinstance(n, ast.Call)
        n.keywords.append(ast.keyword(name, ast.Constant(value)))
        return n
    return build


def set_keyword(name: str, value: str) -> Builder:
    def build(n: ast.AST) -> ast.AST:
        assert isinstance(n, ast.Call)
        for kw in n.keywords:
            if kw.arg == name:
                kw.value = ast.Constant(value)
        return n
    return build


def dim_mutator(target: ast.AST) -> Builder:
    text = ast.dump(target)

    def build(n: ast.AST) -> ast.AST:
        assert isinstance(n, ast.Call)
        slots: list[tuple[object, str, int | None]] = [(n.args, "", i) for i in range(len(n.args))]
        slots += [(kw, "value", None) for kw in n.keywords]
        for holder, attr, pos in slots:
            current = holder[pos] if pos is not None else getattr(holder, attr)  # type: ignore[index]
            if ast.dump(current) != text:
                continue
            value = int_value(current)
            if value is not None:
                new: ast.expr = int_node(shifted_dim(value))
            else:
                assert isinstance(current, ast.Tuple | ast.List)
                new = type(current)(list(reversed(current.elts)), ast.Load())
            if pos is not None:
                holder[pos] = new  # type: ignore[index]
            else:
                setattr(holder, attr, new)
            break
        return n
    return build


def arg_swapper(i: int) -> Builder:
    def build(n: ast.AST) -> ast.AST:
        assert isinstance(n, ast.Call)
        n.args[i], n.args[i + 1] = n.args[i + 1], n.args[i]
        return n
    return build


def element_swapper(n: ast.AST) -> ast.AST:
    assert isinstance(n, ast.Call)
    seq = n.args[0]
    assert isinstance(seq, ast.List | ast.Tuple)
    seq.elts[0], seq.elts[1] = seq.elts[1], seq.elts[0]
    return n


def op_setter(op: ast.operator) -> Builder:
    def build(n: ast.AST) -> ast.AST:
        assert isinstance(n, ast.BinOp)
        n.op = op
        return n
    return build


def compare_setter(i: int, op: type) -> Builder:
    def build(n: ast.AST) -> ast.AST:
        assert isinstance(n, ast.Compare)
        n.ops[i] = op()
        return n
    return build


def wrap_return(helper: str, how: str) -> Builder:
    def build(n: ast.AST) -> ast.AST:
        assert isinstance(n, ast.Return) and n.value is not None
        n.value = ast.Call(ast.Name(helper, ast.Load()), [n.value, ast.Constant(how)], [])
        return n
    return build


def detach_param(name: str) -> Builder:
    def build(n: ast.AST) -> ast.AST:
        assert isinstance(n, ast.FunctionDef)
        stmt = ast.parse(f"{name} = _mutant_recast({name}, 'input')").body[0]
        at = 1 if ast.get_docstring(n) is not None else 0
        n.body.insert(at, stmt)
        return n
    return build


def wrap_no_grad(torch_name: str) -> Builder:
    def build(n: ast.AST) -> ast.AST:
        assert isinstance(n, ast.FunctionDef)
        at = 1 if ast.get_docstring(n) is not None else 0
        block = ast.With([ast.withitem(parse(f"{torch_name}.no_grad()"))], n.body[at:],
                         type_comment=None)
        n.body = [*n.body[:at], block]
        return n
    return build


def drop_decorator(text: str) -> Builder:
    def build(n: ast.AST) -> ast.AST:
        assert isinstance(n, ast.FunctionDef)
        n.decorator_list = [d for d in n.decorator_list if ast.unparse(d) != text]
        return n
    return build

"""The mutation operators: where each applies in a reference and what it changes.

Made for tensor code: the faults a learner makes in a loss or a training step (a wrong reduction,
axis, dtype, gradient path, sign, constant or argument order; an unstable log-softmax; an
in-place change to an input; a missing step), not generic operator swaps alone. ``SiteFinder``
looks at one node at a time and returns the ``Site`` objects that mutate it; judge/bank/mutants.py
applies them one by one.

Three operators (``result-dtype``, ``result-detach``, ``add-detach``) wrap a value in a helper
that reports, on the mutant's standard output, that it was reached and whether it changed
anything (``REACHED`` and ``EFFECT``). A mutant that was reached but never changed a value (a
result with no floating tensor to cast, an input that was never a floating tensor) is
equivalent by construction, and the checker says so without an author having to.
"""

from __future__ import annotations

import ast
import copy
import functools
from dataclasses import dataclass

from judge.bank import mutation_build as mb
from judge.bank.mutation_build import Builder, dotted

REACHED = "<<metajudge-mutant-reached>>"
EFFECT = "<<metajudge-mutant-effect>>"


# Every operator, with what its mutant does (docs/authoring.md lists the same).
OPERATORS = {
    "result-dtype": "an entry point's result comes back in another float dtype (float32 <-> float64)",
    "result-detach": "an entry point's result comes back detached from the autograd graph",
    "add-detach": "a tensor input is detached on entry to a function",
    "drop-detach": "`.detach()` is removed",
    "add-no-grad": "a function's body runs under `torch.no_grad()`",
    "drop-no-grad": "a `torch.no_grad()` block or decorator is removed",
    "reduction": "`mean` <-> `sum` (methods, functions, `reduction=`; `batchmean` -> `mean`; "
                 "an implicit mean made `reduction='sum'`)",
    "extreme": "`max` <-> `min`, `amax` <-> `amin`, `argmax` <-> `argmin`",
    "dim": "a constant `dim` shifted by one axis (`-1` -> `-2`, `0` -> `1`), or `dims` reversed",
    "swap-args": "two neighbouring positional arguments swapped (not for symmetric calls)",
    "swap-operands": "`a - b`, `a / b`, `a @ b` with the operands swapped",
    "negate": "`+` <-> `-` (a term negated), or a unary minus removed",
    "arith": "`*` <-> `/`",
    "constant": "a number perturbed: an integer plus one, a float doubled (0.0 -> 1.0)",
    "bool": "`True` <-> `False` (`keepdim`, `create_graph`, `unbiased`, ...; not `strict`)",
    "log-softmax": "`log_softmax(x)` -> `log(softmax(x))`, `logsumexp` -> `log(sum(exp))`, "
                   "`cross_entropy` -> `nll_loss(log(softmax))`",
    "drop-guard": "`clamp`/`clamp_min`/`clamp_max` removed",
    "drop-cast": "a dtype conversion removed (`.to(dtype)`, `.float()`, `.double()`, `.long()`, ...)",
    "dtype": "a dtype swapped (`torch.float32` <-> `torch.float64`, `int64` -> `int32`)",
    "drop-transpose": "`.T`, `.mT`, `.t()`, `.transpose(...)` removed",
    "in-place": "an input changed in place (`x.mul(y)` -> `x.mul_(y)`, `x - y` -> `x.sub_(y)`)",
    "drop-clone": "`.clone()` removed",
    "compare": "`<` <-> `<=`, `>` <-> `>=`, `==` <-> `!=`",
    "mask-logic": "`&` <-> `|`, `and` <-> `or`, `~` and `not` removed",
    "mode": "`.eval()` <-> `.train()`",
    "drop-call": "a statement that is only a call removed (`optimizer.zero_grad()`, `loss.backward()`, ...)",
}

# Tensor calls whose dimension argument sits at this position in the method form
# (``x.sum(dim)``); the function form (``torch.sum(x, dim)``) has it one place later.
DIM_POSITION = {
    "sum": 0, "mean": 0, "var": 0, "std": 0, "max": 0, "min": 0, "amax": 0, "amin": 0,
    "argmax": 0, "argmin": 0, "logsumexp": 0, "softmax": 0, "log_softmax": 0, "cumsum": 0,
    "cumprod": 0, "prod": 0, "unsqueeze": 0, "squeeze": 0, "flatten": 0, "gather": 0, "all": 0,
    "any": 0, "median": 0, "cat": 0, "concat": 0, "stack": 0, "sort": 0, "flip": 0, "norm": 1,
    "normalize": 1, "cosine_similarity": 1, "repeat_interleave": 1, "topk": 1, "roll": 1,
}
DIM_KEYWORDS = ("dim", "dims", "start_dim")
REDUCTIONS = {"mean": "sum", "sum": "mean", "nanmean": "nansum", "nansum": "nanmean"}
REDUCTION_STRINGS = {"mean": "sum", "sum": "mean", "batchmean": "mean"}
LOSSES = {"cross_entropy", "nll_loss", "mse_loss", "kl_div", "l1_loss", "smooth_l1_loss",
          "huber_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits"}
EXTREMES = {"max": "min", "min": "max", "amax": "amin", "amin": "amax", "argmax": "argmin",
            "argmin": "argmax", "maximum": "minimum", "minimum": "maximum"}
CASTS = {"float", "double", "long", "int", "bool", "half", "type_as"}
GUARDS = {"clamp", "clamp_min", "clamp_max", "clip"}
IN_PLACE = {"add", "sub", "mul", "div", "pow", "exp", "log", "abs", "neg", "sqrt", "clamp",
            "clamp_min", "clamp_max", "masked_fill", "fill", "relu", "sigmoid", "tanh",
            "unsqueeze", "squeeze", "t", "copy", "zero"}
BIN_IN_PLACE = {ast.Add: "add_", ast.Sub: "sub_", ast.Mult: "mul_", ast.Div: "div_"}
DTYPES = {"float64": "float32", "double": "float32", "float32": "float64", "float": "float64",
          "int64": "int32", "long": "int32", "int32": "int64", "float16": "float32",
          "half": "float32"}
# Swapping these arguments changes nothing (or only the order of a loop's pairs).
SYMMETRIC = {"zip", "min", "max", "mse", "mse_loss", "smooth_l1_loss", "l1_loss", "huber_loss", "dot",
             "maximum", "minimum", "add", "mul", "pairwise_distance", "dist", "cosine_similarity",
             "isinstance", "getattr", "setattr", "hasattr", "print", "eq", "allclose", "equal",
             "logical_and", "logical_or", "hypot", "super", "get", "setdefault", "format"}
# Calls and methods that do differentiable tensor work (used to skip plain-Python functions).
TENSOR_WORK = {
    "softmax", "log_softmax", "logsumexp", "exp", "log", "sum", "mean", "var", "std", "norm",
    "pow", "sqrt", "matmul", "mm", "bmm", "einsum", "conv2d", "linear", "normalize", "cat",
    "stack", "sigmoid", "tanh", "relu", "gelu", "cross_entropy", "nll_loss", "mse_loss",
    "kl_div", "smooth_l1_loss", "l1_loss", "abs", "gather", "where", "masked_fill", "grad",
    "backward", "step", "dot", "diagonal", "interpolate", "outer", "cdist", "clamp",
    "clamp_min", "flatten", "reshape", "view", "apply",
}
NON_TENSOR_RETURNS = {"float", "int", "bool", "len", "str", "list", "dict", "tuple", "range",
                      "set", "sorted"}


@dataclass
class Site:
    """One way to mutate one node: the operator, a readable before/after, and the builder."""

    operator: str
    scope: str
    before: str
    after: str
    build: Builder
    before_key: str = ""
    after_key: str = ""
    needs_torch: bool = False
    needs_recast: bool = False


@dataclass
class _Context:
    scope: str = "<module>"
    func: ast.FunctionDef | None = None
    entry: bool = False  # the function's results reach the tests
    autograd_function: bool = False
    aliases: frozenset[str] = frozenset()


class SiteFinder:
    """Finds the mutation sites of one module; ``sites(node)`` lists those of one node."""

    def __init__(self, module: ast.Module, entry_points: frozenset[str]) -> None:
        self.module = module
        self.entry_points = entry_points
        self.namespaces: set[str] = set()  # dotted names that mean torch or torch.nn.functional
        self.torch_name = "torch"
        self.context: dict[int, _Context] = {}
        self.skip: set[int] = set()  # annotations, decorators, dimension arguments
        self.keyword_of: dict[int, str] = {}
        self._imports()
        self._annotate(module, _Context())

    # -- the pre-pass: imports, scopes, nodes not to touch

    def _imports(self) -> None:
        for stmt in ast.walk(self.module):
            if isinstance(stmt, ast.Import):
                for a in stmt.names:
                    local = a.asname or a.name
                    if a.name == "torch":
                        self.namespaces.update({local, f"{local}.nn.functional", f"{local}.linalg"})
                        self.torch_name = local
                    elif a.name == "torch.nn.functional" and a.asname:
                        self.namespaces.add(a.asname)
                    elif a.name == "torch.nn" and a.asname:
                        self.namespaces.add(f"{a.asname}.functional")
                    elif a.name.startswith("torch") and not a.asname:
                        self.namespaces.update({"torch", "torch.nn.functional"})
            elif isinstance(stmt, ast.ImportFrom) and stmt.module in ("torch", "torch.nn"):
                for a in stmt.names:
                    local = a.asname or a.name
                    if a.name == "functional":
                        self.namespaces.add(local)
                    elif a.name == "nn":
                        self.namespaces.add(f"{local}.functional")
        self.namespaces.add("torch")

    def _annotate(self, node: ast.AST, ctx: _Context) -> None:
        self.context[id(node)] = ctx
        if isinstance(node, ast.ClassDef):
            scope = node.name if ctx.scope == "<module>" else f"{ctx.scope}.{node.name}"
            bases = {dotted(b) for b in node.bases}
            inner = _Context(scope=scope, entry=node.name in self.entry_points and ctx.func is None,
                             autograd_function=any(b.endswith("autograd.Function") for b in bases))
            for d in node.decorator_list:
                self._skip_tree(d)
            for child in node.body:
                self._annotate(child, inner)
            for b in node.bases:
                self._annotate(b, ctx)
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            scope = node.name if ctx.scope == "<module>" else f"{ctx.scope}.{node.name}"
            top_level = ctx.scope == "<module>"
            entry = ((top_level and node.name in self.entry_points)
                     or (ctx.entry and ctx.func is None and not node.name.startswith("_")))
            params = {a.arg for a in (*node.args.posonlyargs, *node.args.args,
                                      *node.args.kwonlyargs)} - {"self", "cls", "ctx"}
            inner = _Context(scope=scope, func=node, entry=entry,  # type: ignore[arg-type]
                             autograd_function=ctx.autograd_function,
                             aliases=frozenset(params | self._loop_aliases(node, params)))
            for d in node.decorator_list:
                self._skip_tree(d)
            if node.returns is not None:
                self._skip_tree(node.returns)
            for a in ast.walk(node.args):
                if isinstance(a, ast.arg) and a.annotation is not None:
                    self._skip_tree(a.annotation)
            signature = _Context(scope=scope)  # a default belongs to its function's signature
            for default in (*node.args.defaults, *(d for d in node.args.kw_defaults if d)):
                self._annotate(default, signature)
            for child in node.body:
                self._annotate(child, inner)
            return
        if isinstance(node, ast.AnnAssign):
            self._skip_tree(node.annotation)
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg:
                    self.keyword_of[id(kw.value)] = kw.arg
            for target in self._dim_args(node):
                self._skip_tree(target)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) \
                and isinstance(node.operand, ast.Constant):
            self.skip.add(id(node.operand))  # -1 is mutated as a whole, by _unary
        for sub in ast.iter_child_nodes(node):
            if id(sub) not in self.context:
                self._annotate(sub, ctx)

    def _skip_tree(self, node: ast.AST) -> None:
        self.skip.update(id(n) for n in ast.walk(node))

    @staticmethod
    def _loop_aliases(func: ast.AST, params: set[str]) -> set[str]:
        """Names bound by loops over a parameter: ``for t, s in zip(teacher, student)``."""
        out: set[str] = set()
        for node in ast.walk(func):
            if isinstance(node, ast.For | ast.comprehension):
                used = {n.id for n in ast.walk(node.iter) if isinstance(n, ast.Name)}
                if used & params:
                    out.update(n.id for n in ast.walk(node.target) if isinstance(n, ast.Name))
        return out

    # -- helpers

    def _call_kind(self, call: ast.Call) -> tuple[str, str]:
        """('function', name) for torch/F calls, ('method', name) for x.name(...), ('name', n)."""
        if isinstance(call.func, ast.Attribute):
            kind = "function" if dotted(call.func.value) in self.namespaces else "method"
            return kind, call.func.attr
        if isinstance(call.func, ast.Name):
            return "name", call.func.id
        return "", ""

    def _dim_args(self, call: ast.Call) -> list[ast.AST]:
        kind, name = self._call_kind(call)
        found = [kw.value for kw in call.keywords if kw.arg in DIM_KEYWORDS]
        if name in DIM_POSITION and kind in ("function", "method"):
            pos = DIM_POSITION[name] + (1 if kind == "function" else 0)
            if pos < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[:pos]):
                found.append(call.args[pos])
        return [a for a in found if mb.int_value(a) is not None
                or (isinstance(a, ast.Tuple | ast.List) and all(mb.int_value(e) is not None
                                                                for e in a.elts))]

    def _torch(self, attr: str) -> ast.expr:
        return ast.Attribute(ast.Name(self.torch_name, ast.Load()), attr, ast.Load())

    def _site(self, op: str, node: ast.AST, build: Builder, *, before: str = "", after: str = "",
              needs_torch: bool = False, needs_recast: bool = False, scope: str = "") -> Site:
        ctx = self.context.get(id(node), _Context())
        new = build(copy.deepcopy(node))
        for part in new if isinstance(new, list) else [new]:
            ast.fix_missing_locations(ast.copy_location(part, node))
        old_text = ast.unparse(node)
        new_text = "\n".join(ast.unparse(s) for s in new) if isinstance(new, list) else ast.unparse(new)
        return Site(op, scope or ctx.scope, before or old_text, after or new_text, build,
                    before_key=old_text, after_key=new_text,
                    needs_torch=needs_torch and self.torch_name == "torch",
                    needs_recast=needs_recast)

    def _tensor_work(self, func: ast.AST) -> bool:
        """Whether a function does differentiable tensor work outside ``no_grad`` blocks."""
        stack = list(ast.iter_child_nodes(func))
        while stack:
            node = stack.pop()
            if isinstance(node, ast.With) and any(mb.is_no_grad(i.context_expr) for i in node.items):
                continue
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
                return True
            if isinstance(node, ast.Call):
                f = node.func
                if isinstance(f, ast.Attribute) and (f.attr in TENSOR_WORK or (
                        isinstance(f.value, ast.Name) and f.value.id == "self")):
                    return True
                if isinstance(f, ast.Name) and f.id not in NON_TENSOR_RETURNS and f.id in {
                        n.name for n in self.module.body if isinstance(n, ast.FunctionDef)}:
                    return True
            stack.extend(ast.iter_child_nodes(node))
        return False

    def _tensor_param(self, func: ast.FunctionDef, name: str) -> bool:
        """Whether parameter ``name`` looks like a tensor: annotated so, or used as one."""
        for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs):
            if a.arg == name and a.annotation is not None:
                return "Tensor" in ast.unparse(a.annotation)
        for node in ast.walk(func):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id == name and node.attr in TENSOR_WORK | {
                        "shape", "dtype", "device", "detach", "clone", "t", "T", "to",
                        "unsqueeze", "squeeze", "numel", "requires_grad"}:
                return True
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult) and any(
                    isinstance(s, ast.Name) and s.id == name for s in (node.left, node.right)):
                return True
            if isinstance(node, ast.Call) and dotted(node.func).rsplit(".", 1)[0] in self.namespaces \
                    and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == name:
                return True
        return False

    def _returns_tensors(self, func: ast.FunctionDef, value: ast.AST) -> bool:
        if func.returns is not None and "Tensor" not in ast.unparse(func.returns):
            return False
        if isinstance(value, ast.Constant | ast.JoinedStr):
            return False
        if isinstance(value, ast.Call):
            name = dotted(value.func)
            if name in NON_TENSOR_RETURNS or name.endswith((".item", ".tolist")):
                return False
        return self._tensor_work(func)

    # -- the operators, by node type

    def sites(self, node: ast.AST) -> list[Site]:
        if id(node) in self.skip or id(node) not in self.context:
            return []
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.BinOp):
            return self._binop(node)
        if isinstance(node, ast.UnaryOp):
            return self._unary(node)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.BoolOp):
            other: ast.boolop = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            return [self._site("mask-logic", node, lambda n: ast.BoolOp(other, n.values))]  # type: ignore[attr-defined]
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            return self._attribute(node)
        if isinstance(node, ast.Return) and node.value is not None:
            return self._return(node)
        if isinstance(node, ast.FunctionDef):
            return self._function(node)
        if isinstance(node, ast.With) and any(mb.is_no_grad(i.context_expr) for i in node.items):
            return [self._site("drop-no-grad", node, lambda n: list(n.body),  # type: ignore[attr-defined]
                               before="with torch.no_grad(): ...", after="(no no_grad block)")]
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            name = dotted(node.value.func)
            if name != "super.__init__" and not ast.unparse(node.value.func).startswith("super()"):
                return [self._site("drop-call", node, lambda n: ast.Pass())]
        return []

    def _call(self, node: ast.Call) -> list[Site]:
        kind, name = self._call_kind(node)
        ctx = self.context[id(node)]
        out: list[Site] = []
        method = kind == "method"
        if kind in ("function", "method"):
            if name in REDUCTIONS:
                out.append(self._site("reduction", node, mb.renamer(REDUCTIONS[name])))
            if name in EXTREMES:
                out.append(self._site("extreme", node, mb.renamer(EXTREMES[name])))
            if kind == "function" and name in LOSSES and not any(
                    k.arg == "reduction" for k in node.keywords):
                out.append(self._site("reduction", node, mb.add_keyword("reduction", "sum")))
            if name in ("log_softmax", "logsumexp") or (kind == "function" and name == "cross_entropy"):
                built = self._unstable(node, kind, name)
                if built is not None:
                    out.append(self._site("log-softmax", node, built, needs_torch=True))
        elif kind == "name" and name in ("max", "min") and len(node.args) >= 2:
            out.append(self._site("extreme", node, mb.renamer(EXTREMES[name])))
        for kw in node.keywords:
            if kw.arg == "reduction" and isinstance(kw.value, ast.Constant) \
                    and kw.value.value in REDUCTION_STRINGS:
                out.append(self._site("reduction", node, mb.set_keyword(
                    "reduction", REDUCTION_STRINGS[kw.value.value])))
        for target in self._dim_args(node):
            out.append(self._site("dim", node, mb.dim_mutator(target)))
        if method and not node.args and not node.keywords:
            if name == "detach":
                out.append(self._site("drop-detach", node, mb.receiver))
            elif name == "clone":
                out.append(self._site("drop-clone", node, mb.receiver))
        if method and (name in CASTS and (name == "type_as" or not node.args)
                       or name == "to" and self._dtype_like(node)):
            out.append(self._site("drop-cast", node, mb.receiver))
        if name in GUARDS and (method or kind == "function" and node.args):
            out.append(self._site("drop-guard", node, mb.receiver if method else mb.first_arg))
        if method and name in ("t", "transpose"):
            out.append(self._site("drop-transpose", node, mb.receiver))
        if method and name in IN_PLACE and isinstance(mb.receiver(node), ast.Name) \
                and mb.receiver(node).id in ctx.aliases:  # type: ignore[attr-defined]
            out.append(self._site("in-place", node, mb.renamer(name + "_")))
        if method and name == "eval" and not node.args:
            out.append(self._site("mode", node, mb.renamer("train")))
        elif method and name == "train":
            out.append(self._site("mode", node, mb.to_eval))
        if name.lstrip("_") not in SYMMETRIC:
            out.extend(self._swaps(node))
        return out

    def _dtype_like(self, node: ast.Call) -> bool:
        values = [*node.args, *(k.value for k in node.keywords)]
        return any("dtype" in ast.unparse(v) or dotted(v).rsplit(".", 1)[-1] in DTYPES
                   for v in values)

    def _unstable(self, node: ast.Call, kind: str, name: str) -> Builder | None:
        torch_name = self.torch_name
        if name == "cross_entropy":
            if any(k.arg not in ("reduction", "ignore_index", "weight") for k in node.keywords) \
                    or len(node.args) != 2:
                return None
            prefix = dotted(node.func).rsplit(".", 1)[0]

            def build_ce(n: ast.AST) -> ast.AST:
                assert isinstance(n, ast.Call)
                softmax = ast.Call(ast.Attribute(mb.parse(prefix), "softmax", ast.Load()),
                                   [n.args[0]], [ast.keyword("dim", ast.Constant(1))])
                log = ast.Call(mb.parse(f"{torch_name}.log"), [softmax], [])
                return ast.Call(ast.Attribute(mb.parse(prefix), "nll_loss", ast.Load()),
                                [log, n.args[1]], n.keywords)
            return build_ce
        def build(n: ast.AST) -> ast.AST:
            assert isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            if name == "log_softmax":  # log_softmax(x) -> log(softmax(x))
                n.func.attr = "softmax"
                if kind == "method":
                    return ast.Call(ast.Attribute(n, "log", ast.Load()), [], [])
                return ast.Call(mb.parse(f"{torch_name}.log"), [n], [])
            # logsumexp(x, dim) -> log(exp(x).sum(dim))
            rest = n.args if kind == "method" else n.args[1:]
            base = n.func.value if kind == "method" else (n.args[0] if n.args else None)
            if base is None:
                return n
            exp = ast.Call(ast.Attribute(base, "exp", ast.Load()), [], [])
            total = ast.Call(ast.Attribute(exp, "sum", ast.Load()), list(rest), n.keywords)
            return ast.Call(ast.Attribute(total, "log", ast.Load()), [], [])
        return build

    def _swaps(self, node: ast.Call) -> list[Site]:
        out: list[Site] = []
        args = node.args
        if any(isinstance(a, ast.Starred) for a in args):
            return out
        for i in range(len(args) - 1):
            a, b = args[i], args[i + 1]
            if isinstance(a, ast.Constant) or isinstance(b, ast.Constant) \
                    or ast.unparse(a) == ast.unparse(b):
                continue
            out.append(self._site("swap-args", node, mb.arg_swapper(i)))
        _, name = self._call_kind(node)
        if name in ("cat", "stack", "concat") and args and isinstance(args[0], ast.List | ast.Tuple) \
                and len(args[0].elts) >= 2 and not isinstance(args[0].elts[0], ast.Starred) \
                and ast.unparse(args[0].elts[0]) != ast.unparse(args[0].elts[1]):
            out.append(self._site("swap-args", node, mb.element_swapper))
        return out

    def _binop(self, node: ast.BinOp) -> list[Site]:
        ctx = self.context[id(node)]
        out: list[Site] = []
        op = node.op
        if isinstance(op, ast.Add | ast.Sub):
            flipped: ast.operator = ast.Sub() if isinstance(op, ast.Add) else ast.Add()
            out.append(self._site("negate", node, mb.op_setter(flipped)))
        if isinstance(op, ast.Mult | ast.Div):
            swapped: ast.operator = ast.Div() if isinstance(op, ast.Mult) else ast.Mult()
            out.append(self._site("arith", node, mb.op_setter(swapped)))
        if isinstance(op, ast.BitAnd | ast.BitOr):
            logic: ast.operator = ast.BitOr() if isinstance(op, ast.BitAnd) else ast.BitAnd()
            out.append(self._site("mask-logic", node, mb.op_setter(logic)))
        if isinstance(op, ast.Sub | ast.Div | ast.MatMult) \
                and ast.unparse(node.left) != ast.unparse(node.right):
            out.append(self._site("swap-operands", node,
                                  lambda n: ast.BinOp(n.right, n.op, n.left)))  # type: ignore[attr-defined]
        method = BIN_IN_PLACE.get(type(op))
        if method and isinstance(node.left, ast.Name) and node.left.id in ctx.aliases \
                and ctx.func is not None and self._tensor_param(ctx.func, node.left.id):
            out.append(self._site("in-place", node, lambda n: ast.Call(
                ast.Attribute(n.left, method, ast.Load()), [n.right], [])))  # type: ignore[attr-defined]
        return out

    def _unary(self, node: ast.UnaryOp) -> list[Site]:
        if isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
            value = node.operand.value
            if type(value) is int:
                return [self._site("constant", node, lambda n: mb.int_node(-(value + 1)))]
            if type(value) is float:
                return [self._site("constant", node, lambda n: ast.UnaryOp(
                    ast.USub(), ast.Constant(1.0 if value == 0.0 else 2.0 * value)))]
            return []
        if isinstance(node.op, ast.USub):
            return [self._site("negate", node, lambda n: n.operand)]  # type: ignore[attr-defined]
        if isinstance(node.op, ast.Invert | ast.Not):
            return [self._site("mask-logic", node, lambda n: n.operand)]  # type: ignore[attr-defined]
        return []

    def _compare(self, node: ast.Compare) -> list[Site]:
        swaps: dict[type, type] = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE,
                                   ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}
        out = []
        for i, op in enumerate(node.ops):
            if type(op) in swaps:
                out.append(self._site("compare", node, mb.compare_setter(i, swaps[type(op)])))
        return out

    def _constant(self, node: ast.Constant) -> list[Site]:
        value = node.value
        if isinstance(value, bool):
            if self.keyword_of.get(id(node)) == "strict":
                return []
            return [self._site("bool", node, lambda n: ast.Constant(not value))]
        if isinstance(value, int):
            return [self._site("constant", node, lambda n: ast.Constant(value + 1))]
        if isinstance(value, float):
            new = 1.0 if value == 0.0 else value * 2.0
            return [self._site("constant", node, lambda n: ast.Constant(new))]
        return []

    def _attribute(self, node: ast.Attribute) -> list[Site]:
        if dotted(node.value) in self.namespaces and node.attr in DTYPES:
            other = DTYPES[node.attr]
            return [self._site("dtype", node, lambda n: ast.Attribute(n.value, other, ast.Load()))]  # type: ignore[attr-defined]
        if node.attr in ("T", "mT"):
            return [self._site("drop-transpose", node, lambda n: n.value)]  # type: ignore[attr-defined]
        return []

    def _return(self, node: ast.Return) -> list[Site]:
        ctx = self.context[id(node)]
        if not (ctx.entry and ctx.func is not None and ctx.func.name != "__init__"
                and not ctx.autograd_function and node.value is not None
                and self._returns_tensors(ctx.func, node.value)):
            return []
        return [
            self._site("result-dtype", node, mb.wrap_return("_mutant_recast", "dtype"),
                       after=f"return <{mb.short(node.value)} cast to another float dtype>",
                       needs_recast=True),
            self._site("result-detach", node, mb.wrap_return("_mutant_recast", "detach"),
                       after=f"return <{mb.short(node.value)} detached>", needs_recast=True),
        ]

    def _function(self, node: ast.FunctionDef) -> list[Site]:
        ctx = self.context.get(id(node.body[0]), _Context())
        out: list[Site] = []
        site = functools.partial(self._site, scope=ctx.scope)
        for dec in node.decorator_list:
            if mb.is_no_grad(dec) or dotted(dec).endswith("no_grad"):
                text = ast.unparse(dec)
                out.append(site("drop-no-grad", node, mb.drop_decorator(text),
                                      before=f"@{text} def {node.name}", after=f"def {node.name}"))
        if ctx.autograd_function or node.name == "__init__" or not self._tensor_work(node):
            return out
        if not any(mb.is_no_grad(d) for d in node.decorator_list):
            out.append(site("add-no-grad", node, mb.wrap_no_grad(self.torch_name),
                                  before=f"def {node.name}: ...",
                                  after=f"def {node.name}: with torch.no_grad(): ...",
                                  needs_torch=True))
        for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs):
            if a.arg in ("self", "cls", "ctx") or not self._tensor_param(node, a.arg):
                continue
            out.append(site("add-detach", node, mb.detach_param(a.arg),
                                  before=f"{a.arg} (input of {node.name})",
                                  after=f"{a.arg}.detach()", needs_recast=True))
        return out



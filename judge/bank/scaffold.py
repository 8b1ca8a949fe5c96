"""``judge new``: scaffold a question folder from templates that already pass validation."""

from __future__ import annotations

import string
from importlib import resources
from pathlib import Path

from judge.bank.loader import SLUG
from judge.errors import UsageError
from judge.model import CODE_KINDS, DIFFICULTIES, KINDS


def _template(name: str) -> string.Template:
    text = resources.files("judge.bank").joinpath("templates", name).read_text(encoding="utf-8")
    return string.Template(text)


def new_question(root: Path, qid: str, kind: str, topic: str, title: str = "",
                 difficulty: str = "medium", force: bool = False) -> list[Path]:
    """Create the files of a new question and return their paths."""
    if not SLUG.match(qid):
        raise UsageError(f"id {qid!r} is not a lowercase-hyphen slug", "Use e.g. my-new-loss.")
    if not SLUG.match(topic):
        raise UsageError(f"topic {topic!r} is not a lowercase-hyphen slug", "Use e.g. distillation.")
    if kind not in KINDS:
        raise UsageError(f"--kind {kind!r} is not one of {', '.join(KINDS)}", "")
    if difficulty not in DIFFICULTIES:
        raise UsageError(f"--difficulty {difficulty!r} is not one of {', '.join(DIFFICULTIES)}", "")
    qdir = root / "questions" / topic / qid
    sdir = root / "solutions" / topic / qid
    existing = [p for p in (qdir, sdir) if p.exists()]
    if existing and not force:
        raise UsageError(f"{existing[0]} already exists", "Pick another id or pass --force.")
    values = {"id": qid, "kind": kind, "topic": topic, "difficulty": difficulty,
              "title": title or qid.replace("-", " ").capitalize(),
              "func": qid.replace("-", "_")}
    files: dict[Path, str] = {}
    if kind in CODE_KINDS:
        files[qdir / "question.md"] = _template("coding.md").substitute(values)
        files[qdir / "starter.py"] = _template("starter.py.tmpl").substitute(values)
        files[qdir / "test_public.py"] = _template("test_public.py.tmpl").substitute(values)
        files[qdir / "test_hidden.py"] = _template("test_hidden.py.tmpl").substitute(values)
        files[sdir / "reference.py"] = _template("reference.py.tmpl").substitute(values)
        for name, body, doc in (
            ("off_by_one", "x * 2.0 + 1.0", "adds one"),
            ("wrong_factor", "x * 3.0", "uses the wrong factor"),
            ("in_place", "x.mul_(2.0)", "changes the input in place"),
        ):
            files[sdir / "wrong" / f"{name}.py"] = _template("wrong.py.tmpl").substitute(
                values, body=body, doc=doc)
    else:
        files[qdir / "question.md"] = _template("concept.md").substitute(values)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)

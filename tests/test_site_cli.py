"""`judge site build/serve` through CliRunner, and every command the built pages tell a learner to run."""

from __future__ import annotations

import html
import re
import shlex
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from judge.bank.loader import load_bank
from judge.cli import cli
from judge.sitegen.context import practice_commands

pytestmark = pytest.mark.xdist_group("site-cli")

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SITE_BANK = FIXTURES / "site_bank"
REFERENCE = SITE_BANK / "solutions" / "distillation" / "distillation-loss" / "reference.py"


def run(*args: str, bank: Path = SITE_BANK) -> Result:
    return CliRunner().invoke(cli, ["--bank", str(bank), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli-site") / "site"
    result = run("site", "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert re.match(r"Built \d+ pages into .* in \d+\.\d\d s\. Open ", result.output)
    return out


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port on 127.0.0.1 that this test holds open."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


def test_serve_on_a_busy_port_is_a_usage_error(built: Path, busy_port: int) -> None:
    result = run("site", "serve", "--dir", str(built), "--port", str(busy_port))
    assert result.exit_code == 2, result.output
    assert f"Error: cannot listen on 127.0.0.1:{busy_port}" in result.output
    assert "--port" in result.output and "Traceback" not in result.output


def test_serve_without_a_built_site_is_a_usage_error(tmp_path: Path) -> None:
    result = run("site", "serve", "--dir", str(tmp_path))
    assert result.exit_code == 2 and "judge site build" in result.output


def test_build_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    result = run("site", "build", "--out", str(tmp_path))
    assert result.exit_code == 3 and "Error: " in result.output and "not made by" in result.output
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def shown_commands(page: Path) -> list[str]:
    """The `judge ...` commands a page shows, in order (definition terms and command blocks)."""
    text = page.read_text(encoding="utf-8")
    found = re.findall(r"<dt><code>(judge [^<]*)</code></dt>", text)
    for block in re.findall(r'<pre class="commands"[^>]*><code>(.*?)</code></pre>', text, re.S):
        found += [line for line in block.splitlines() if line.startswith("judge ")]
    return [html.unescape(c) for c in found]


def test_every_command_of_the_practice_page_runs(built: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    commands = shown_commands(built / "about.html")
    verbs = [shlex.split(c)[1] for c in commands]
    assert verbs == ["list", "show", "start", "test", "submit", "show", "answer", "progress",
                     "check"]
    monkeypatch.chdir(tmp_path)
    for command in commands:
        args = shlex.split(command, comments=True)[1:]
        result = run(*args)
        if args[0] == "answer":  # a quiz answer is right (0) or wrong (1), never an error
            assert result.exit_code in (0, 1) and result.output.startswith(("Correct", "Not ")), \
                (command, result.output)
        else:
            assert result.exit_code == 0, (command, result.output)
        if args[0] == "start":  # solve the task, so test and submit must accept it
            written = tmp_path / args[args.index("--dir") + 1] / "distillation_loss.py"
            assert written.is_file(), result.output
            shutil.copy(REFERENCE, written)
        if args[0] in ("test", "submit"):
            assert result.output.startswith("Accepted"), (command, result.output)


def test_every_concept_page_command_runs(built: Path) -> None:
    bank = load_bank(SITE_BANK)
    concepts = [q for q in bank if not q.is_code]
    assert concepts
    for q in concepts:
        commands = shown_commands(built / "questions" / f"{q.id}.html")
        assert commands == practice_commands(q)
        for command in commands:
            result = run(*shlex.split(command, comments=True)[1:])
            assert result.exit_code in (0, 1) and "Error" not in result.output, (command,
                                                                                result.output)

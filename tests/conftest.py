"""Shared fixtures: the fixture banks and one warm sandbox engine per test session."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from judge.bank.loader import load_bank
from judge.engine.sandbox import Engine
from judge.model import Bank

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    """The bubblewrap sandbox; CI installs bubblewrap, so it must be usable."""
    with Engine("bwrap") as eng:
        yield eng


@pytest.fixture(scope="session")
def mini_bank() -> Bank:
    return load_bank(FIXTURES / "mini")


@pytest.fixture(scope="session")
def hostile_bank() -> Bank:
    return load_bank(FIXTURES / "hostile_bank")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never write a learner's real progress file from the tests."""
    monkeypatch.setenv("METAJUDGE_HOME", str(tmp_path_factory.mktemp("home")))
    os.environ.pop("METAJUDGE_SANDBOX", None)


@pytest.fixture
def attack_env(tmp_path: Path, hostile_bank: Bank, monkeypatch: pytest.MonkeyPatch) -> dict:
    """A loopback listener, the judge's secret paths, and a marker name for escaped writes."""
    q = hostile_bank.questions["echo"]
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    marker = f"metajudge-escape-{uuid.uuid4().hex[:8]}"
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.2)
    paths = [str(q.hidden_tests), str(q.reference_solution), str(victim)]
    monkeypatch.setenv("METAJUDGE_TEST_PORT", str(listener.getsockname()[1]))
    monkeypatch.setenv("METAJUDGE_TEST_PATHS", os.pathsep.join(paths))
    monkeypatch.setenv("METAJUDGE_TEST_MARKER", marker)
    yield {"listener": listener, "victim": victim, "marker": marker, "paths": paths}
    listener.close()

"""Frozen dataclasses that flow between modules: questions, limits, references."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("concept", "coding", "debug")
DIFFICULTIES = ("easy", "medium", "hard")
CODE_KINDS = ("coding", "debug")


@dataclass(frozen=True)
class Limits:
    """Resource limits for one test's run of a submission. Defaults suit small CPU tasks."""

    time_s: float = 10.0  # wall-clock seconds per test, measured from outside the sandbox
    cpu_s: float = 10.0  # CPU seconds per test (RLIMIT_CPU in the child)
    memory_mb: int = 1024  # extra address space beyond the pre-imported runtime
    output_kb: int = 64  # stdout + stderr the submission may print per test
    processes: int = 16  # processes the submission may add (fork-bomb guard)
    file_size_mb: int = 16  # largest file the submission may write
    tmp_mb: int = 64  # size of the job's private /tmp (and /dev/shm), a memory-backed tmpfs
    result_mb: int = 64  # largest result one call may send back (the judge's memory budget)
    total_s: float = 60.0  # wall-clock seconds for the whole submission, over all its tests
    trusted_s: float = 10.0  # the test's own work per test (checking a result), beyond time_s


LIMIT_FIELDS = tuple(Limits.__dataclass_fields__)


@dataclass(frozen=True)
class Reference:
    """A paper: authors, year, title, and an arXiv id or DOI."""

    authors: str
    year: int
    title: str
    arxiv: str | None = None
    doi: str | None = None

    @property
    def url(self) -> str:
        if self.arxiv:
            return f"https://arxiv.org/abs/{self.arxiv}"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return ""

    def cite(self) -> str:
        tail = f"arXiv:{self.arxiv}" if self.arxiv else f"doi:{self.doi}" if self.doi else ""
        return f"{self.authors} ({self.year}). {self.title}. {tail}".strip()


@dataclass(frozen=True)
class Choice:
    """One option of a multiple-choice form of a concept question."""

    text: str
    correct: bool
    why: str = ""


@dataclass(frozen=True)
class Translation:
    """A question's text in another language (``question.<lang>.md``), checked for parity.

    Only the words differ: sections, list items, code, formulas and choices match the English
    file. ``source_sha`` is the English version a reviewer stamped it against ("" if unstamped);
    ``english_sha`` is the English file's current one. See ``judge.bank.translation``.
    """

    lang: str
    path: Path
    title: str
    sections: dict[str, str] = field(default_factory=dict)
    hints: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()  # ``correct`` copied from the English file
    source_sha: str = ""
    english_sha: str = ""

    @property
    def stale(self) -> bool:
        """Stamped against an English file that has changed since."""
        return bool(self.source_sha) and self.source_sha != self.english_sha


@dataclass(frozen=True)
class Question:
    """One question folder, loaded and validated."""

    id: str
    title: str
    kind: str
    topic: str
    difficulty: str
    tags: tuple[str, ...]
    references: tuple[Reference, ...]
    related: tuple[str, ...]
    directory: Path
    solution_dir: Path
    sections: dict[str, str] = field(default_factory=dict)
    hints: tuple[str, ...] = ()
    entry_points: tuple[str, ...] = ()
    limits: Limits = Limits()
    choices: tuple[Choice, ...] = ()
    translations: dict[str, Translation] = field(default_factory=dict)  # by language code

    @property
    def is_code(self) -> bool:
        return self.kind in CODE_KINDS

    @property
    def markdown_path(self) -> Path:
        return self.directory / "question.md"

    @property
    def starter(self) -> Path:
        return self.directory / "starter.py"

    @property
    def public_tests(self) -> Path:
        return self.directory / "test_public.py"

    @property
    def hidden_tests(self) -> Path:
        return self.directory / "test_hidden.py"

    @property
    def reference_solution(self) -> Path:
        return self.solution_dir / "reference.py"

    @property
    def wrong_variants(self) -> tuple[Path, ...]:
        wrong = self.solution_dir / "wrong"
        return tuple(sorted(wrong.glob("*.py"))) if wrong.is_dir() else ()

    def section(self, name: str) -> str:
        return self.sections.get(name, "")


@dataclass(frozen=True)
class Bank:
    """Every question of one bank root, keyed by id, in a stable order."""

    root: Path
    questions: dict[str, Question]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.questions.values())

    def __len__(self) -> int:
        return len(self.questions)

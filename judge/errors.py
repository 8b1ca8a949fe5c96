"""The one exception tree. The CLI translates these into ``Error: ...`` and an exit code."""

from __future__ import annotations

from dataclasses import dataclass


class JudgeError(Exception):
    """Base of every error Metajudge reports to a user."""

    exit_code = 2

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if not self.hint:
            return self.message
        end = "" if self.message.endswith((".", "?", "!")) else "."
        return f"{self.message}{end} {self.hint}"


class UsageError(JudgeError):
    """Bad arguments: an unknown id, a missing file, a workspace file that exists."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One content problem: where it is, which field, what is wrong and the fix."""

    file: str
    field: str
    message: str
    fix: str = ""
    line: int | None = None

    def render(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        text = f"{where}: {self.field}: {self.message}"
        return f"{text} -> {self.fix}" if self.fix else text


class SubmissionFileError(UsageError):
    """A submission file that cannot be judged (missing, a link, not regular, too big, not UTF-8).

    ``judge submit`` reports it as a usage error; ``judge grade`` records it as that file's row.
    """

    def __init__(self, path: object, reason: str, hint: str = "") -> None:
        super().__init__(f"submission file {path} {reason}", hint)
        self.path = str(path)
        self.reason = reason


class ValidationError(JudgeError):
    """The bank has content errors; every one of them is listed."""

    exit_code = 3

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        super().__init__(
            f"the bank has {count} content error{'s' if count != 1 else ''}",
            "Fix each one listed above and run `judge check` again.",
        )


class SandboxError(JudgeError):
    """The judge itself could not run (never the submission's fault)."""

    exit_code = 4

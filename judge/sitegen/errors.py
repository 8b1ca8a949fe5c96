"""The site builder's one error type, so the CLI can report it like every other JudgeError."""

from __future__ import annotations

from judge.errors import JudgeError


class SiteBuildError(JudgeError):
    """The site could not be built: the message names the file and line, the hint the fix."""

    exit_code = 3

"""The bubblewrap command line: what the submission can see."""

from __future__ import annotations

import sys
from pathlib import Path

import judge
from judge.engine.sandbox import bwrap_command


def test_private_tmp_is_mounted_before_the_runtime() -> None:
    # a checkout (and its venv) under /tmp must not be hidden by the sandbox's own /tmp
    cmd = bwrap_command(sys.executable, 3, privileged=True)
    assert cmd.index("/tmp") < cmd.index("--ro-bind")


def test_only_the_runtime_and_the_judge_are_bound() -> None:
    cmd = bwrap_command(sys.executable, 3, privileged=True)
    binds = {cmd[i + 1] for i, arg in enumerate(cmd) if arg in ("--ro-bind", "--ro-bind-try")}
    repo = Path(judge.__file__).resolve().parent.parent
    for secret in ("questions", "solutions", "tests"):
        assert not any(b == str(repo / secret) or b.startswith(str(repo / secret) + "/")
                       for b in binds), secret
    assert str(repo) not in binds
    assert "--bind" not in cmd  # nothing is bound writable
    for flag in ("--unshare-net", "--unshare-pid", "--die-with-parent", "--new-session"):
        assert flag in cmd


def test_unprivileged_users_get_a_user_namespace() -> None:
    cmd = bwrap_command(sys.executable, 3, privileged=False)
    assert "--unshare-user" in cmd and "--cap-add" not in cmd

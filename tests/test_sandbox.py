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


def _caps(cmd: list[str]) -> list[str]:
    return [cmd[i + 1] for i, arg in enumerate(cmd) if arg == "--cap-add"]


def test_unprivileged_users_get_a_user_namespace() -> None:
    cmd = bwrap_command(sys.executable, 3, privileged=False)
    # the only capability is inside bubblewrap's own user namespace, to build each job's
    # namespaces; the job drops it before its code runs
    assert "--unshare-user" in cmd and _caps(cmd) == ["CAP_SYS_ADMIN"]


def test_root_keeps_only_the_capabilities_it_needs() -> None:
    cmd = bwrap_command(sys.executable, 3, privileged=True)
    assert "--unshare-user" not in cmd
    assert cmd.index("--cap-drop") < cmd.index("--cap-add") and cmd[cmd.index("--cap-drop") + 1] == "ALL"
    assert sorted(_caps(cmd)) == ["CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SYS_ADMIN"]


def test_nothing_but_tmp_is_writable() -> None:
    cmd = bwrap_command(sys.executable, 3, privileged=False)
    remounted = [cmd[i + 1] for i, arg in enumerate(cmd) if arg == "--remount-ro"]
    assert "/" in remounted and "/dev" in remounted

"""The judge as an ordinary user, and several users on one machine (issue 14).

Run as root (CI), these tests create unprivileged users and run the judge as them: the whole
hostile suite in submit and grade mode, and two users judging at the same time. Run as an
ordinary user, the main suite is itself the rootless run, and this file checks that.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from judge.engine.sandbox import Engine

ROOT = Path(__file__).resolve().parent.parent
USERS = ("metajudge-ci-a", "metajudge-ci-b")
pytestmark = pytest.mark.xdist_group("rootless")


def _user(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        name], check=True, capture_output=True)
        return pwd.getpwnam(name)


@contextmanager
def _reachable() -> Iterator[None]:
    """Let other users reach the checkout and the Python runtime (traverse only), for the
    test's duration: CI's checkout and Python may sit under a folder closed to others."""
    changed: list[tuple[Path, int]] = []
    targets = [ROOT, Path(os.path.realpath(sys.executable)).parent, Path(sys.prefix),
               Path(sys.base_prefix)]
    for target in targets:
        for folder in [target, *target.parents]:
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH:
                changed.append((folder, mode))
                folder.chmod(mode | stat.S_IXOTH)
    try:
        yield
    finally:
        for folder, mode in reversed(changed):
            folder.chmod(stat.S_IMODE(mode))


def _as_user(user: pwd.struct_passwd, cmd: list[str], home: Path, timeout: float,
             ) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "TMPDIR": str(home),
           "METAJUDGE_HOME": str(home / "state"), "PYTHONDONTWRITEBYTECODE": "1",
           "LANG": "C.UTF-8"}
    # an outer process limit for the user, set first: even if the judge's own limit failed,
    # a fork bomb could not take the machine down
    wrapped = ["prlimit", "--nproc=1024:1024", "--", "setpriv", f"--reuid={user.pw_uid}",
               f"--regid={user.pw_gid}", "--clear-groups", "--", *cmd]
    return subprocess.run(wrapped, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def _home(user: pwd.struct_passwd) -> Path:
    home = Path(tempfile.mkdtemp(prefix=f"{user.pw_name}-"))
    os.chown(home, user.pw_uid, user.pw_gid)
    return home


def test_hostile_suite_as_an_unprivileged_user() -> None:
    if os.geteuid() != 0:
        # this very run is the rootless one: the engine must say so
        with Engine("bwrap") as engine:
            assert engine.info.privilege == "rootless" and engine.info.isolation
        return
    user = _user(USERS[0])
    home = _home(user)
    try:
        with _reachable():
            done = _as_user(user, [sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                                   "-o", "addopts=", "-q", "--basetemp", str(home / "pytest"),
                                   "tests/test_hostile.py", "tests/test_hostile_grade.py",
                                   "tests/test_rootless.py::test_engine_reports_rootless"],
                            home, timeout=900)
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
        assert " passed" in done.stdout and "failed" not in done.stdout
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_engine_reports_rootless() -> None:
    with Engine("bwrap") as engine:
        info = engine.info
        assert info.privilege == ("root" if os.geteuid() == 0 else "rootless")
        assert info.isolation, info.warning
        assert info.uid_switch == (os.geteuid() == 0)


def test_two_users_judge_at_the_same_time() -> None:
    if os.geteuid() != 0:
        pytest.fail("run this test as root (CI does): it creates users")
    users = [_user(name) for name in USERS]
    homes = [_home(u) for u in users]
    ref = ROOT / "solutions/distillation/distillation-loss/reference.py"
    judge = str(Path(sys.executable).parent / "judge")
    try:
        with _reachable():
            procs = []
            for user, home in zip(users, homes, strict=True):
                mine = home / "mine.py"
                shutil.copy(ref, mine)
                os.chown(mine, user.pw_uid, user.pw_gid)
                env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "TMPDIR": str(home),
                       "METAJUDGE_HOME": str(home / "state"), "LANG": "C.UTF-8"}
                procs.append(subprocess.Popen(
                    ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}",
                     "--clear-groups", "--", judge, "--bank", str(ROOT), "submit",
                     "distillation-loss", str(mine)], cwd=home, env=env,
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
            # and root at the same time, on the shared machine
            procs.append(subprocess.Popen([judge, "--bank", str(ROOT), "submit",
                                           "distillation-loss", str(ref)],
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          text=True))
            results = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read())  # type: ignore[union-attr]
                       for p in procs]
        for code, out, err in results:
            assert code == 0 and out.startswith("Accepted"), (code, out[-800:], err[-800:])
            assert "Traceback" not in err
        assert "rootless" in results[0][1] and "root" in results[2][1]
    finally:
        for home in homes:
            shutil.rmtree(home, ignore_errors=True)

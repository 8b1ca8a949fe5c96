"""The pytest plugin behind every question's tests: the ``submission`` and ``reference`` fixtures.

Both fixtures give a module-like object: ``m.some_entry_point(*args)`` calls the function of that
name with data arguments and returns data, and ``m.run(probe)`` calls ``probe(module)`` beside the
module and returns its (data) result. The reference is trusted and loaded in this process. The
submission is untrusted: when the judge runs the tests it lives in a sandboxed child process and
this object only forwards calls (see judge/engine/remote.py). Tests never import either by name.
"""

from __future__ import annotations

import copy
import importlib.util
import itertools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

_counter = itertools.count()


class LocalModule:
    """A trusted module (the reference) loaded from a file in this process."""

    def __init__(self, path: Path, entry_points: tuple[str, ...] = ()) -> None:
        self.path = path
        self._entry_points = entry_points
        name = f"_metajudge_trusted_{next(_counter)}"
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        self._module: ModuleType = module

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        target = getattr(self._module, name)
        if not callable(target) or isinstance(target, type):
            return target

        def call(*args: Any, **kwargs: Any) -> Any:
            # like the sandbox, the callee gets copies: an in-place change cannot leak back
            return target(*copy.deepcopy(args), **copy.deepcopy(kwargs))

        return call

    def run(self, probe: Callable[[Any], Any]) -> Any:
        # like the sandbox, the probe runs on a copy of what it captured: a reference that
        # modifies its inputs in place cannot change the test's own objects
        import cloudpickle

        module = sys.modules.get(getattr(probe, "__module__", "") or "")
        if module is not None:
            try:
                cloudpickle.register_pickle_by_value(module)  # test modules are not importable
            except (ValueError, ImportError):
                pass
        return cloudpickle.loads(cloudpickle.dumps(probe))(self._module)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("metajudge")
    group.addoption("--judge-submission", help="path of the submission under test")
    group.addoption("--judge-reference", help="path of the trusted reference solution")
    group.addoption("--judge-inprocess", action="store_true",
                    help="load the submission in this process (authoring only; not isolated)")


# The judge sets this to a factory that returns a sandboxed proxy for the submission.
SubmissionFactory = Callable[[pytest.FixtureRequest], Any]
remote_factory: SubmissionFactory | None = None


@pytest.fixture
def reference(request: pytest.FixtureRequest) -> LocalModule:
    path = request.config.getoption("--judge-reference")
    if not path:
        pytest.fail("no reference given: run the tests through `judge` or pass --judge-reference")
    return LocalModule(Path(path))


@pytest.fixture
def submission(request: pytest.FixtureRequest) -> Iterator[Any]:
    factory = getattr(request.config, "_metajudge_factory", None) or remote_factory
    if factory is not None and not request.config.getoption("--judge-inprocess"):
        proxy = factory(request)
        try:
            yield proxy
        finally:
            proxy.close()
        return
    path = request.config.getoption("--judge-submission")
    if not path:
        pytest.fail("no submission given: run the tests through `judge test` or `judge submit`")
    yield LocalModule(Path(path))
    for name in [n for n in sys.modules if n.startswith("_metajudge_trusted_")]:
        del sys.modules[name]

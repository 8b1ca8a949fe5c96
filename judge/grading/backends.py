"""Where a class's submissions are judged: warm engines in local processes, or Ray actors.

Both backends run the same ``GradingWorker`` (a ``judge.engine.pool.Worker`` with the
assignment's limit overrides) and yield ``Outcome``s as they complete; the caller stores each
one at once, so an interrupted run keeps everything it yielded. No failure of one task stops the
others: a worker that dies turns its tasks into judge failures, which the next run retries.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from judge.engine.pool import Outcome, Overrides, Task, Worker, judge_all
from judge.errors import UsageError
from judge.model import Bank

BACKENDS = ("local", "ray")
# Ray's switch for a single-machine instance: with it off, Ray takes 127.0.0.1 as the node's
# address, so a local Ray listens on loopback only (never on the machine's network address).
LOOPBACK_ENV = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"


GradingWorker = Worker  # a warm engine with the assignment's limit overrides


Judge = Callable[[list[Task]], Iterator[Outcome]]


def local_backend(bank_root: Path | Bank, workers: int, sandbox: str, overrides: Overrides) -> Judge:
    """``workers`` warm engines: this process for 1, else that many spawn-started processes."""

    def run(tasks: list[Task]) -> Iterator[Outcome]:
        if not tasks:
            return
        if min(workers, len(tasks)) <= 1:
            worker = GradingWorker(bank_root, sandbox, overrides)
            try:
                with _DeferredInterrupt() as ctrl_c:
                    worker.warm()
                    for task in tasks:
                        outcome = worker.outcome(task)
                        if ctrl_c.count >= 2:
                            raise KeyboardInterrupt  # cut short: this outcome may be partial
                        yield outcome
                        if ctrl_c.count:
                            raise KeyboardInterrupt
            finally:
                worker.close()
            return
        yield from _process_pool(bank_root, tasks, min(workers, len(tasks)), sandbox, overrides)

    return run


class _DeferredInterrupt:
    """Judging in this process: the first Ctrl-C stops after the current submission, whose result
    is complete; a second stops at once and drops it. (pytest, which runs the hidden tests here,
    would otherwise catch a Ctrl-C, end that submission's tests early and carry on.)"""

    def __init__(self) -> None:
        self.count = 0
        self._previous: Any = None

    def _handle(self, signum: int, frame: Any) -> None:
        self.count += 1
        if self.count >= 2:
            raise KeyboardInterrupt

    def __enter__(self) -> _DeferredInterrupt:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def _process_pool(bank_root: Path | Bank, tasks: list[Task], workers: int, sandbox: str,
                  overrides: Overrides) -> Iterator[Outcome]:
    # a worker that dies turns its tasks into judge failures, retried by the next run
    yield from judge_all(bank_root, tasks, workers, sandbox, overrides)


# -- Ray

class _RayJudge:
    """A Ray actor owning one warm sandboxed engine."""

    def __init__(self, bank_root: str, sandbox: str, overrides: Overrides) -> None:
        self.worker = GradingWorker(bank_root, sandbox, overrides)
        self.worker.warm()

    def outcome(self, task: Task) -> Outcome:
        return self.worker.outcome(task)

    def node(self) -> str:
        import socket

        return f"{socket.gethostname()}:{os.getpid()}"


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise UsageError("the Ray backend needs Ray, which is not installed",
                         "Install the extra: pip install 'metajudge[ray]'.") from None
    return ray


def ray_backend(bank_root: Path, workers: int | None, sandbox: str, overrides: Overrides,
                address: str | None = None, in_flight: int = 2) -> Judge:
    """Ray actors, one warm engine each, on the cluster at ``address`` or on a local Ray
    started on loopback (``workers`` CPUs). ``workers`` actors (default: the cluster's CPUs)
    each keep ``in_flight`` tasks queued so none waits for the driver."""

    def run(tasks: list[Task]) -> Iterator[Outcome]:
        if not tasks:
            return
        if not address:
            os.environ.setdefault(LOOPBACK_ENV, "0")  # read when ray is first imported
        ray = _ray()
        started = False
        if not ray.is_initialized():
            if address:
                ray.init(address=address, include_dashboard=False, log_to_driver=False)
            else:
                ray.init(num_cpus=workers or os.cpu_count() or 1, include_dashboard=False,
                         log_to_driver=False, _node_ip_address="127.0.0.1")
            started = True
        actors: list[Any] = []
        try:
            count = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
            actor_class = ray.remote(num_cpus=1, max_restarts=1)(_RayJudge)
            # actors may run elsewhere, in another folder: the bank by absolute path
            actors = [actor_class.remote(str(Path(bank_root).resolve()), sandbox, overrides)
                      for _ in range(min(count, len(tasks)))]
            yield from _dispatch(ray, actors, tasks, in_flight)
        finally:
            for actor in actors:
                ray.kill(actor)
            if started:
                ray.shutdown()

    return run


def _dispatch(ray: Any, actors: list[Any], tasks: Iterable[Task], in_flight: int) -> Iterator[Outcome]:
    queue = iter(tasks)
    running: dict[Any, tuple[Any, Task]] = {}

    def feed(actor: Any) -> None:
        task = next(queue, None)
        if task is not None:
            running[actor.outcome.remote(task)] = (actor, task)

    for actor in actors:
        for _ in range(in_flight):
            feed(actor)
    while running:
        done, _ = ray.wait(list(running), num_returns=1)
        for ref in done:
            actor, task = running.pop(ref)
            try:
                yield ray.get(ref)
            except Exception as exc:  # noqa: BLE001 - an actor that died: the judge's failure
                yield Outcome(task.key, error=f"a Ray worker failed ({type(exc).__name__}: {exc})")
            feed(actor)

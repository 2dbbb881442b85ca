r"""The Dask client side of a sweep: connect, submit, collect, store.

Only as many tasks are in flight as the cluster has worker threads, so every task
submitted is running: on SIGTERM (or Ctrl-C) the client submits nothing more, waits
for the points in progress, stores them and exits (a second signal abandons them).
A worker that dies has its task run again elsewhere by the scheduler (up to
``distributed.scheduler.allowed-failures`` times); a point that fails is recorded
with its message.  Results arrive in any order; each is written by the client, never
by a worker.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

from ..errors import UserError
from .spec import Sweep
from .store import DONE, Results, point_text
from .task import run_point

TERMINATED = 143  # 128 + SIGTERM


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _quiet_dask() -> None:
    import logging

    for name in ("distributed", "distributed.nanny", "distributed.scheduler", "bokeh", "tornado"):
        logging.getLogger(name).setLevel(logging.ERROR)


@contextlib.contextmanager
def connect(scheduler: str | None = None, workers: int | None = None, timeout: float = 10.0):
    """A :class:`distributed.Client`: to ``scheduler``, or to a new local cluster of
    ``workers`` processes (one thread each; default one per core)."""
    _quiet_dask()
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=f"{timeout}s")
        except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, ValueError...
            why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise UserError(f"cannot reach the Dask scheduler at {scheduler}: {why}") from None
        try:
            yield client
        finally:
            client.close()
        return
    import logging

    cluster = LocalCluster(
        n_workers=workers or cores(),
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",  # a free port: several sweeps can run side by side
        silence_logs=logging.CRITICAL,
    )
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def dashboard(client) -> str:
    """The dashboard's address, or why there is none."""
    import importlib.util

    link = getattr(client, "dashboard_link", None)
    if link and importlib.util.find_spec("bokeh"):
        return link
    return "none (install bokeh for the Dask dashboard)"


class _Stop:
    """SIGTERM and SIGINT while a sweep runs: the first stops new submissions, the
    second abandons the points in progress."""

    def __init__(self):
        self.count = 0
        self.signal = None
        self._old = {}

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum, frame):
        self.count += 1
        self.signal = signum
        if self.count == 1:
            print(
                "statmech: stopping: finishing the points in progress (signal again to "
                "abandon them)",
                file=sys.stderr,
            )

    def __exit__(self, *exc):
        for sig, old in self._old.items():
            signal.signal(sig, old)


def run(
    sweep: Sweep,
    results: Results,
    client,
    log: str | None = None,
    show_progress: bool = False,
) -> dict:
    """Compute the sweep's missing points on ``client`` into ``results``.

    Returns ``{"computed", "failed", "interrupted"}``; ``interrupted`` is the signal
    number that stopped the sweep, or None.
    """
    from distributed import wait

    from ..progress import progress_bar

    todo = [i for i in sweep.indices() if results.status[i] != DONE]
    pending = list(reversed(todo))  # pop() from the end: the first point first
    running = {}
    computed = 0
    with (
        _Stop() as stop,
        progress_bar(show_progress, desc="points", unit="point") as bar,
    ):
        while pending or running:
            if stop.count == 0:
                room = max(1, sum(client.nthreads().values())) - len(running)
                while pending and room > 0:
                    index = pending.pop()
                    key = sweep.key(index)
                    fut = client.submit(
                        run_point,
                        sweep.argv(index),
                        key,
                        log,
                        pure=False,
                        key=f"statmech-sweep-{key}-{time.monotonic_ns()}",
                    )
                    running[fut] = index
                    room -= 1
            elif stop.count > 1 or not running:
                break
            if not running:
                break
            try:
                done, _ = wait(list(running), timeout=0.25, return_when="FIRST_COMPLETED")
            except TimeoutError:
                continue
            for fut in done:
                index = running.pop(fut)
                try:
                    rec = fut.result()
                except Exception as exc:  # noqa: BLE001 - KilledWorker, lost data, ...
                    rec = {"ok": False, "result": None, "message": f"{type(exc).__name__}: {exc}"}
                # Let go of the result on its worker now: a result still wanted when its
                # worker dies is computed again.
                fut.release()
                results.record(index, rec)
                computed += 1
                if not rec["ok"]:
                    print(
                        f"statmech: warning: point {point_text(sweep, index)} failed: "
                        f"{rec['message']}",
                        file=sys.stderr,
                    )
                if bar:
                    bar(computed, len(todo), dict)
            done = fut = None  # no reference left to a finished task
        for fut in running:
            fut.cancel()
    return {
        "computed": computed,
        "failed": results.failed,
        "interrupted": stop.signal if stop.count and results.done < sweep.size else None,
    }


def execute(
    sweep: Sweep,
    own: dict,
    command: str,
    client=None,
    log: str | None = None,
    show_progress: bool = False,
    say=None,
):
    """Check the output, connect, compute the missing points, write and plot.

    ``own`` holds the sweep's options (``out``, ``scheduler``, ``workers``,
    ``timeout``, ``plot``); ``client``, when given, is used instead of connecting.
    Returns ``(results, summary)`` as :func:`run` (with ``stored``, ``total``).
    Bad input raises :class:`UserError` before anything is written.
    """
    from ..common import check_output_folder, check_plot_path
    from .store import Results, attributes

    say = say or (lambda text: print(f"statmech: {text}", file=sys.stderr))
    if own.get("plot"):
        check_plot_path(own["plot"])
    out = own.get("out")
    results = Results(sweep, attributes(sweep, command), out)
    if out is not None:
        if not os.path.exists(out):
            check_output_folder(out.rstrip("/"), "sweep store")
        results.check_existing()
    todo = sweep.size - results.done
    summary = {"computed": 0, "failed": results.failed, "interrupted": None}
    if todo:
        ctx = (
            contextlib.nullcontext(client)
            if client is not None
            else connect(own.get("scheduler"), own.get("workers"), own.get("timeout") or 10.0)
        )
        with ctx as c:
            say(f"Dask dashboard: {dashboard(c)}")
            threads = sum(c.nthreads().values())
            stored = f" ({results.done} already stored)" if results.done else ""
            say(f"{todo} of {sweep.size} points to compute{stored} on {threads} worker threads")
            results.create()
            try:
                summary = run(sweep, results, c, log=log, show_progress=show_progress)
            finally:
                results.flush()
    else:
        results.flush()
    summary.update(stored=results.done, total=sweep.size)
    if own.get("plot"):
        from .plot import plot

        plot(results.dataset(), own["plot"])
        say(f"wrote {own['plot']}")
    return results, summary

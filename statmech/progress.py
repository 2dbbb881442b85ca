"""A progress bar with running estimates, on a terminal only.

:func:`progress_bar` returns a callback for :func:`numeric.simulation.simulate`
(or None when no bar should be drawn: standard error is not a terminal, or the
output is JSON).  The running estimates are refreshed at most twice a second.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager


def wanted(json_output: bool = False, stream=None) -> bool:
    """Draw a bar only on a terminal, and never with JSON output."""
    stream = sys.stderr if stream is None else stream
    return not json_output and bool(getattr(stream, "isatty", lambda: False)())


@contextmanager
def progress_bar(
    enabled: bool, desc: str = "sweeps", stream=None, interval: float = 0.5, unit: str = "sweep"
):
    """Yield a ``progress(done, total, running)`` callback, or None when disabled;
    the bar and its running estimates are refreshed every ``interval`` seconds."""
    if not enabled:
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(
        total=None,
        desc=desc,
        unit=unit,
        file=stream or sys.stderr,
        leave=False,
        mininterval=min(interval, 0.1),
    )
    last = [-float("inf")]

    def update(done, total, running):
        if bar.total != total:
            bar.total = total
        bar.update(done - bar.n)
        now = time.monotonic()
        if now - last[0] >= interval:
            est = running()
            if est:
                last[0] = now
                bar.set_postfix(
                    {k.split("_")[0]: f"{v.mean:.5g}+-{v.error:.1g}" for k, v in est.items()},
                    refresh=False,
                )

    try:
        yield update
    finally:
        bar.close()

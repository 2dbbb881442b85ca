r"""What a worker runs for one point: the verb's command line, in this process.

:func:`run_point` calls :func:`statmech.cli.main` with the point's arguments and
reads its JSON from standard output, so a point of a sweep is exactly the verb run
alone.  A point that fails (bad input, a solver that does not converge, any error)
comes back as a record with its message; it never raises, so Dask's retries are
left for workers that die.

``log``, when given, names a file to which the task appends ``start KEY PID`` before
the computation and ``done KEY PID`` after it: the tests count computed points with it.
"""

from __future__ import annotations

import contextlib
import io
import json
import os


def _log(path: str | None, what: str, key: str) -> None:
    if not path:
        return
    line = f"{what} {key} {os.getpid()}\n".encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)  # one write of a short line: whole lines, even from many processes
    finally:
        os.close(fd)


def run_point(argv: list, key: str, log: str | None = None) -> dict:
    """Run ``statmech ARGV`` here and return ``{"ok", "result", "message"}``: the parsed
    JSON of a point that gave one (with what the verb wrote on standard error: warnings,
    or why a validation failed), or the last line the verb wrote on failure."""
    from ..cli import main

    _log(log, "start", key)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(list(argv))
    except BaseException as exc:  # noqa: BLE001 - a failed point is a record, not a crash
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return {"ok": False, "result": None, "message": f"{type(exc).__name__}: {exc}"}
    lines = [s for s in err.getvalue().splitlines() if s.strip()]
    try:
        result = json.loads(out.getvalue())
    except ValueError:
        result = None
    if result is None:  # an error: no result (a failed validation still writes its JSON)
        why = lines[-1] if lines else f"exit status {status}: the verb wrote no JSON"
        return {"ok": False, "result": None, "message": why.removeprefix("statmech: error: ")}
    _log(log, "done", key)
    notes = [s.removeprefix("statmech: ").removeprefix("warning: ") for s in lines]
    return {"ok": True, "result": result, "message": "; ".join(notes)}

"""Building the report's sections: from the cache, in this process, or in several.

Sections are independent: each writes only its own figures and reads nothing
another writes, so they can be built in any order and at once
(:func:`build_sections` refuses two sections writing one file).  With
``jobs > 1`` each section is built in a worker process (spawned, so no lock or
thread of this process is inherited); the longest sections, by their last
recorded time, start first.  Progress is drawn here, by one thread: a bar for
the whole report and one per running section, each with an estimate from the
section's last build time.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import Context, Section

#: A section with no recorded time is expected to take this long (seconds).
DEFAULT_SECONDS = 20.0


@dataclass
class Built:
    """What :func:`build_sections` returns."""

    sections: dict = field(default_factory=dict)  # name -> Section
    seconds: dict = field(default_factory=dict)  # name -> seconds this build took
    cached: list = field(default_factory=list)  # names taken from the cache


def command_for(name: str, quick: bool) -> str:
    """The command that rebuilds section ``name`` (and its figures)."""
    return f"statmech report --only {name}" + (" --quick" if quick else "")


def build_one(name: str, out: str, quick: bool):
    """Build section ``name`` into ``out``: ``(Section, files written, seconds)``."""
    import importlib

    from .figure_data import recording

    mod = importlib.import_module(f"{__package__}.sections.{name}")
    ctx = Context(out=Path(out), quick=quick)
    t0 = time.perf_counter()
    with recording(ctx.out / "figures", command_for(name, quick), name, ctx.written):
        section = mod.build(ctx)
    seconds = time.perf_counter() - t0
    files = list(dict.fromkeys(ctx.written))
    files = [f for f in files if (ctx.out / "figures" / f).is_file()]
    return section, files, seconds


_EVENTS = None


def _worker_init(events):
    global _EVENTS
    _EVENTS = events


def _build_in_worker(name: str, out: str, quick: bool):
    if _EVENTS is not None:
        _EVENTS.put((name, time.monotonic()))
    return build_one(name, out, quick)


class _Progress:
    """A bar for the report and one per running section (on standard error); with
    ``enabled="lines"`` (not a terminal) one line per finished section instead."""

    def __init__(self, names, estimates: dict, enabled):
        # "lines": standard error is not a terminal (a log file): one line per section
        self.lines = enabled == "lines"
        self.count, self.total = 0, len(names)
        enabled = bool(enabled) and not self.lines
        self.enabled = enabled
        self.estimates = estimates
        self.running: dict = {}  # name -> (start, bar)
        self.done_work = 0.0
        self.finished: set = set()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        if not enabled:
            return
        import sys

        from tqdm import tqdm

        self.tqdm, self.stream = tqdm, sys.stderr
        self.width = max(map(len, names), default=0)
        total = sum(estimates[n] for n in names)
        self.bar = tqdm(
            total=round(total, 1),
            desc=f"report ({len(names)} sections)",
            file=self.stream,
            bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}",
            position=0,
        )
        self.thread = threading.Thread(target=self._tick, daemon=True)
        self.thread.start()

    def note(self, text: str) -> None:
        if self.enabled:
            with self.lock:
                self.tqdm.write(text, file=self.stream)

    def start(self, name: str, when: float | None = None) -> None:
        if not self.enabled or name in self.finished or name in self.running:
            return
        with self.lock:
            bar = self.tqdm(
                total=round(self.estimates[name], 1),
                desc=f"  {name:<{self.width}}",
                file=self.stream,
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}",
                position=1 + len(self.running),
                leave=False,
            )
            self.running[name] = (when or time.monotonic(), bar)

    def finish(self, name: str, text: str) -> None:
        if self.lines:
            import sys

            self.count += 1
            print(
                f"statmech report: {text} ({self.count}/{self.total})", file=sys.stderr, flush=True
            )
            return
        if not self.enabled:
            return
        with self.lock:
            self.finished.add(name)
            self.done_work += self.estimates[name]
            entry = self.running.pop(name, None)
            if entry is not None:
                entry[1].close()
            self.tqdm.write(text, file=self.stream)
            self._draw()

    def _draw(self) -> None:
        now = time.monotonic()
        work = self.done_work
        for name, (start, bar) in self.running.items():
            est = self.estimates[name]
            elapsed = min(now - start, 0.99 * est)
            work += elapsed
            bar.n = round(elapsed, 1)
            bar.refresh()
        self.bar.n = round(min(work, 0.999 * self.bar.total), 1)
        self.bar.refresh()

    def _tick(self) -> None:
        while not self.stop.wait(0.5):
            with self.lock:
                self._draw()

    def close(self) -> None:
        if not self.enabled:
            return
        self.stop.set()
        self.thread.join()
        with self.lock:
            for _, bar in self.running.values():
                bar.close()
            self.bar.n = self.bar.total
            self.bar.close()


def build_sections(names, out: Path, quick=False, progress=False, jobs=1, cache=False) -> Built:
    """Build the sections ``names`` (module names) into ``out``; see :func:`build_report`."""
    from . import cache as store

    out = Path(out)
    figures = out / "figures"
    tag = "quick" if quick else "full"
    recorded = store.timings() if (cache or progress) else {}
    known = [recorded[f"{n}:{tag}"] for n in names if f"{n}:{tag}" in recorded]
    default = sum(known) / len(known) if known else DEFAULT_SECONDS
    estimates = {n: max(recorded.get(f"{n}:{tag}", default), 0.5) for n in names}
    result = Built()
    owner: dict = {}  # file -> section that wrote it

    def keep(name, section, files, seconds, how):
        for f in files:
            if owner.setdefault(f, name) != name:
                raise RuntimeError(
                    f"sections {owner[f]} and {name} both write figures/{f}; "
                    "sections must write files of their own"
                )
        result.sections[name] = section
        result.seconds[name] = seconds
        if how == "cached":
            result.cached.append(name)
        elif cache:  # stored at once, so an interrupted build keeps what it built
            store.store(name, quick, keys[name], asdict(section), files, figures, seconds)
        bar.finish(name, f"{name}: {how}" + ("" if how == "cached" else f" in {seconds:.1f} s"))

    keys = {}
    if cache:
        keys = {n: store.section_key(f"{__package__}.sections.{n}", quick) for n in names}
    bar = _Progress(names, estimates, progress)
    try:
        todo = []
        for n in names:
            hit = store.load(n, quick, keys[n], figures) if cache else None
            if hit is None:
                todo.append(n)
                continue
            fields, files, seconds = hit
            bar.start(n)
            keep(n, Section(**fields), files, seconds, "cached")
        fresh = {}
        if jobs == 1 or len(todo) <= 1:
            for n in todo:
                bar.start(n)
                section, files, seconds = build_one(n, str(out), quick)
                keep(n, section, files, seconds, "built")
                fresh[n] = (section, files, seconds)
        else:
            fresh = _build_parallel(todo, out, quick, jobs, estimates, bar, keep)
        if fresh and (cache or progress):
            store.record_timings({f"{n}:{tag}": v[2] for n, v in fresh.items()})
    finally:
        bar.close()
    return result


def _build_parallel(todo, out, quick, jobs, estimates, bar, keep) -> dict:
    import multiprocessing as mp
    import queue
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    ctx = mp.get_context("spawn")
    events = ctx.Queue()
    order = sorted(todo, key=lambda n: -estimates[n])  # longest first
    fresh = {}
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(todo)),
        mp_context=ctx,
        initializer=_worker_init,
        initargs=(events,),
    ) as pool:
        futures = {pool.submit(_build_in_worker, n, str(out), quick): n for n in order}
        pending = set(futures)
        try:
            while pending:
                finished, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                while True:
                    try:
                        name, when = events.get_nowait()
                    except queue.Empty:
                        break
                    bar.start(name, when)
                for fut in finished:
                    name = futures[fut]
                    section, files, seconds = fut.result()
                    fresh[name] = (section, files, seconds)
                    keep(name, section, files, seconds, "built")
        except BaseException:
            for fut in pending:
                fut.cancel()
            raise
    return fresh

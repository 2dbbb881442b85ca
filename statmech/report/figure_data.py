"""Each report figure's data, saved beside it with the command that made it.

While a section is built, :func:`recording` wraps matplotlib's ``Figure.savefig``:
a figure saved into the report's ``figures/`` folder is first made readable at
its printed size (:func:`statmech.report.figure_style.finish`); as ``name.png``
it also writes ``name.npz`` (every plotted array: lines, points, error bars, bars,
filled bands, images) and ``name.json`` (the command that rebuilds it, the
section, and for every array what it is: axes, kind, legend label, axis labels).
The sections draw as they always did; the data is read off the drawn figure,
so it is exactly what is plotted.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path


def _floats(values):
    import numpy as np

    try:
        arr = np.ma.filled(np.ma.asarray(values, dtype=float), np.nan)
    except (TypeError, ValueError):
        return None
    return arr if arr.size else None


def _axes_data(ax, prefix: str, arrays: dict, about: dict) -> None:
    import numpy as np
    from matplotlib.collections import LineCollection, PolyCollection, QuadMesh
    from matplotlib.patches import Rectangle

    def put(key, value, **info):
        arr = _floats(value)
        if arr is not None:
            arrays[key] = arr
            about[key] = {"shape": list(arr.shape), **{k: v for k, v in info.items() if v}}

    def label(artist):
        text = artist.get_label()
        return None if not text or text.startswith("_") else text

    for j, line in enumerate(ax.get_lines()):
        put(f"{prefix}_line{j}_x", line.get_xdata(), kind="line x", label=label(line))
        put(f"{prefix}_line{j}_y", line.get_ydata(), kind="line y", label=label(line))
    for j, coll in enumerate(ax.collections):
        key = f"{prefix}_collection{j}"
        if isinstance(coll, QuadMesh):
            put(key, coll.get_array(), kind="mesh values", label=label(coll))
        elif isinstance(coll, LineCollection):
            segs = coll.get_segments()
            if segs:
                flat = [np.vstack([s, [[np.nan, np.nan]]]) for s in segs]
                put(key, np.vstack(flat), kind="segments (x, y), nan between", label=label(coll))
        elif isinstance(coll, PolyCollection):
            paths = [p.vertices for p in coll.get_paths()]
            if paths:
                flat = [np.vstack([v, [[np.nan, np.nan]]]) for v in paths]
                put(key, np.vstack(flat), kind="polygons (x, y), nan between", label=label(coll))
        else:
            put(key, coll.get_offsets(), kind="points (x, y)", label=label(coll))
            values = coll.get_array()
            if values is not None:
                put(key + "_values", values, kind="point colour values", label=label(coll))
    rects = [p for p in ax.patches if isinstance(p, Rectangle)]
    if rects:
        put(
            f"{prefix}_bars",
            [[r.get_x(), r.get_y(), r.get_width(), r.get_height()] for r in rects],
            kind="bars (x, y, width, height)",
        )
    for j, im in enumerate(ax.images):
        put(f"{prefix}_image{j}", im.get_array(), kind="image", extent=list(im.get_extent()))


def figure_data(fig) -> tuple[dict, dict, list]:
    """``(arrays, about, axes)``: every plotted array of ``fig`` by key, what each is,
    and each axes' title and labels."""
    arrays: dict = {}
    about: dict = {}
    axes = []
    for i, ax in enumerate(fig.axes):
        axes.append(
            {
                "axes": f"ax{i}",
                "title": ax.get_title(),
                "xlabel": ax.get_xlabel(),
                "ylabel": ax.get_ylabel(),
                "xscale": ax.get_xscale(),
                "yscale": ax.get_yscale(),
            }
        )
        _axes_data(ax, f"ax{i}", arrays, about)
    return arrays, about, axes


def write_figure_data(fig, path: Path, command: str, section: str) -> list[Path]:
    """Write ``path``'s ``.npz`` and ``.json`` beside it; the paths written."""
    import numpy as np

    arrays, about, axes = figure_data(fig)
    npz, meta = path.with_suffix(".npz"), path.with_suffix(".json")
    np.savez_compressed(npz, **arrays)
    meta.write_text(
        json.dumps(
            {
                "figure": path.name,
                "data": npz.name,
                "command": command,
                "section": section,
                "axes": axes,
                "arrays": about,
            },
            indent=1,
        )
        + "\n"
    )
    return [npz, meta]


@contextmanager
def recording(folder: Path, command: str, section: str, written: list):
    """Within the block, figures saved into ``folder`` write their data beside them; the
    names of all the files written there are appended to ``written``."""
    from matplotlib.figure import Figure

    from .figure_style import finish

    folder = Path(folder).resolve()
    original = Figure.savefig

    def savefig(self, fname, *args, **kwargs):
        ours = isinstance(fname, (str, Path)) and Path(fname).resolve().parent == folder
        if ours:
            finish(self)
        out = original(self, fname, *args, **kwargs)
        if ours:
            path = Path(fname).resolve()
            extra = write_figure_data(self, path, command, section)
            written.extend(p.name for p in (path, *extra))
        return out

    Figure.savefig = savefig
    try:
        yield
    finally:
        Figure.savefig = original

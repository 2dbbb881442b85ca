"""Helpers the verbs share: model lookup with friendly errors, output."""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

from .errors import UserError


def lookup_model(name: str):
    """A model, or a topic (a derivation of no single model), by name."""
    if not isinstance(name, str):
        return name  # already a model (one read from --model-file)
    import difflib

    from statmech.derive.registry import UnknownModel, get_model, model_names
    from statmech.derive.topics import get_topic, topic_names

    try:
        return get_model(name)
    except UnknownModel:
        topic = get_topic(name)
        if topic is not None:
            return topic
    known = model_names() + topic_names()
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.4)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise UserError(f"unknown model {name!r}{hint} (known: {', '.join(known)})")


def write_output(text: str, path: str | None) -> None:
    if path:
        try:
            Path(path).write_text(text)
        except OSError as exc:
            raise UserError(f"cannot write {path}: {exc.strerror}") from None
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _finite_or_none(value):
    """``value`` with every non-finite float (NaN, +-inf) replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite_or_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite_or_none(v) for v in value]
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        return value
    if isinstance(value, np.ndarray):
        return _finite_or_none(value.tolist())
    if isinstance(value, (np.floating, np.integer, np.bool_)):
        return _finite_or_none(value.item())
    return value


def dump_json(data) -> str:
    """Valid JSON: a non-finite number (NaN, +-inf) is written as ``null``."""
    finite = _finite_or_none(data)
    return json.dumps(finite, indent=2, default=_as_float, allow_nan=False)


def _as_float(value):
    """JSON for a number type the encoder does not know (an mpmath number, ...)."""
    return _finite_or_none(float(value))


def check_output_folder(path: str, what: str) -> None:
    """Fail at once, before any work, when ``path``'s folder is missing or read-only."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UserError(f"cannot write {what} {path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"cannot write {what} {path}: folder {folder} is not writable")
    if os.path.isdir(path):
        raise UserError(f"cannot write {what} {path}: it is a folder")


def plot_formats() -> dict[str, str]:
    """The file formats matplotlib can save to: ``{extension: description}``."""
    from matplotlib.figure import Figure

    return Figure().canvas.get_supported_filetypes()


def check_plot_path(path: str) -> None:
    """Fail at once, before any work, when matplotlib cannot save to ``path``
    (unknown extension) or its folder is missing or read-only."""
    ext = os.path.splitext(path)[1].lstrip(".").lower()
    formats = plot_formats()
    if ext and ext not in formats:
        raise UserError(
            f"cannot plot to {path}: unknown format {ext!r} "
            f"(use one of {', '.join(sorted(formats))})"
        )
    check_output_folder(path, "plot")


def save_plot(fig, path: str, dpi: float | None = None) -> None:
    """Lay out, save and close ``fig``; a failure to write is a one-line error."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    try:
        fig.savefig(path, dpi=dpi)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise UserError(f"cannot write {path}: {exc}") from None
    finally:
        plt.close(fig)

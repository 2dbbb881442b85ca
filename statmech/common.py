"""Helpers the verbs share: model lookup with friendly errors, output."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .errors import UserError


def lookup_model(name: str):
    """A model, or a topic (a derivation of no single model), by name."""
    import difflib

    from derive.registry import UnknownModel, get_model, model_names
    from derive.topics import get_topic, topic_names

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


def dump_json(data) -> str:
    return json.dumps(data, indent=2, default=float)

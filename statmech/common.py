"""Helpers the verbs share: model lookup with friendly errors, output."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .errors import UserError


def lookup_model(name: str):
    from derive.registry import UnknownModel, get_model

    try:
        return get_model(name)
    except UnknownModel as exc:
        raise UserError(str(exc)) from None


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

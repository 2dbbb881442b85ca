r"""Checkpoints: a run's sampler state and measurements, saved atomically.

A checkpoint is one ``.npz`` file holding

* ``__meta__``: JSON text with the format tag, the run's *identity* (model,
  parameters, seed, backend, algorithm, replicas, sweeps, ...), its progress,
  the non-array entries of the sampler's ``state_dict``, and a SHA-256 checksum
  of everything else;
* ``sampler/KEY`` and ``data/KEY``: the arrays of the sampler state and the
  accumulated measurements.

It is written to a temporary file beside the target, flushed to disk, and
renamed over the target (:func:`os.replace` is atomic), so a run killed while
saving leaves the previous checkpoint intact.  Loading refuses, with a message
that says what to do, a file that is unreadable, fails its checksum, or was
written for another run (any identity field differs).
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

import numpy as np

FORMAT = "statmech-checkpoint/1"


class CheckpointError(ValueError):
    """A checkpoint that cannot be used (corrupt, or written for another run)."""


def _checksum(meta_core: dict, arrays: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256(json.dumps(meta_core, sort_keys=True).encode())
    for key in sorted(arrays):
        a = np.ascontiguousarray(arrays[key])
        h.update(f"{key}|{a.dtype.str}|{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _split(d: dict, prefix: str) -> tuple[dict, dict]:
    arrays, plain = {}, {}
    for k, v in d.items():
        if isinstance(v, np.ndarray):
            arrays[f"{prefix}/{k}"] = v
        elif isinstance(v, (np.integer, np.floating)):
            plain[k] = v.item()
        else:
            plain[k] = v
    return arrays, plain


def save_checkpoint(path, identity: dict, progress: dict, sampler_state: dict, data: dict) -> None:
    """Write a checkpoint atomically (temporary file, fsync, rename)."""
    path = Path(path)
    s_arrays, s_plain = _split(sampler_state, "sampler")
    d_arrays, d_plain = _split(data, "data")
    arrays = {**s_arrays, **d_arrays}
    core = {
        "format": FORMAT,
        "identity": identity,
        "progress": progress,
        "sampler": s_plain,
        "data": d_plain,
    }
    meta = dict(core, checksum=_checksum(core, arrays))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            np.savez(f, __meta__=np.array(json.dumps(meta)), **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    try:  # make the rename itself durable
        fd = os.open(path.parent if str(path.parent) else ".", os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


def _describe(identity: dict) -> str:
    return ", ".join(f"{k}={json.dumps(v, sort_keys=True)}" for k, v in sorted(identity.items()))


def load_checkpoint(path, identity: dict) -> tuple[dict, dict, dict]:
    """Read a checkpoint written for the run ``identity``.

    Returns
    -------
    (progress, sampler_state, data)

    Raises
    ------
    CheckpointError
        The file is corrupt, not a checkpoint, or belongs to another run.
    """
    path = Path(path)
    fix = f"delete {path} to start afresh, or give another checkpoint file"
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["__meta__"]))
            arrays = {k: z[k] for k in z.files if k != "__meta__"}
    except (
        OSError,
        ValueError,
        KeyError,
        EOFError,
        zipfile.BadZipFile,
        json.JSONDecodeError,
    ) as exc:
        raise CheckpointError(
            f"checkpoint {path} is corrupt or not a checkpoint ({exc}); {fix}"
        ) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a {FORMAT} checkpoint; {fix}")
    core = {k: meta.get(k) for k in ("format", "identity", "progress", "sampler", "data")}
    if meta.get("checksum") != _checksum(core, arrays):
        raise CheckpointError(f"checkpoint {path} is corrupt (checksum mismatch); {fix}")
    saved = meta["identity"]
    if saved != identity:
        keys = sorted(set(saved) | set(identity))
        differ = {k: saved.get(k) for k in keys if saved.get(k) != identity.get(k)}
        wanted = {k: identity.get(k) for k in differ}
        raise CheckpointError(
            f"checkpoint {path} belongs to another run ({_describe(differ)}; this run has "
            f"{_describe(wanted)}); {fix}"
        )
    sampler = dict(meta["sampler"])
    data = dict(meta["data"])
    for k, v in arrays.items():
        prefix, _, name = k.partition("/")
        (sampler if prefix == "sampler" else data)[name] = v
    return meta["progress"], sampler, data

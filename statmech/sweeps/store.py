r"""A sweep's results: an xarray Dataset kept in memory and mirrored to a store.

The Dataset has one dimension per swept parameter and one for the seed.  Its
variables are

- ``status`` (int8): 0 missing, 1 done, 2 failed, with ``message`` (the failure,
  or a point's warnings);
- ``point_seed`` (int64, seeded verbs only): the ``--seed`` that reruns the point
  alone;
- one float64 variable per number of the verb's JSON: for an estimate with a mean,
  ``NAME`` is the mean, ``NAME_error`` its error bar and ``NAME_tau_int`` its
  integrated autocorrelation time (see :func:`flatten`).

A Zarr store (``*.zarr``) is written as the points arrive, one chunk per point,
by the client only; the point's numbers are written before its status, so a store
cut off between the two only recomputes that point.  A netCDF file (``*.nc``) is
written whole at the end (and when the sweep is interrupted), through a temporary
file, so it is never half written.
"""

from __future__ import annotations

import json
import os

import numpy as np

from ..errors import UserError
from .spec import SEED_DIM, Sweep, format_value

MISSING, DONE, FAILED = 0, 1, 2
MESSAGE_WIDTH = 200
_SKIP = {"parameters", "params", "seed", "model", "ranges", "reference", "warnings", "unknown"}


def _as_float(value) -> float:
    """A solution's number (a string of digits under ``--precision``) as a float; -inf
    for none, so that a solution without it is chosen last."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("-inf")


def flatten(result, skip=()) -> dict:
    """The numbers of a verb's JSON as ``{name: float}``.

    A dict with a ``mean`` gives ``NAME``, ``NAME_error`` and ``NAME_tau_int``; the
    ``observables``, ``rows`` and ``points`` levels add no prefix; rows (a list of
    dicts with a ``quantity``) are named by their quantity; of a list of solutions,
    the equilibrium one of largest ``m`` is kept (and their count as ``solutions``); a list of
    one entry is that entry.
    ``null`` (a non-finite number in the JSON) becomes NaN; text and other lists are
    left out, and so are the parameters ``skip`` (they are coordinates).
    """
    out: dict = {}
    skip = set(skip) | _SKIP

    def join(prefix, name):
        return f"{prefix}_{name}" if prefix else str(name)

    def put(name, value):
        if value is None:
            out[name] = float("nan")
        elif isinstance(value, bool | int | float):
            out[name] = float(value)

    def walk(obj, prefix, top):
        if isinstance(obj, dict):
            if "mean" in obj:
                put(prefix or "value", obj.get("mean"))
                for k, v in obj.items():
                    if k != "mean":
                        walk(v, join(prefix, k), False)
                return
            for k, v in obj.items():
                if (top or not prefix) and k in skip:
                    continue
                walk(
                    v, prefix if k in ("observables", "points", "rows") else join(prefix, k), False
                )
        elif isinstance(obj, list):
            if obj and all(isinstance(r, dict) and "quantity" in r for r in obj):
                for r in obj:
                    walk(
                        {k: v for k, v in r.items() if k != "quantity"},
                        join(prefix, r["quantity"]),
                        False,
                    )
            elif obj and all(isinstance(r, dict) and "equilibrium" in r for r in obj):
                put(prefix or "solutions", len(obj))
                # Of coexisting equilibria (m and -m below T_c at h = 0), the largest m:
                # the order in which a solver lists them is no part of the result.
                chosen = max(
                    (r for r in obj if r.get("equilibrium")),
                    key=lambda r: _as_float(r.get("m")),
                    default=None,
                )
                if chosen is not None:
                    base = prefix.removesuffix("solutions").rstrip("_")
                    walk(chosen, base, False)
            elif len(obj) == 1:
                walk(obj[0], prefix, top)
        elif prefix:
            put(prefix, obj)

    walk(result, "", True)
    return out


def store_kind(path: str) -> str:
    """``zarr`` or ``netcdf`` from the store's name."""
    low = path.rstrip("/").lower()
    if low.endswith(".zarr"):
        return "zarr"
    if low.endswith((".nc", ".nc4", ".netcdf")):
        return "netcdf"
    raise UserError(f"--out must name a .zarr store or a .nc file, got {path}")


def _zarr_kwargs() -> dict:
    """Zarr's version-2 format where zarr 3 is installed: readable by zarr 2.16 and later."""
    import zarr

    major = int(str(zarr.__version__).split(".")[0])
    return {"zarr_format": 2} if major >= 3 else {}


def _differs(mine: dict, theirs: dict) -> str:
    for k in mine:
        if mine[k] != theirs.get(k):
            return f"its {k}: {theirs.get(k)!r}; this sweep's: {mine[k]!r}"
    return "its description differs"


class Results:
    """The sweep's Dataset in memory, mirrored to ``path`` (or to nothing)."""

    def __init__(self, sweep: Sweep, attrs: dict | None = None, path: str | None = None):
        self.sweep = sweep
        self.attrs = dict(attrs or {})
        self.path = path
        self.kind = store_kind(path) if path else None
        shape = sweep.shape
        self.status = np.zeros(shape, dtype="i1")
        self.message = np.full(shape, "", dtype=f"<U{MESSAGE_WIDTH}")
        self.seeds = None
        if sweep.seeded:
            self.seeds = np.zeros(shape, dtype="i8")
            for index in sweep.indices():
                self.seeds[index] = sweep.point_seed(index)
        self.data: dict[str, np.ndarray] = {}
        self._created = False

    # -- the store on disk --------------------------------------------------------

    def check_existing(self) -> bool:
        """Read an existing store at ``path`` into memory (True), or say that there is
        none (False); refuse a store of a different sweep.  Writes nothing."""
        path = self.path
        if path is None or not os.path.exists(path):
            return False
        import xarray as xr

        try:
            if self.kind == "zarr":
                old = xr.open_zarr(path)
            else:
                old = xr.open_dataset(path, engine="h5netcdf")
            old = old.load()
            old.close()
        except Exception:  # noqa: BLE001 - any unreadable thing at the path
            raise UserError(f"{path} exists and is not a sweep store; give another --out") from None
        if "sweep" not in old.attrs:
            raise UserError(f"{path} exists and is not a sweep store; give another --out")
        theirs = json.loads(old.attrs["sweep"])
        mine = json.loads(json.dumps(self.sweep.identity()))
        if theirs != mine:
            raise UserError(
                f"{path} holds a different sweep ({_differs(mine, theirs)}); "
                "give another --out or remove it"
            )
        self.status[...] = old["status"].values
        self.message[...] = old["message"].values.astype(self.message.dtype)
        for name in old.data_vars:
            if name not in ("status", "message", "point_seed"):
                self.data[name] = np.asarray(old[name].values, dtype="f8").copy()
        self._created = True
        return True

    def create(self) -> None:
        """Write the empty store (Zarr) now; a netCDF file waits for :meth:`flush`."""
        if self.kind != "zarr" or self._created:
            return
        enc = {k: {"chunks": (1,) * len(self.sweep.dims)} for k in self._base()}
        self.dataset().to_zarr(self.path, mode="w-", encoding=enc, **_zarr_kwargs())
        self._created = True

    def _base(self) -> dict:
        dims = self.sweep.dims
        base = {"status": (dims, self.status, _STATUS_ATTRS), "message": (dims, self.message)}
        if self.seeds is not None:
            base["point_seed"] = (dims, self.seeds, _SEED_ATTRS)
        return base

    def record(self, index: tuple, rec: dict) -> None:
        """Store one point's outcome (memory and Zarr)."""
        values = {}
        if rec["ok"]:
            skip = {*self.sweep.fixed, *self.sweep.dims, *self.sweep.defaults}
            values = flatten(rec["result"], skip)
        new = [k for k in values if k not in self.data]
        for k in new:
            self.data[k] = np.full(self.sweep.shape, np.nan)
        for k, v in values.items():
            self.data[k][index] = v
        self.status[index] = DONE if rec["ok"] else FAILED
        self.message[index] = (rec.get("message") or "")[:MESSAGE_WIDTH]
        if self.kind == "zarr":
            self._write_point(index, new, list(values))

    def _write_point(self, index, new, names) -> None:
        import xarray as xr

        dims = self.sweep.dims
        kw = _zarr_kwargs()
        if new:  # new variables first, whole (NaN but for this point)
            fresh = xr.Dataset({k: (dims, self.data[k]) for k in new}, attrs=self.attrs)
            enc = {k: {"chunks": (1,) * len(dims)} for k in new}
            fresh.to_zarr(self.path, mode="a", encoding=enc, **kw)
        region = {d: slice(i, i + 1) for d, i in zip(dims, index, strict=True)}
        sel = tuple(slice(i, i + 1) for i in index)
        numbers = {k: (dims, self.data[k][sel]) for k in names if k not in new}
        numbers["message"] = (dims, self.message[sel])
        xr.Dataset(numbers).to_zarr(self.path, region=region, **kw)
        status = xr.Dataset({"status": (dims, self.status[sel])})
        status.to_zarr(self.path, region=region, **kw)  # last: the point counts as done

    def flush(self) -> None:
        """Write a netCDF file whole (a Zarr store is already up to date)."""
        if self.kind != "netcdf":
            return
        tmp = f"{self.path}.part"
        self.dataset().to_netcdf(tmp, engine="h5netcdf")
        os.replace(tmp, self.path)

    # -- the Dataset ----------------------------------------------------------------

    def dataset(self):
        """The results as an :class:`xarray.Dataset` (copies of the arrays)."""
        import xarray as xr

        dims = self.sweep.dims
        coords = {a.name: np.asarray(a.values) for a in self.sweep.axes}
        coords[SEED_DIM] = np.arange(self.sweep.seeds)
        variables = {k: (v[0], v[1].copy(), *v[2:]) for k, v in self._base().items()}
        for k in sorted(self.data):
            variables[k] = (dims, self.data[k].copy())
        ds = xr.Dataset(variables, coords=coords, attrs=self.attrs)
        ds[SEED_DIM].attrs["long_name"] = "seed index (the seed used is point_seed)"
        return ds

    @property
    def done(self) -> int:
        return int((self.status == DONE).sum())

    @property
    def failed(self) -> int:
        return int((self.status == FAILED).sum())


_STATUS_ATTRS = {
    "flag_values": [MISSING, DONE, FAILED],
    "flag_meanings": "missing done failed",
    "long_name": "point status (the failure's reason is in message)",
}
_SEED_ATTRS = {"long_name": "--seed of the point run alone"}


def attributes(sweep: Sweep, command: str) -> dict:
    """The Dataset's metadata: model, fixed parameters, version, command line."""
    from ..cli import version

    fixed = {**sweep.defaults, **sweep.fixed}
    return {
        "verb": sweep.verb,
        "model": sweep.model or "",
        "model_file": sweep.model_file or "",
        "fixed": json.dumps({k: fixed[k] for k in sorted(fixed)}),
        "options": " ".join(sweep.options),
        "sweep_seed": sweep.seed,
        "statmech_version": version(),
        "command": command,
        "rerun": sweep.rerun_hint(),
        "sweep": json.dumps(sweep.identity()),
    }


def point_text(sweep: Sweep, index) -> str:
    """``L=8 T=2.1 seed=0``, for messages."""
    return " ".join(f"{k}={format_value(v)}" for k, v in sweep.params(index).items()) + (
        f" seed={index[-1]}"
    )

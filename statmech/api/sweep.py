r"""``sm.sweep``: a verb over a grid of parameters and seeds, on Dask, as an xarray Dataset.

>>> ds = sm.sweep("exact", "ising2d", L=[4, 6], T=[2.0, 2.5])      # doctest: +SKIP
>>> ds["energy_per_spin"].sel(L=4, T=2.5, seed=0)                   # doctest: +SKIP

The command line's ``statmech sweep`` calls this same machinery
(:mod:`statmech.sweeps`); each point is the verb's own command line, so a point is
the verb run alone with the ``--seed`` recorded in ``point_seed``.
"""

from __future__ import annotations

import shlex

from ..errors import UserError


def _value_token(name: str, value) -> str:
    from ..sweeps.spec import format_value

    many = isinstance(value, list | tuple | range) or getattr(value, "ndim", 0) > 0
    if not many:
        return f"{name}={format_value(_number(name, value))}"
    values = [format_value(_number(name, v)) for v in value]
    if not values:
        raise UserError(f"a range of {name} needs at least one value")
    if len(values) == 1:
        return f"{name}={values[0]}:{values[0]}:1"
    return f"{name}={','.join(values)}"


def _number(name, v):
    if isinstance(v, bool | int | float):
        return v
    if hasattr(v, "item"):  # a NumPy scalar
        return v.item()
    raise UserError(f"{name} must be a number, got {name}={v!r}")


def sweep(
    verb: str,
    model,
    params: dict | None = None,
    *,
    seeds: int = 1,
    seed: int = 1,
    out: str | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    client=None,
    timeout: float = 10.0,
    plot: str | None = None,
    progress: bool = False,
    **values,
):
    """Run ``verb`` (simulate, validate, solve or exact) of ``model`` at every point of a
    grid and return the results as an :class:`xarray.Dataset`.

    Parameters
    ----------
    verb, model : str
        The verb and a registered model name.
    params : dict, optional
        Parameter values, for names that clash with the keywords here (``seed``).
    seeds : int
        Independent seeds per point; each point's seed derives from ``seed`` and
        its parameters (recorded as ``point_seed``).
    out : str, optional
        A ``.zarr`` store written as points arrive, or a ``.nc`` file written at the
        end; an existing store of the same sweep is completed, not recomputed.
    scheduler, client
        An existing Dask scheduler's address, or a :class:`distributed.Client`;
        default a local cluster of ``workers`` processes (one per core).
    plot : str, optional
        Draw the observables against the first swept parameter into this file.
    **values
        A parameter's value (a number) or values (a sequence: a swept dimension),
        and the verb's options by their command-line names (``sweeps=2000``,
        ``algorithm="wolff"``, ``max_z=4``).

    Returns
    -------
    xarray.Dataset
        One dimension per swept parameter and ``seed``; ``status`` (1 done,
        2 failed, with ``message``) and the verb's numbers (``NAME``,
        ``NAME_error``, ``NAME_tau_int``).  ``attrs["failed"]`` counts the failed
        points.
    """
    from ..sweeps import runner, spec

    if verb not in spec.VERBS:
        raise UserError(f"a sweep runs one of {', '.join(spec.VERBS)}, got {verb!r}")
    name = model if isinstance(model, str) else getattr(model, "name", None)
    if not isinstance(name, str):
        raise UserError("sweep takes a registered model by name (or its ModelHandle)")
    p = spec.verb_parser(verb)
    dests = {
        a.dest: a
        for a in p._actions
        if a.option_strings and a.dest not in {"help", "seed", *spec.SWEEP_DESTS}
    }
    tokens, options = [name], []
    for key, value in {**values, **(params or {})}.items():
        if key in dests and key not in (params or {}):
            action = dests[key]
            flag = max(action.option_strings, key=len)
            if action.nargs == 0:
                options += [flag] if value else []
            elif value is not None:
                options += [flag, str(value)]
        else:
            tokens.append(_value_token(key, value))
    argv = [*tokens, *options, "--seed", str(seed)]
    own = {
        "seeds": seeds,
        "out": out,
        "scheduler": scheduler,
        "workers": workers,
        "timeout": timeout,
        "plot": plot,
    }
    sw, own = spec.parse(verb, argv, own)
    command = "statmech sweep " + shlex.join([verb, *argv])
    results, summary = runner.execute(
        sw, own, command, client=client, show_progress=progress, say=lambda text: None
    )
    ds = results.dataset()
    ds.attrs["failed"] = summary["failed"]
    return ds

r"""Derive, solve and simulate statistical-mechanics models.

The library face (loaded on first use, so that ``import statmech.derive`` stays
pure SymPy)::

    import statmech as sm
    m = sm.model("ising2d")
    m.derive()                   # the derivations (LaTeX in Jupyter)
    sm.exact(m, L=16, T=2.5)     # exact thermodynamics
    sm.solve("curie-weiss", T=0.8)
    sm.simulate(m, L=32, T=2.3)  # Monte Carlo with error bars
    sm.validate(m, L=8, T=2.1)   # simulation against the exact values

``statmech.derive`` is the SymPy layer (a subpackage), so the derivations are
``m.derive()`` (or :func:`statmech.api.derive`).  See :mod:`statmech.api` and
``docs/api.md``.  The layers below are
:mod:`statmech.derive` (SymPy) and :mod:`statmech.numeric` (NumPy/CuPy); the
command line is :mod:`statmech.cli`.
"""

_API = (
    "Derivations",
    "ModelHandle",
    "Solution",
    "Validation",
    "exact",
    "load_model_file",
    "model",
    "models",
    "reference",
    "simulate",
    "solve",
    "sweep",
    "validate",
)

__all__ = [*_API, "UserError"]


def __getattr__(name):
    if name in _API:
        from . import api

        return getattr(api, name)
    if name == "UserError":
        from .errors import UserError

        return UserError
    raise AttributeError(f"module 'statmech' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *__all__])

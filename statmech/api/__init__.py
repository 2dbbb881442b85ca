r"""The library face of ``statmech``: one surface for notebooks, scripts and the command line.

>>> import statmech as sm
>>> m = sm.model("ising2d")
>>> r = sm.exact(m, L=4, T=2.5)
>>> r.system, round(r["energy_per_spin"], 12)
('4 x 4 torus', -1.379116482259)

Every verb takes a model (a registered name, a :class:`ModelHandle`, or a
:class:`statmech.derive.model.Model`) and parameter values, either as keywords
(``T=2.5``) or as a dict (``params={"T": 2.5}``, for a parameter whose name
clashes with an option).  Parameters not given take the model's defaults.
Results are typed values with ``to_dict()``, whose keys are those of the
command line's ``--json``; the command line calls these same functions.  Bad
input raises :class:`statmech.errors.UserError` with a one-sentence reason; the
command line prints that sentence.

=====================  ==========================================
module                 what
=====================  ==========================================
:mod:`.models`         :class:`ModelHandle`, :func:`model`, :func:`models`,
                       :func:`load_model_file` (a user's own file)
:mod:`.derivations`    :class:`Derivations`, :func:`derive`
:mod:`.analytic`       :func:`exact`, :class:`Solution`, :func:`solve`
:mod:`.monte_carlo`    :func:`simulate`, :class:`Validation`, :func:`validate`,
                       :func:`reference`
:mod:`.sweep`          :func:`sweep` (a verb over a grid, on Dask, as xarray)
=====================  ==========================================

Importing this package loads no NumPy; each verb imports what it needs.
See ``docs/api.md``.
"""

from .analytic import Solution, exact, solve
from .derivations import Derivations, derive
from .models import ModelHandle, load_model_file, model, models
from .monte_carlo import Validation, reference, simulate, validate
from .sweep import sweep

__all__ = [
    "Derivations",
    "ModelHandle",
    "Solution",
    "Validation",
    "derive",
    "exact",
    "load_model_file",
    "model",
    "models",
    "reference",
    "simulate",
    "solve",
    "sweep",
    "validate",
]

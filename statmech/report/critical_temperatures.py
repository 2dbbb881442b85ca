r"""Critical temperatures of the Ising model, approximate and exact, in one table.

Every entry is a ``T_c`` result of a derivation, the same expression that
``statmech derive MODEL --format json`` prints under ``results``, evaluated at
the lattice's coordination number :math:`z` and :math:`J = 1`:

* Weiss mean field, ``statmech derive mean-field``: :math:`T_c = zJ`;
* Bethe-Peierls, ``statmech derive bethe``: :math:`T_c = 2J/\log(z/(z-2))`;
* the reference value: the chain has no transition at :math:`T > 0` (its
  derived :math:`m(T, h) \to 0` as :math:`h \to 0`), the square lattice is
  exact (``statmech derive ising2d``, Kramers-Wannier duality), the simple
  cubic one is quoted from Monte Carlo (``statmech derive ising3d``).

The square-lattice and mean-field report sections both show this table, so the
numbers are computed in one place.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

#: (lattice, coordination z, model giving the reference T_c or None, what that value is)
LATTICES = (
    ("chain", 2, None, "exact: no order at T > 0 (transfer matrix, m -> 0 as h -> 0)"),
    (
        "square",
        4,
        "ising2d",
        "exact: Kramers-Wannier duality; L. Onsager, Phys. Rev. 65, 117 (1944)",
    ),
    (
        "simple cubic",
        6,
        "ising3d",
        "Monte Carlo, quoted: A. M. Ferrenberg, J. Xu, D. P. Landau, Phys. Rev. E 97, 043301 "
        "(2018)",
    ),
)


@dataclass(frozen=True)
class CriticalTemperatures:
    """:math:`T_c / J` on one lattice by each method; SymPy numbers, exact where they can be."""

    lattice: str
    z: int
    weiss: object
    bethe: object
    reference: object
    source: str

    @property
    def label(self) -> str:
        return f"{self.lattice} (z = {self.z})"

    def values(self) -> tuple[float, float, float]:
        """(Weiss, Bethe, reference) as floats."""
        return float(self.weiss), float(self.bethe), float(self.reference)


@functools.cache
def derived_critical_temperature(model_name: str):
    """The ``T_c`` result of the model's derivations (a SymPy expression in J, and z)."""
    from statmech.derive import derivations, get_model
    from statmech.derive.render import results_of

    return results_of(derivations(get_model(model_name)))["T_c"]


def _at(expr, z: int):
    """``expr`` at coordination ``z`` and J = 1, as a limit where the formula is singular
    (Bethe on the chain: log(z/(z-2)) diverges as z -> 2 and T_c -> 0)."""
    import sympy as sp

    value = expr.subs({s: 1 for s in expr.free_symbols if s.name == "J"})
    for zsym in (s for s in value.free_symbols if s.name == "z"):
        at = value.subs(zsym, z)
        value = at if at.is_finite and at.is_real else sp.limit(value, zsym, z, "+")
    return value


@functools.cache
def critical_temperature_table() -> tuple[CriticalTemperatures, ...]:
    """Weiss, Bethe and reference :math:`T_c/J` for the chain, square and simple cubic lattices.

    Examples
    --------
    >>> square = critical_temperature_table()[1]
    >>> square.label, [round(v, 4) for v in square.values()]
    ('square (z = 4)', [4.0, 2.8854, 2.2692])
    """
    import sympy as sp

    weiss = derived_critical_temperature("mean-field")
    bethe = derived_critical_temperature("bethe")
    rows = []
    for lattice, zz, model_name, source in LATTICES:
        reference = (
            sp.Integer(0) if model_name is None else derived_critical_temperature(model_name)
        )
        rows.append(
            CriticalTemperatures(
                lattice=lattice,
                z=zz,
                weiss=_at(weiss, zz),
                bethe=_at(bethe, zz),
                reference=_at(reference, zz),
                source=source,
            )
        )
    return tuple(rows)


HEADER = ("lattice", "Weiss $zJ$", "Bethe $2J/\\log(z/(z-2))$", "exact or best", "source")


def table_markdown(rows=None, digits: int = 6) -> str:
    """The table in Markdown (``T_c / J``)."""
    rows = critical_temperature_table() if rows is None else rows
    lines = ["| " + " | ".join(HEADER) + " |", "|---|---|---|---|---|"]
    for r in rows:
        w, b, ref = r.values()
        lines.append(
            f"| {r.label} | {w:.{digits}f} | {b:.{digits}f} | {ref:.{digits}f} | {r.source} |"
        )
    return "\n".join(lines)


def table_latex(rows=None, digits: int = 6) -> str:
    """The table as a LaTeX ``tabular`` (``T_c / J``)."""
    from statmech.derive.render import tex_prose

    rows = critical_temperature_table() if rows is None else rows
    lines = [
        "\\begin{tabular}{lrrrp{0.3\\linewidth}}",
        "lattice & Weiss $zJ$ & Bethe & exact or best & source\\\\",
        "\\hline",
    ]
    for r in rows:
        w, b, ref = r.values()
        lines.append(
            f"{tex_prose(r.label)} & {w:.{digits}f} & {b:.{digits}f} & {ref:.{digits}f} & "
            f"\\raggedright\\footnotesize {tex_prose(r.source)}\\tabularnewline"
        )
    lines.append("\\end{tabular}")
    return "\n".join(lines)

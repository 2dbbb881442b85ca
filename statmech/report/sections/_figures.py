"""Helpers the foundation sections share: matplotlib on Agg, equations of results."""

from __future__ import annotations

import sympy as sp


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig, path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    import matplotlib.pyplot as plt

    plt.close(fig)


LABELS = {
    "F": "F",
    "E": "E",
    "S": "S",
    "C": "C",
    "M": "M",
    "chi": "\\chi",
    "Z": "Z",
    "S_ST": "S_{\\mathrm{ST}}",
}


def results_markdown(results: dict, keys) -> str:
    from statmech.derive.printing import latex

    lines = []
    for k in keys:
        if k in results:
            lines.append(f"$$\n{LABELS.get(k, k)} = {latex(results[k])}\n$$\n")
    return "\n".join(lines)


def results_latex(results: dict, keys) -> str:
    """One display per result, each shrunk to the line width if SymPy's form is wider."""
    from statmech.derive.render import display_equation

    rows = [display_equation(sp.Symbol(LABELS.get(k, k)), results[k]) for k in keys if k in results]
    return "\n".join(rows) + "\n"

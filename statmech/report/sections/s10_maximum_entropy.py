"""Foundations I: the Boltzmann distribution from maximum entropy."""

from statmech.derive import check
from statmech.derive.maxent import maximum_entropy
from statmech.derive.render import tex_prose, to_latex_body, to_markdown_body

from .. import Section

ORDER = 10
TITLE = "The Boltzmann distribution from maximum entropy"

INTRO = (
    "Which probabilities $p_i$ should we give the levels $E_i$ of a system when all we know "
    "is its mean energy $U$? The least committal choice maximises the entropy "
    "$S = -\\sum_i p_i \\log p_i$. Lagrange multipliers turn the constraints into two numbers, "
    "$\\alpha$ and $\\beta$; thermodynamics identifies $\\beta$ with $1/T$ through "
    "$\\partial S/\\partial U = 1/T$. Each step below is checked (symbolically, or at random "
    "points at 30 digits); the two steps that only rearrange sums are verified numerically "
    "on random level sets by the test suite."
)


def build(ctx) -> Section:
    d = maximum_entropy()
    check(d)
    # The derivation's title is the section's: no second heading repeating it.
    headings = d.title != TITLE
    md = INTRO + "\n\n" + to_markdown_body([d], check=True, level=3, headings=headings)
    tex = tex_prose(INTRO) + "\n\n" + to_latex_body([d], check=True, headings=headings)
    return Section(TITLE, md, tex)

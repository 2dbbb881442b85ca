r"""Derivations as data: a list of checked steps.

A :class:`Step` is an equation ``lhs = rhs`` with a short justification and a
rule that says how it follows from what came before:

``define``      introduces a quantity (nothing to check);
``given``       a premise of the model (nothing to check);
``equal``       ``rhs`` equals ``via`` (default: the previous step's ``rhs``),
                after the quantities defined so far are substituted into
                ``via`` and unevaluated derivatives, sums and integrals are
                carried out;
``asymptotic``  as ``equal``, but only as ``large -> oo`` (Stirling);
``quoted``      a result taken from the literature (``reference`` required),
                checked numerically by the tests, not here.

Rendering (LaTeX, Markdown, text, JSON) lives in :mod:`derive.render`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from .checking import CheckResult, asymptotically_equal, equal

RULES = ("define", "given", "equal", "asymptotic", "quoted")


@dataclass(frozen=True)
class Step:
    lhs: sp.Expr
    rhs: sp.Expr
    why: str
    rule: str = "equal"
    via: sp.Expr | None = None
    large: sp.Symbol | tuple | None = None  # tuple: symbols that grow together
    reference: str | None = None

    def __post_init__(self):
        if self.rule not in RULES:
            raise ValueError(f"unknown rule {self.rule!r}; use one of {RULES}")
        if self.rule == "quoted" and not self.reference:
            raise ValueError("a quoted step needs a reference")
        if self.rule == "asymptotic" and self.large is None:
            raise ValueError("an asymptotic step needs the large symbol")


@dataclass(frozen=True)
class Derivation:
    """A titled sequence of steps with named results.

    ``results`` maps a quantity name (``"Z"``, ``"F"``, ``"T_c"``, ...) to its
    final expression.  ``figures`` names figures the report may draw for it.
    """

    title: str
    steps: tuple[Step, ...]
    results: tuple[tuple[str, sp.Expr], ...] = ()
    intro: str = ""
    references: tuple[str, ...] = field(default_factory=tuple)

    @property
    def result_dict(self) -> dict[str, sp.Expr]:
        return dict(self.results)


class DerivationError(AssertionError):
    """A step does not follow from the ones before it."""


def _is_quantity(lhs: sp.Expr) -> bool:
    return isinstance(lhs, (sp.Symbol, sp.Indexed, sp.Function)) or (
        isinstance(lhs, sp.core.function.AppliedUndef)
    )


def _resolve(expr: sp.Expr, known: dict) -> sp.Expr:
    """Substitute the known quantities (repeatedly) and carry out Derivative/Sum."""
    out = expr
    for _ in range(4):
        new = out.subs(known)
        if new == out:
            break
        out = new
    return out.doit() if out.has(sp.Derivative, sp.Sum, sp.Integral, sp.Limit) else out


def check_steps(steps, known: dict | None = None, seed: int = 0):
    """Check each step; yield ``(step, CheckResult)`` pairs in order."""
    known = dict(known or {})
    previous = None
    for i, step in enumerate(steps):
        if step.rule in ("define", "given"):
            result = CheckResult(True, step.rule)
        elif step.rule == "quoted":
            result = CheckResult(True, "quoted", step.reference or "")
        else:
            if step.via is not None:
                target = _resolve(step.via, known)
            elif previous is not None:
                target = previous.rhs
            else:
                raise DerivationError(f"step {i + 1} has nothing to follow from")
            rhs = _resolve(step.rhs, known) if step.rhs.has(sp.Derivative) else step.rhs
            if step.rule == "asymptotic":
                result = asymptotically_equal(target, rhs, step.large, seed=seed + i)
            else:
                result = equal(target, rhs, seed=seed + i)
        yield step, result
        if _is_quantity(step.lhs) and not step.rhs.has(step.lhs):
            known[step.lhs] = step.rhs
        previous = step


def checked_steps(derivation: Derivation, seed: int = 0) -> tuple[tuple[Step, CheckResult], ...]:
    """:func:`check_steps` of ``derivation``, computed once per derivation object and seed
    (the checks are deterministic; a report checks and then renders the same derivation).
    Keyed by identity: some derivations hold matrices, which do not hash."""
    key = (id(derivation), int(seed))
    hit = _CHECKED.get(key)
    if hit is not None and hit[0] is derivation:
        return hit[1]
    out = tuple(check_steps(derivation.steps, seed=seed))
    if len(_CHECKED) >= 256:
        _CHECKED.clear()
    _CHECKED[key] = (derivation, out)  # holds the derivation, so its id is not reused
    return out


_CHECKED: dict = {}


def check(derivation: Derivation, seed: int = 0) -> list[tuple[Step, CheckResult]]:
    """Check every step of ``derivation``; raise :class:`DerivationError` on the first
    that does not follow, naming it."""
    out = []
    for i, (step, result) in enumerate(checked_steps(derivation, seed)):
        if not result.ok:
            raise DerivationError(
                f"{derivation.title}: step {i + 1} ({step.why}) does not follow: "
                f"{sp.sstr(step.lhs)} = {sp.sstr(step.rhs)}; {result.method} check: "
                f"{result.detail}"
            )
        out.append((step, result))
    return out

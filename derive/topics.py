r"""Derivations that belong to no single model: named topics.

``statmech derive maximum-entropy`` and ``statmech derive heat-flow`` reach them
as ``statmech derive MODEL`` reaches a model; ``statmech models`` lists them.
A :class:`Topic` offers what the renderers read from a model (name, title,
summary, parameters, and a ``derivations`` hook).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .model import TEMPERATURE, Parameter


@dataclass(frozen=True)
class Topic:
    name: str
    title: str
    summary: str
    build: Callable  # () -> list of Derivation
    parameters: tuple[Parameter, ...] = (TEMPERATURE,)
    references: tuple[str, ...] = ()

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    def hook(self, name: str):
        if name == "derivations":
            return lambda _topic: list(self.build())
        return None


def _maximum_entropy():
    from .maxent import maximum_entropy

    return [maximum_entropy()]


def _heat_flow():
    from .heatflow import heat_flow
    from .microcanonical import einstein_microcanonical

    return [einstein_microcanonical(), heat_flow()]


def _microcanonical():
    from .microcanonical import einstein_microcanonical, paramagnet_microcanonical

    return [paramagnet_microcanonical(), einstein_microcanonical()]


def _dense_memory():
    from .dense_memory import dense_memory

    return [dense_memory()]


def _modern_hopfield():
    from .dense_memory import modern_hopfield

    return [modern_hopfield()]


def _diffusion():
    from .diffusion import diffusion

    return [diffusion()]


def _residual():
    from .residual import residual

    return [residual()]


TOPICS = {
    t.name: t
    for t in (
        Topic(
            "maximum-entropy",
            "The Boltzmann distribution from maximum entropy",
            "Maximise -sum p log p at fixed normalisation and mean energy; the multiplier is 1/T.",
            _maximum_entropy,
            references=("Jaynes, Phys. Rev. 106, 620 (1957)",),
        ),
        Topic(
            "microcanonical",
            "The microcanonical ensemble",
            "Count states (binomial, stars and bars), S = log Omega, 1/T = dS/dE.",
            _microcanonical,
        ),
        Topic(
            "heat-flow",
            "Why heat flows from hot to cold",
            "Two Einstein solids in contact: the multiplicity peaks where the temperatures match.",
            _heat_flow,
        ),
        Topic(
            "dense-memory",
            "Dense associative memory",
            "E = -sum F(xi.s), F = x^n: the update rule and the capacity N^(n-1).",
            _dense_memory,
            references=("Krotov and Hopfield, NeurIPS 29 (2016)",),
        ),
        Topic(
            "modern-hopfield",
            "Modern Hopfield network",
            "Log-sum-exp energy; its CCCP step is attention, x <- X softmax(beta X^T x).",
            _modern_hopfield,
            references=("Ramsauer et al., ICLR 2021",),
        ),
        Topic(
            "diffusion",
            "Diffusion as associative memory",
            "The exact score of noised training points is a modern-Hopfield update.",
            _diffusion,
            references=("Biroli, Bonnaire, de Bortoli and Mezard, Nat. Commun. 15 (2024)",),
        ),
        Topic(
            "residual",
            "The residual connection as a gradient step",
            "x + f(x) with f = -eta grad E lowers the energy for eta < 2/L.",
            _residual,
            references=("Hoover et al., NeurIPS 2023",),
        ),
    )
}


def topic_names() -> list[str]:
    return sorted(TOPICS)


def get_topic(name: str) -> Topic | None:
    return TOPICS.get(name)

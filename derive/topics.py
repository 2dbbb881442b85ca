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
    )
}


def topic_names() -> list[str]:
    return sorted(TOPICS)


def get_topic(name: str) -> Topic | None:
    return TOPICS.get(name)

"""Associative memories, attention and diffusion, batched on NumPy or CuPy.

:mod:`.dense`           dense (Krotov-Hopfield) and modern Hopfield retrieval;
:mod:`.diffusion`       reverse diffusion with the exact score of P training points,
                        speciation, collapse and copies;
:mod:`.generalization`  a limited-capacity score model: memorization to generalization;
:mod:`.residual`        residual blocks as gradient steps on an energy.
"""

"""Hopfield networks: dynamics, retrieval experiments and the AGS theory, numerically."""

"""Numeric layer: compiled SymPy expressions, exact enumeration, solvers, samplers.

Builds on :mod:`derive`; never imported by it.
"""

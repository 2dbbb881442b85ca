"""Quick start: a model, its derivation, exact numbers, mean field, Monte Carlo, validation.

Run from anywhere: ``python examples/quickstart.py`` (about ten seconds on a laptop).
docs/api.md explains each call.
"""

import statmech as sm

m = sm.model("ising2d")
print(m.title)

# The derivation, checked step by step (in Jupyter, `m.derive()` shows as LaTeX).
d = m.derive(check=True)
print("T_c =", d.results["T_c"])

# Exact: Kaufman's finite torus, and Onsager-Yang without a size.
r = sm.exact(m, L=16, T=2.5)
print(f"{r.system}: E/N = {r['energy_per_spin']:.10f}, C/N = {r['heat_capacity_per_spin']:.10f}")
print(f"infinite lattice at T=2: m = {sm.exact(m, T=2.0)['magnetization']:.12f}")

# Mean field: every solution with its stability.
for s in sm.solve("curie-weiss", T=0.8).solutions:
    print(f"Curie-Weiss at T=0.8: m = {s['m']:+.6f} ({s['stability']})")

# Monte Carlo with autocorrelation-aware error bars.
run = sm.simulate(m, L=32, T=2.3, sweeps=4000, replicas=8)
e = run.observables["energy_per_spin"]
print(f"L=32, T=2.3: E/N = {e.mean:.5f} +- {e.error:.5f} (tau_int {e.tau_int:.1f})")

# Simulation against the exact values: z-scores.
v = sm.validate(m, L=8, T=2.1, sweeps=4000, replicas=8)
for row in v.rows:
    print(f"  {row['quantity']:<24} exact {row['exact']:.6f}  z = {row['z']:+.2f}")
print("validation passed:", v.passed)

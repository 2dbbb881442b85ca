r"""The compile step for interacting models: one compiled form per model, parameters and backend.

:func:`compile_model` reads a model's one statement of its energy
(:attr:`statmech.derive.model.Model.hamiltonian`: a site term :math:`\phi(s)` and a
bilinear bond term :math:`c\,K_{ij} s_i s_j` over a couplings value) and returns a
:class:`CompiledModel`: the unit values, the coupling arrays and, batched over
replicas on NumPy or CuPy,

.. math::

    H(s) = \sum_i \phi(s_i) + \sum_{(i,j)} w_{ij} s_i s_j,\qquad
    w_{ij} = c\,K_{ij},

    h^{\rm loc}_i(s) = -\frac{\partial}{\partial s_i}\sum_{(k,l)} w_{kl} s_k s_l
                     = -\sum_j w_{ij} s_j,\qquad
    \Delta E_i(s \to s') = \phi(s') - \phi(s_i) - (s' - s_i)\, h^{\rm loc}_i .

This is the only module (with the samplers' choice of a specialised kernel, which
asks :attr:`CompiledModel.ising`) that looks at the kind of couplings; everything
else (enumeration, observables, samplers) asks the compiled form.  Coupling
arrays come in one of three representations:

``lattice``  uniform :math:`w` on the bonds of a lattice, stored as the lattice's
             step offsets (each bond once); sums use ``roll`` (periodic) or
             slices (open), so no pair list is built for large lattices;
``uniform``  the same :math:`w` on every pair (all-to-all, :math:`w = -J/N`):
             :math:`h^{\rm loc}_i = -w (M - s_i)`;
``dense``    a symmetric ``(n, n)`` matrix with zero diagonal (dense, Hebbian,
             bipartite and random-bond lattice couplings, read from their data).

Data-defined couplings (:class:`~statmech.derive.interactions.CouplingData`) are
read or drawn here: ``given`` values, a ``.npy``/``.npz`` file, or Gaussian /
+-1 entries from :class:`numpy.random.Generator` seeded by the model's seed
parameter (the upper triangle is drawn row by row, so a matrix of size ``n`` does
not depend on anything else).  Compiled forms are cached per model, parameters,
shape and backend; a couplings file is read once per process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np

from .backend import get_backend, get_namespace, to_numpy

# SymPy (and the lambdify step of .compile) are imported where a model is compiled, so
# that a compiled form read from a model's card (statmech.model_card) needs neither.


class NotCompilable(ValueError):
    """The model's energy has no compiled form here (the message says why)."""


def _numeric(expr, values: dict) -> float:
    import sympy as sp

    value = sp.sympify(expr).subs(values)
    if value.free_symbols:
        names = ", ".join(sorted(str(s) for s in value.free_symbols))
        raise NotCompilable(f"a coupling depends on {names}, which have no value")
    return float(value)


def _parameter_values(model, params: dict, n: int) -> dict:
    """SymPy substitutions for the model's parameters (sizes by their integer value)."""
    import sympy as sp

    out = {}
    for p in model.parameters:
        if p.name in params:
            out[p.symbol] = sp.nsimplify(params[p.name]) if p.integer else params[p.name]
        elif p.default is not None and p.name != "T":
            out[p.symbol] = p.default
    out[model.size] = n
    return out


# --------------------------------------------------------------------------
# Coupling data


def _load(data) -> np.ndarray:
    if data.source == "given":
        return np.asarray(data.values, dtype=np.float64)
    path = data.path
    try:
        loaded = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise NotCompilable(f"cannot read couplings from {path}: {exc}") from None
    if hasattr(loaded, "files"):  # .npz
        key = data.key or (loaded.files[0] if len(loaded.files) == 1 else "")
        if key not in loaded.files:
            raise NotCompilable(
                f"{path} holds arrays {', '.join(loaded.files)}; name one as the couplings key"
            )
        loaded = loaded[key]
    return np.asarray(loaded, dtype=np.float64)


def _seed(data, params: dict) -> int:
    value = params.get(data.seed, 0)
    seed = int(value)
    if seed != value or seed < 0:
        raise NotCompilable(f"{data.seed} must be a non-negative integer, got {value}")
    return seed


def _draw(data, params: dict, shape, symmetric: bool) -> np.ndarray:
    """Entries drawn from ``data.source`` with the seed parameter; a symmetric
    matrix gets its strict upper triangle drawn row by row and mirrored."""
    rng = np.random.default_rng(_seed(data, params))

    def draw(size):
        if data.source == "gaussian":
            return rng.standard_normal(size)
        return rng.choice(np.array([-1.0, 1.0]), size=size)

    if not symmetric:
        return draw(shape)
    n = shape[0]
    a = np.zeros((n, n))
    for i in range(n - 1):
        a[i, i + 1 :] = draw(n - 1 - i)
    return a + a.T


def _symmetric_matrix(a: np.ndarray, n: int, what: str) -> np.ndarray:
    if a.shape != (n, n):
        raise NotCompilable(f"{what} must be a {n} x {n} matrix, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise NotCompilable(f"{what} has entries that are not finite")
    if np.any(np.diag(a) != 0):
        raise NotCompilable(f"{what} must have a zero diagonal (no self-couplings)")
    upper = np.triu(a, 1)
    if not np.array_equal(a, upper + upper.T) and np.any(np.tril(a, -1)):
        raise NotCompilable(
            f"{what} is not symmetric; give a symmetric matrix or its upper triangle"
        )
    return upper + upper.T


def _dense_matrix(c, params, values, n) -> np.ndarray:
    a = _draw(c.data, params, (n, n), True) if c.data.random else _load(c.data)
    a = _symmetric_matrix(a, n, "the coupling matrix")
    off = _numeric(c.offset, values)
    k = off + _numeric(c.scale, values) * a
    np.fill_diagonal(k, 0.0)
    return k


def _hebbian_matrix(c, params, values, n) -> np.ndarray:
    if c.data.random:
        count = {s.name: value for s, value in values.items()}.get(c.patterns)
        if count is None:
            raise NotCompilable(f"give the number of patterns {c.patterns}")
        p = int(count)
        xi = _draw(type(c.data)("pm", seed=c.data.seed), params, (p, n), False)
    else:
        xi = _load(c.data)
        if xi.ndim != 2 or xi.shape[1] != n:
            raise NotCompilable(f"the patterns must have shape (P, {n}), got {xi.shape}")
    k = _numeric(c.J, values) / n * (xi.T @ xi)
    np.fill_diagonal(k, 0.0)
    return k


def _bipartite_matrix(c, params, values, n) -> np.ndarray:
    nv, nh = int(params[c.visible]), int(params[c.hidden])
    w = _draw(c.data, params, (nv, nh), False) if c.data.random else _load(c.data)
    if w.shape != (nv, nh):
        raise NotCompilable(f"W must have shape ({nv}, {nh}), got {w.shape}")
    k = np.zeros((n, n))
    k[:nv, nv:] = _numeric(c.scale, values) * w
    return k + k.T


def _random_bond_matrix(c, params, values, n) -> np.ndarray:
    """K on the bonds of a hypercubic lattice, one value per bond in the lattice's order."""
    length = round(n ** (1.0 / c.dimension))
    if length**c.dimension != n:
        raise NotCompilable(f"{n} units do not fill a {c.dimension}-dimensional hypercube")
    pairs = np.array(c.bond_pairs((length,) * c.dimension), dtype=np.int64).reshape(-1, 2)
    b = len(pairs)
    if c.data.random:
        eps = _draw(c.data, params, (b,), False)
    else:
        eps = _load(c.data)
        if eps.shape != (b,):
            raise NotCompilable(
                f"the bond couplings must be a vector of the {b} bonds, got shape {eps.shape}"
            )
        if not np.all(np.isfinite(eps)):
            raise NotCompilable("the bond couplings have entries that are not finite")
    w = _numeric(c.offset, values) + _numeric(c.scale, values) * eps
    k = np.zeros((n, n))
    np.add.at(k, (pairs[:, 0], pairs[:, 1]), w)
    np.add.at(k, (pairs[:, 1], pairs[:, 0]), w)
    return k


_MATRICES = {
    "dense": _dense_matrix,
    "hebbian": _hebbian_matrix,
    "bipartite": _bipartite_matrix,
    "random-bonds": _random_bond_matrix,
}


# --------------------------------------------------------------------------
# The compiled form


@dataclass(frozen=True, eq=False)
class CompiledModel:
    r"""A model compiled for one set of parameters, one finite shape and one backend.

    Attributes
    ----------
    model : Model
    params : dict
        The parameter values it was compiled with (temperature excluded).
    shape : tuple of int
        The finite shape; configurations are ``(replicas, *shape)`` or ``(replicas, n)``.
    values : numpy.ndarray
        The values a unit takes (``[-1, 1]``, ``[0, 1]``, ``[-1, 0, 1]``).
    representation : {"none", "lattice", "uniform", "dense"}
    weight : float
        The uniform bond weight :math:`w` (``lattice`` and ``uniform``).
    matrix : numpy.ndarray or None
        The ``(n, n)`` bond weights :math:`w_{ij}` (``dense``), on the host.
    """

    model: object
    params: dict
    shape: tuple
    backend: str
    values: np.ndarray
    representation: str
    site_expr: object  # a SymPy expression
    weight: float = 0.0
    matrix: np.ndarray | None = None
    steps: tuple = ()
    periodic: bool = True
    xp: object = field(default=None, repr=False)

    # -- sizes and cheap facts -------------------------------------------
    @property
    def n(self) -> int:
        return int(np.prod(self.shape))

    @property
    def units(self) -> str:
        return self.model.states.kind

    @cached_property
    def site_coefficients(self) -> tuple[float, float] | None:
        """``(a, b)`` when the site term is :math:`a + b s` on the unit values, else None."""
        v = self.values
        e = to_numpy(self.site_energy(self.xp.asarray(v)))
        if len(v) == 1:
            return float(e[0]), 0.0
        b = (e[-1] - e[0]) / (v[-1] - v[0])
        a = e[0] - b * v[0]
        return (float(a), float(b)) if np.allclose(a + b * v, e, rtol=0, atol=1e-12) else None

    @property
    def ising(self) -> tuple[float, float] | None:
        r"""``(J, h)`` when this is :math:`H = -J\sum_{\rm bonds} s_i s_j - h\sum_i s_i` with
        spins +-1 on a periodic lattice, the form the specialised Ising kernels take;
        else None."""
        if self.representation != "lattice" or not self.periodic:
            return None
        if list(self.values) != [-1.0, 1.0] or self.site_coefficients is None:
            return None
        return -self.weight, -self.site_coefficients[1]

    @property
    def geometry(self) -> str:
        """The couplings' kind (``"chain"``, ``"hypercubic"``, ``"triangular"``, ...)."""
        return self.model.coupling.kind

    # -- site terms --------------------------------------------------------
    @cached_property
    def _site(self):
        from .compile import compile_expression

        var = self.model.hamiltonian.variable
        return compile_expression(self.site_expr, [var], self.backend)

    def site_energy(self, s):
        """:math:`\\phi(s)` elementwise (float64, same namespace as ``s``)."""
        xp = self.xp
        out = self._site(xp.asarray(s, dtype=xp.float64))
        return xp.broadcast_to(xp.asarray(out, dtype=xp.float64), s.shape)

    # -- coupling arrays ----------------------------------------------------
    @cached_property
    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """``(pairs, w)``: the bonds as a host ``(B, 2)`` index array and their weights."""
        if self.representation == "lattice":
            index = np.arange(self.n).reshape(self.shape)
            cols = [(a, b) for a, b in self._lattice_pairs(index)]
            i = np.concatenate([a.ravel() for a, _ in cols]) if cols else np.zeros(0, np.int64)
            j = np.concatenate([b.ravel() for _, b in cols]) if cols else np.zeros(0, np.int64)
            return np.stack([i, j], axis=1), np.full(i.size, self.weight)
        if self.representation == "uniform":
            i, j = np.triu_indices(self.n, 1)
            return np.stack([i, j], axis=1), np.full(i.size, self.weight)
        if self.representation == "dense":
            i, j = np.nonzero(np.triu(self.matrix, 1))
            return np.stack([i, j], axis=1), self.matrix[i, j]
        return np.zeros((0, 2), np.int64), np.zeros(0)

    def _lattice_pairs(self, a):
        """For each step, (this end, other end) views of ``a`` (host or device)."""
        xp = get_namespace(a)
        axes = tuple(range(a.ndim - len(self.shape), a.ndim))
        for step in self.steps:
            if self.periodic:
                shift = tuple(-s for s in step)
                yield a, xp.roll(a, shift, axis=axes)
            else:
                lo = tuple(slice(0, length - s) for s, length in zip(step, self.shape, strict=True))
                hi = tuple(slice(s, None) for s in step)
                pre = (slice(None),) * (a.ndim - len(self.shape))
                yield a[pre + lo], a[pre + hi]

    @cached_property
    def neighbours(self) -> tuple[np.ndarray, np.ndarray]:
        """``(index, w)``: each unit's neighbours, host ``(n, z_max)`` (padded with the unit
        itself and weight 0) and the bond weights, both directions of every bond."""
        pairs, w = self.pairs
        i = np.concatenate([pairs[:, 0], pairs[:, 1]])
        j = np.concatenate([pairs[:, 1], pairs[:, 0]])
        ww = np.concatenate([w, w])
        order = np.argsort(i, kind="stable")
        i, j, ww = i[order], j[order], ww[order]
        counts = np.bincount(i, minlength=self.n)
        z = int(counts.max()) if counts.size else 0
        index = np.repeat(np.arange(self.n)[:, None], z, axis=1)
        weights = np.zeros((self.n, z))
        start = np.concatenate([[0], np.cumsum(counts)[:-1]])
        slot = np.arange(i.size) - start[i]
        index[i, slot] = j
        weights[i, slot] = ww
        return index, weights

    @cached_property
    def weight_matrix(self) -> np.ndarray:
        """The ``(n, n)`` bond weights on the host (every representation; small ``n``)."""
        if self.representation == "dense":
            return self.matrix
        k = np.zeros((self.n, self.n))
        pairs, w = self.pairs
        np.add.at(k, (pairs[:, 0], pairs[:, 1]), w)
        np.add.at(k, (pairs[:, 1], pairs[:, 0]), w)
        return k

    @cached_property
    def _device_matrix(self):
        return self.xp.asarray(self.matrix)

    # -- batched energies and fields ------------------------------------------
    def _flat(self, s):
        return s.reshape(s.shape[0], self.n)

    def bond_energy(self, s):
        """:math:`\\sum_{(i,j)} w_{ij} s_i s_j` per replica, ``s`` of shape ``(R, ...)``."""
        xp = self.xp
        r = s.shape[0]
        if self.representation == "none":
            return xp.zeros(r)
        if self.representation == "lattice":
            sf = s.reshape((r, *self.shape))
            total = xp.zeros(r, dtype=xp.int64)
            for a, b in self._lattice_pairs(sf):
                total += (a * b).reshape(r, -1).sum(axis=1, dtype=xp.int64)
            return self.weight * total.astype(xp.float64)
        f = self._flat(s).astype(xp.float64)
        if self.representation == "uniform":
            m = f.sum(axis=1)
            return self.weight * (m * m - (f * f).sum(axis=1)) / 2.0
        return 0.5 * ((f @ self._device_matrix) * f).sum(axis=1)

    def energy(self, s):
        """:math:`H(s)` per replica (float64, ``s`` of shape ``(R, *shape)`` or ``(R, n)``)."""
        f = self._flat(s)
        return self.site_energy(f).sum(axis=1) + self.bond_energy(s)

    def local_field(self, s):
        """:math:`h^{\\rm loc}_i = -\\sum_j w_{ij} s_j`, shape ``(R, n)`` (float64)."""
        xp = self.xp
        r = s.shape[0]
        f = self._flat(s).astype(xp.float64)
        if self.representation == "none":
            return xp.zeros_like(f)
        if self.representation == "uniform":
            return -self.weight * (f.sum(axis=1, keepdims=True) - f)
        if self.representation == "dense":
            return -(f @ self._device_matrix)
        sf = f.reshape((r, *self.shape))
        out = xp.zeros_like(sf)
        axes = tuple(range(1, sf.ndim))
        for step in self.steps:
            if self.periodic:
                out += xp.roll(sf, tuple(-x for x in step), axis=axes)
                out += xp.roll(sf, step, axis=axes)
            else:
                lo = tuple(slice(0, length - x) for x, length in zip(step, self.shape, strict=True))
                hi = tuple(slice(x, None) for x in step)
                pre = (slice(None),)
                out[pre + lo] += sf[pre + hi]
                out[pre + hi] += sf[pre + lo]
        return -self.weight * out.reshape(r, self.n)

    def delta_energy(self, s, new):
        r""":math:`\Delta E_i` of setting unit :math:`i` to ``new`` (``(R, n)`` or broadcastable),
        every unit at once against the current configuration, shape ``(R, n)``."""
        f = self._flat(s)
        xp = self.xp
        new = xp.asarray(new, dtype=xp.float64)
        old = f.astype(xp.float64)
        return (
            self.site_energy(xp.broadcast_to(new, old.shape))
            - self.site_energy(old)
            - (new - old) * self.local_field(s)
        )

    def flip_delta(self, s):
        """Energy change of flipping each +-1 spin, ``(R, n)``."""
        return self.delta_energy(s, -self._flat(s))

    def magnetization(self, s):
        """:math:`\\sum_i s_i / n` per replica (float64)."""
        return self._flat(s).sum(axis=1, dtype=self.xp.int64).astype(self.xp.float64) / self.n

    def measure(self, s) -> tuple[np.ndarray, np.ndarray]:
        """Energy per unit and magnetisation per unit of each replica, on the host."""
        return to_numpy(self.energy(s)) / self.n, to_numpy(self.magnetization(s))


# --------------------------------------------------------------------------
# Compilation


def model_shape(model, params: dict) -> tuple[int, ...]:
    """The finite shape of ``model`` at ``params`` (its couplings' size parameters).

    Raises
    ------
    KeyError
        Naming the missing size parameter.
    """
    return tuple(model.coupling.shape(params))


def compile_model(model, params: dict, backend: str = "numpy", shape=None) -> CompiledModel:
    """The compiled form of ``model`` at ``params`` (sizes included unless ``shape``
    is given) on ``backend``; cached.

    Raises
    ------
    NotCompilable
        When the model has no discrete units or no bilinear bond term, or its
        coupling data is missing or malformed.
    """
    stored = getattr(model, "compiled_card", None)  # a model's card (statmech.model_card)
    if stored is not None and shape is not None:
        found = stored(params, backend, tuple(int(x) for x in shape))
        if found is not None:
            return found
    if model.hamiltonian is None or not hasattr(model.states, "values"):
        raise NotCompilable(f"{model.name}: only models of discrete units have a compiled energy")
    shape = tuple(int(x) for x in (shape if shape is not None else model_shape(model, params)))
    return _compile_model(model, compile_key(params), shape, backend)


def compile_key(params: dict) -> tuple:
    """The parameter values a compiled form depends on: ``(name, float)`` pairs, sorted,
    temperature excluded."""
    return tuple(sorted((k, float(v)) for k, v in params.items() if k != "T" and _is_number(v)))


def _is_number(v) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


@lru_cache(maxsize=64)
def _compile_model(model, key: tuple, shape: tuple, backend: str) -> CompiledModel:
    import sympy as sp

    params = dict(key)
    ham = model.hamiltonian
    c = model.coupling
    n = int(np.prod(shape))
    scale = ham.bond_scale
    if scale is None:
        raise NotCompilable(
            f"{model.name}: the bond term {ham.bond} is not of the form c*K*s_i*s_j; "
            "only bilinear bonds are compiled"
        )
    subs = _parameter_values(model, params, n)
    site = sp.sympify(ham.site).subs({k: v for k, v in subs.items() if k != ham.variable})
    leftover = site.free_symbols - {ham.variable}
    if leftover:
        names = ", ".join(sorted(str(s) for s in leftover))
        raise NotCompilable(f"{model.name}: the site term needs {names}, which have no value")
    values = np.array([float(v) for v in model.states.values])
    xp = get_backend(backend)
    common = {"model": model, "params": params, "shape": shape, "backend": backend}
    common.update(values=values, site_expr=site, xp=xp)
    if not c.interacting or scale == 0:
        return CompiledModel(representation="none", **common)
    c_value = _numeric(scale, subs)
    if c.kind in _MATRICES:
        k = _MATRICES[c.kind](c, params, subs, n)
        return CompiledModel(representation="dense", matrix=c_value * k, **common)
    w = c_value * _numeric(c.coupling(n), subs)
    if c.kind == "all-to-all":
        return CompiledModel(representation="uniform", weight=w, **common)
    if hasattr(c, "steps"):
        if len(shape) != c.dimension or min(shape) < 2:
            raise NotCompilable(
                f"{model.name}: a {c.kind} lattice needs {c.dimension} lengths of at least 2, "
                f"got shape {shape}"
            )
        return CompiledModel(
            representation="lattice", weight=w, steps=c.steps(), periodic=c.periodic, **common
        )
    raise NotCompilable(f"{model.name}: no compiled form for {c.kind} couplings")

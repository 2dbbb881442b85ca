r"""Every solution of a system of self-consistency equations, on a grid of parameters.

The equations are a :class:`derive.meanfield.SelfConsistency` with ``d``
unknowns :math:`x` in a box :math:`\prod_i [a_i, b_i]` (the spin glass
:math:`(m, q)`, the Hopfield network :math:`(m, q, r)`), a free energy
:math:`\phi(x)` and its gradient, the residual :math:`r = \nabla\phi`.

Algorithm (vectorised over grid points and starts, NumPy or CuPy):

1. **Starts.**  A scrambled Sobol set of :data:`STARTS_PER_UNKNOWN` times
   ``d`` points, rounded up to a power of two, in the box (fixed seed, so runs
   repeat), and the box's :math:`2^d` corners, all 0.1% inside it.
2. **Damped Newton.**  :math:`J\,\delta = -r` with the Jacobian
   :math:`J = \partial r_i/\partial x_j` compiled from SymPy (derived, not
   differenced); the step is cut to stay inside the box (at most
   :data:`TO_BOUNDARY` of the way to a face, Nocedal and Wright sec. 19.2) and
   halved until :math:`\lVert r\rVert` decreases by the Armijo fraction
   :math:`10^{-4}` (Dennis and Schnabel sec. 6.3).  A start converges when its
   full Newton step is below :math:`4\epsilon|x_i| + 16\epsilon(b_i - a_i)`,
   or when every residual is within its rounding bound; it is dropped when the
   line search fails, the Jacobian is singular, or it does not converge in
   :data:`MAX_NEWTON` steps (a start is allowed to fail; a root is not found
   from one start only).  A root within that tolerance of a face where the
   residual is zero to rounding is put on the face (:math:`q = 0`).
3. **Merging.**  Each root carries an error estimate
   :math:`\delta x = |J^{-1}|\,B(r)`, with :math:`B` the rounding bound of
   :mod:`numeric.rounding` times its safety factor.  Two converged starts are
   the same root when every component differs by less than
   :math:`\delta x_a + \delta x_b + 2(4\epsilon|x| + 16\epsilon(b - a))`:
   within that distance float64 cannot tell two roots apart, and a root that
   close to another is known too poorly anyway (it is polished in mpmath).
   The estimate also includes :math:`|\delta|\rho/(1-\rho)` for the last
   step :math:`\delta` and the ratio :math:`\rho` of the last two, which
   covers a root approached only linearly (a degenerate one).
4. **Deflation.**  The same starts run again with the roots found so far
   deflated, :math:`r \to r\prod_k(\lVert x - x_k\rVert^{-2} + 1)`
   (distances in units of the box), which repels Newton's method from known
   roots so that it finds others with small basins (Farrell, Birkisson and
   Funke 2015), for up to :data:`DEFLATION_PASSES` passes.
5. **Continuation.**  The roots at each grid point are used as starts at its
   neighbours along every grid axis, sweep after sweep, until no point gains
   a root (Allgower and Georg, ch. 1): a branch found anywhere is followed
   through the grid.
6. **Stability** from the Hessian :math:`H = \partial^2\phi/\partial x_i\partial
   x_j` at the root, with the convention the equations carry per unknown
   (``extremum``): with :math:`A` the minimised unknowns and :math:`B` the
   maximised ones, a root is stable when :math:`H_{BB}` is negative definite
   (a maximum in :math:`B`) and the Schur complement
   :math:`H_{AA} - H_{AB}H_{BB}^{-1}H_{BA}` positive definite (a minimum in
   :math:`A` of :math:`\max_B\phi`).  By Haynsworth's inertia additivity this
   is: :math:`H_{BB} \prec 0` and :math:`H` has :math:`|A|` positive and
   :math:`|B|` negative eigenvalues.  An eigenvalue counts only where it
   exceeds, in absolute value, the Frobenius norm of the error bound of
   :math:`H` (Weyl's inequality): the rounding bounds of the entries plus the
   third derivatives times :math:`\delta x`.  Where :math:`H` is undefined on a
   face of the box (:math:`1/\sqrt{q}` at :math:`q = 0`), it is extrapolated
   from inside, :math:`2H(x + \eta) - H(x + 2\eta)`, with
   :math:`|H(x+\eta) - H(x+2\eta)|` added to its error.
7. **Equilibrium**: the stable root of lowest free energy, or highest when
   every unknown is maximised (the replica convention), the others
   metastable; free energies equal within their bounds are compared again in
   mpmath.

Roots whose classification or ordering float64 cannot decide, or known to
less than :data:`numeric.solve.ROOT_RTOL`, are polished by Newton's method
in mpmath at 30 digits, checked at a second precision, and classified there
(then at 60 and 120 digits); one that even that cannot classify, or that
Newton's method in mpmath cannot settle (a degenerate root), is
``undecided``.  :func:`solve_system_point_mp` does the same at any number of
digits.  Unlike the one-unknown search, a multi-start search cannot prove it
found every root; the tests compare it with independent solutions.

References
----------
J. E. Dennis and R. B. Schnabel, Numerical Methods for Unconstrained
Optimization and Nonlinear Equations (1983), ch. 6.
J. Nocedal and S. J. Wright, Numerical Optimization, 2nd ed. (2006), ch. 11 and
sec. 19.2.
E. L. Allgower and K. Georg, Introduction to Numerical Continuation Methods
(2003).
I. M. Sobol', USSR Comput. Math. Math. Phys. 7, 86 (1967).
P. E. Farrell, A. Birkisson and S. W. Funke, SIAM J. Sci. Comput. 37, A2026
(2015) (deflation).
E. V. Haynsworth, Linear Algebra Appl. 1, 73 (1968) (inertia of a partitioned
matrix).
H. Weyl, Math. Ann. 71, 441 (1912); G. H. Golub and C. F. Van Loan, Matrix
Computations, 4th ed. (2013), sec. 8.1 (eigenvalue perturbation).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .backend import get_backend, to_numpy
from .gaussian import compile_averaged
from .rounding import SAFETY, rounding_bound, unit
from .solve import (
    FLOAT64_UNIT,
    ROOT_ATOL,
    ROOT_RTOL,
    GridSolution,
    _as_grid,
)
from .systems_stability import classify, hessian_at, settle_point

#: Sobol starts per unknown at each grid point (rounded up to a power of two).
STARTS_PER_UNKNOWN = 16
#: Up to this many unknowns the 2^d corners of the box (0.1% inside) are starts too.
CORNER_DIMENSIONS = 6
#: Largest fraction of the way to a face of the box one Newton step may go.
TO_BOUNDARY = 0.99
MAX_NEWTON = 100
MAX_HALVINGS = 40
#: Passes of Newton's method from the same starts with the roots found deflated.
DEFLATION_PASSES = 2
_EPS = np.finfo(np.float64).eps


class CompiledSystem:
    """Residual, Jacobian, Hessian, free energy and their bounds, compiled for a backend.

    Every function takes ``(*unknowns, *parameters)``.
    """

    def __init__(self, equations, backend: str = "numpy"):
        import sympy as sp

        self.equations = equations
        self.backend = backend
        xs = equations.unknowns
        self.d = d = len(xs)
        self.names = tuple(x.name for x in xs)
        self.parameter_names = equations.parameter_names
        args = (*xs, *equations.parameters)
        self.args = args
        phi = equations.free_energy

        def comp(e, bound=False):
            if bound:
                return compile_averaged(rounding_bound(e), (*args, unit), backend)
            return compile_averaged(e, args, backend)

        self.residual = [comp(r) for r in equations.residual]
        self.residual_bound = [comp(r, True) for r in equations.residual]
        self.jacobian = [[comp(sp.diff(r, x)) for x in xs] for r in equations.residual]
        pairs = [(i, j) for i in range(d) for j in range(i, d)]
        hess = {(i, j): sp.diff(phi, xs[i], xs[j]) for i, j in pairs}
        self.pairs = pairs
        self.hessian = {k: comp(e) for k, e in hess.items()}
        self.hessian_bound = {k: comp(e, True) for k, e in hess.items()}
        self.third = {(k, l): comp(sp.diff(e, xs[l])) for k, e in hess.items() for l in range(d)}
        self.free_energy = comp(phi)
        self.free_energy_bound = comp(phi, True)
        self.m = comp(equations.observable("m"))
        self.lower = np.array([float(a) for a, _ in equations.domain])
        self.upper = np.array([float(b) for _, b in equations.domain])
        if not (np.isfinite(self.lower).all() and np.isfinite(self.upper).all()):
            raise ValueError(
                f"{equations.name}: a system needs a finite box; give finite domain intervals"
            )
        if (self.upper <= self.lower).any():
            raise ValueError(f"{equations.name}: every domain interval needs lower < upper")
        self.maximised = np.array([e == "max" for e in equations.extrema])

    # evaluation helpers: X (b, d), P list of (b,) arrays
    def _call(self, fn, X, P, xp, extra=()):
        cols = [X[:, i] for i in range(self.d)]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = fn(*cols, *P, *extra)
        return xp.broadcast_to(xp.asarray(out, dtype=np.float64), (X.shape[0],))

    def r(self, X, P, xp):
        return xp.stack([self._call(f, X, P, xp) for f in self.residual], axis=1)

    def r_bound(self, X, P, xp):
        u = (FLOAT64_UNIT,)
        return SAFETY * xp.stack([self._call(f, X, P, xp, u) for f in self.residual_bound], 1)

    def jac(self, X, P, xp):
        rows = [xp.stack([self._call(f, X, P, xp) for f in row], axis=1) for row in self.jacobian]
        return xp.stack(rows, axis=1)

    def hess(self, X, P, xp, which="value"):
        table = {"value": self.hessian, "bound": self.hessian_bound}[which]
        extra = (FLOAT64_UNIT,) if which == "bound" else ()
        H = xp.zeros((X.shape[0], self.d, self.d))
        for (i, j), f in table.items():
            v = self._call(f, X, P, xp, extra)
            H[:, i, j] = v
            H[:, j, i] = v
        return SAFETY * H if which == "bound" else H

    def third_abs(self, X, P, dx, xp):
        """Entrywise bound of the Hessian's change over the root error ``dx``."""
        H = xp.zeros((X.shape[0], self.d, self.d))
        for ((i, j), l), f in self.third.items():
            v = xp.abs(self._call(f, X, P, xp)) * dx[:, l]
            H[:, i, j] += v
            if i != j:
                H[:, j, i] += v
        return H


@lru_cache(maxsize=32)
def compiled_system(equations, backend: str = "numpy") -> CompiledSystem:
    """:class:`CompiledSystem`, cached per (equal) equations and backend."""
    return CompiledSystem(equations, backend)


def start_points(lower, upper, count: int, seed: int = 20240531) -> np.ndarray:
    """Scrambled Sobol points strictly inside the box, ``count`` rounded up to a power
    of two (where the set is balanced), and the box's corners for up to
    :data:`CORNER_DIMENSIONS` unknowns; shape ``(points, d)``."""
    from scipy.stats import qmc

    d = len(lower)
    u = qmc.Sobol(d, scramble=True, seed=seed).random_base2(max(0, int(np.ceil(np.log2(count)))))
    if d <= CORNER_DIMENSIONS:  # and the corners, where roots at m = 1, C = 0 hide
        corners = np.array(np.meshgrid(*([[0.0, 1.0]] * d), indexing="ij")).reshape(d, -1).T
        u = np.concatenate([u, corners])
    u = np.clip(u, 1e-3, 1 - 1e-3)
    return np.asarray(lower) + (np.asarray(upper) - np.asarray(lower)) * u


# --------------------------------------------------------------------------
# Damped Newton, all starts at once


def _log_deflation(x, known, width, xp):
    r""":math:`\log\mu` and its gradient for :math:`\mu(x) = \prod_k
    (\lVert(x - x_k)/w\rVert^{-2} + 1)`, the known roots ``known`` (b, K, d), NaN
    rows for none (Farrell, Birkisson and Funke 2015)."""
    diff = (x[:, None, :] - known) / width
    n2 = (diff * diff).sum(axis=2)
    present = ~xp.isnan(n2)
    n2 = xp.where(present, xp.maximum(n2, 1e-300), 1.0)
    log_mu = xp.where(present, xp.log1p(1 / n2), 0.0).sum(axis=1)
    grad = xp.where(present[:, :, None], -2 * diff / (n2 * (n2 + 1))[:, :, None], 0.0)
    return log_mu, grad.sum(axis=1) / width


def _newton(cs, X, P, xp, known=None):
    r"""Damped, box-constrained Newton from every row of ``X``; returns the indices of
    the starts that converged, their roots and the size of their last step.

    With ``known`` (the roots already found for each row, (b, K, d), NaN padded)
    the residual is deflated by :math:`\mu(x)`: the Newton step of
    :math:`\mu r` is the plain step divided by :math:`1 - \nabla\log\mu
    \cdot\delta` (Sherman-Morrison), and the line search watches
    :math:`\mu\lVert r\rVert`, so that the iteration is repelled from the known
    roots and finds others from the same starts."""
    lo, hi = xp.asarray(cs.lower), xp.asarray(cs.upper)
    width = hi - lo
    atol = 16 * _EPS * width
    d = cs.d
    eye = xp.eye(d)
    idx = xp.arange(X.shape[0])
    x = X.astype(np.float64)
    p = list(P)
    prev = xp.full(idx.shape, np.inf)  # the size of the previous step
    done_idx, done_x, done_step = [], [], []
    for _ in range(MAX_NEWTON):
        if idx.size == 0:
            break
        r = cs.r(x, p, xp)
        J = cs.jac(x, p, xp)
        ok = xp.isfinite(r).all(axis=1) & xp.isfinite(J).all(axis=(1, 2))
        with np.errstate(invalid="ignore", over="ignore"):
            det = xp.linalg.det(xp.where(ok[:, None, None], J, eye))
        ok &= xp.isfinite(det) & (det != 0)
        Js = xp.where(ok[:, None, None], J, eye)
        rs = xp.where(ok[:, None], r, 0.0)
        step = -xp.linalg.solve(Js, rs[:, :, None])[:, :, 0]
        log_mu = xp.zeros(idx.shape)
        if known is not None:
            log_mu, grad = _log_deflation(x, known, width, xp)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                step = step / (1 - (grad * step).sum(axis=1))[:, None]
        ok &= xp.isfinite(step).all(axis=1)
        step = xp.where(ok[:, None], step, 0.0)
        # noise-limited: every residual within its rounding bound
        noise = (xp.abs(r) <= cs.r_bound(x, p, xp)).all(axis=1)
        small = (xp.abs(step) <= 4 * _EPS * xp.abs(x) + atol).all(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            room = xp.where(step < 0, (x - lo) / -step, xp.where(step > 0, (hi - x) / step, np.inf))
        amax = xp.minimum(1.0, TO_BOUNDARY * room.min(axis=1))
        converged = ok & (noise | small)
        # the last (full) Newton step, kept inside the box
        final = xp.where(small[:, None], xp.clip(x + step, lo, hi), x)
        # line search on mu |r| for the rest
        merit0 = xp.log(xp.sqrt((r * r).sum(axis=1))) + log_mu
        alpha = amax
        new_x = x.copy()
        accepted = ~ok | converged
        for _ in range(MAX_HALVINGS):
            trying = ~accepted
            if not bool(trying.any()):
                break
            ti = xp.nonzero(trying)[0]
            xt = x[ti] + alpha[ti, None] * step[ti]
            rt = cs.r(xt, [q[ti] for q in p], xp)
            with np.errstate(divide="ignore"):
                merit = xp.log(xp.sqrt((rt * rt).sum(axis=1)))
            if known is not None:
                merit = merit + _log_deflation(xt, known[ti], width, xp)[0]
            good = xp.isfinite(merit) & (merit <= merit0[ti] + xp.log1p(-1e-4 * alpha[ti]))
            gi = ti[good]
            new_x[gi] = xt[good]
            accepted[gi] = True
            alpha = xp.where(trying, alpha / 2, alpha)
        moved = accepted & ok & ~converged
        size = xp.abs(step).max(axis=1)
        if bool(converged.any()):
            # what is left after the final step: nothing to speak of where Newton's
            # method converges quadratically, |step| rho/(1 - rho) where it converges
            # linearly with ratio rho (a degenerate root)
            with np.errstate(divide="ignore", invalid="ignore"):
                rho = xp.minimum(xp.where(prev > 0, size / prev, 0.0), 0.9)
            left = xp.abs(step) * (rho / (1 - rho))[:, None]
            done_idx.append(idx[converged])
            done_x.append(final[converged])
            done_step.append(left[converged])
        keep = moved
        idx, x, prev = idx[keep], new_x[keep], size[keep]
        p = [q[keep] for q in p]
        if known is not None:
            known = known[keep]
    if done_idx:
        return xp.concatenate(done_idx), xp.concatenate(done_x), xp.concatenate(done_step)
    return xp.zeros(0, dtype=np.int64), xp.zeros((0, d)), xp.zeros((0, d))


def _snap(cs, X, P, xp):
    """Put roots within the convergence tolerance of a face onto it, where the residual
    there is zero to within its rounding bound and the first-order effect of the other
    unknowns' tolerance (the paramagnet's q = 0, reached with m = 1e-15)."""
    lo, hi = xp.asarray(cs.lower), xp.asarray(cs.upper)
    atol = 2 * 16 * _EPS * (hi - lo)
    for i in range(cs.d):
        for face, near in (
            (lo[i], X[:, i] - lo[i] <= atol[i]),
            (hi[i], hi[i] - X[:, i] <= atol[i]),
        ):
            if not bool(near.any()):
                continue
            ni = xp.nonzero(near)[0]
            Y = X[ni].copy()
            Y[:, i] = face
            Pn = [q[ni] for q in P]
            r, rb = cs.r(Y, Pn, xp), cs.r_bound(Y, Pn, xp)
            tol = 4 * _EPS * xp.abs(Y) + atol
            slack = xp.zeros(ni.shape)
            for j in range(cs.d):
                if j != i:
                    Jij = xp.abs(cs._call(cs.jacobian[i][j], Y, Pn, xp))
                    slack = slack + xp.where(xp.isfinite(Jij), Jij, np.inf) * tol[:, j]
            zero = xp.isfinite(r[:, i]) & (xp.abs(r[:, i]) <= rb[:, i] + SAFETY * slack)
            X[ni[zero], i] = face
    return X


def _root_error(cs, X, P, xp):
    """Componentwise error estimate |J^-1| B(r) of converged roots (inf where J is
    singular).  An unknown on a face of the box is exact there; the others use the
    Jacobian of their own equations."""
    lo, hi = xp.asarray(cs.lower), xp.asarray(cs.upper)
    on_face = (X == lo) | (X == hi)
    free = ~on_face
    both = free[:, :, None] & free[:, None, :]
    J = xp.where(both, cs.jac(X, P, xp), xp.eye(cs.d))
    rb = xp.where(free, cs.r_bound(X, P, xp), 0.0)
    ok = xp.isfinite(J).all(axis=(1, 2))
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        det = xp.linalg.det(xp.where(ok[:, None, None], J, xp.eye(cs.d)))
    ok &= xp.isfinite(det) & (det != 0)
    inv = xp.linalg.inv(xp.where(ok[:, None, None], J, xp.eye(cs.d)))
    dx = (xp.abs(inv) @ xp.where(xp.isfinite(rb), rb, np.inf)[:, :, None])[:, :, 0]
    return xp.where(ok[:, None], dx, np.inf)


def _merge(roots: dict, point, X, dx, cs):
    """Add roots ``X`` (host arrays) at ``point`` to ``roots`` (point -> list of (x, dx)),
    merging duplicates; returns the points that gained a root."""
    gained = set()
    scale = 16 * _EPS * (cs.upper - cs.lower)
    order = np.argsort(point, kind="stable")
    for k in order:
        i = int(point[k])
        x, e = X[k], dx[k]
        known = roots.setdefault(i, [])
        same = False
        for y, f in known:
            tol = np.where(np.isfinite(e + f), e + f, 0.0) + 2 * (
                4 * _EPS * np.maximum(np.abs(x), np.abs(y)) + scale
            )
            if (np.abs(x - y) <= tol).all():
                same = True
                break
        if not same:
            known.append((x, e))
            gained.add(i)
    return gained


def _neighbours(i: int, shape) -> list[int]:
    if not shape:
        return []
    idx = np.unravel_index(i, shape)
    out = []
    for axis, size in enumerate(shape):
        for step in (-1, 1):
            j = idx[axis] + step
            if 0 <= j < size:
                k = list(idx)
                k[axis] = j
                out.append(int(np.ravel_multi_index(k, shape)))
    return out


def _known_roots(roots, owner, d, xp):
    """The roots found so far for each row's point, (rows, K, d), NaN padded."""
    K = max([1] + [len(roots.get(int(i), [])) for i in np.unique(owner)])
    out = np.full((owner.size, K, d), np.nan)
    for i in np.unique(owner):
        rows = np.flatnonzero(owner == i)
        for k, (x, _) in enumerate(roots.get(int(i), [])):
            out[rows, k] = x
    return xp.asarray(out)


def _search(cs, params, shape, starts, sweeps, xp):
    """Roots at every point: Sobol starts, again with the roots found deflated, then
    continuation from the neighbours."""
    n = int(np.prod(shape)) if shape else 1
    S = starts.shape[0]
    Xs = xp.asarray(np.tile(starts, (n, 1)))
    owner = np.repeat(np.arange(n), S)
    P = [xp.asarray(to_numpy(q)[owner]) for q in params]
    roots: dict = {}
    frontier = _solve_from(cs, roots, owner, Xs, P, xp)
    for _ in range(DEFLATION_PASSES):
        gained = _solve_from(cs, roots, owner, Xs, P, xp, _known_roots(roots, owner, cs.d, xp))
        frontier |= gained
        if not gained:
            break
    for _ in range(sweeps):
        pairs_point, pairs_x = [], []
        for i in sorted(frontier):
            for j in _neighbours(i, shape):
                for x, _ in roots.get(i, []):
                    pairs_point.append(j)
                    pairs_x.append(x)
        if not pairs_point:
            break
        own = np.asarray(pairs_point)
        Xn = xp.asarray(np.asarray(pairs_x))
        Pn = [xp.asarray(to_numpy(q)[own]) for q in params]
        frontier = _solve_from(cs, roots, own, Xn, Pn, xp)
        if not frontier:
            break
    return roots


def _solve_from(cs, roots, owner, X, P, xp, known=None):
    which, found, last = _newton(cs, X, P, xp, known)
    if found.shape[0] == 0:
        return set()
    Pf = [q[which] for q in P]
    found = _snap(cs, found, Pf, xp)
    # the rounding bound, and what a linearly converging (degenerate) root has left
    dx = _root_error(cs, found, Pf, xp) + last
    return _merge(roots, owner[to_numpy(which)], to_numpy(found), to_numpy(dx), cs)


# --------------------------------------------------------------------------
# Grid driver


def solve_system_grid(
    equations,
    values: dict,
    backend: str = "numpy",
    chunk: int = 1 << 16,
    starts: int | None = None,
    continuation: int | None = None,
) -> GridSolution:
    r"""Every solution of a system at every point of a parameter grid.

    Parameters
    ----------
    equations : derive.meanfield.SelfConsistency
        With a finite box ``domain``.
    values : dict
        Parameter name -> scalar or array (broadcast; the grid's shape gives the
        neighbours for continuation).
    backend : {"numpy", "cupy"}
    starts : int, optional
        Sobol starts per point (default :data:`STARTS_PER_UNKNOWN` times the
        number of unknowns).
    continuation : int, optional
        Most sweeps of continuation between neighbouring points (default: the
        sum of the grid's dimensions).

    Returns
    -------
    GridSolution
        ``x`` of shape ``(points, width, d)``, ``curvature`` the Hessian
        eigenvalues.
    """

    names = equations.parameter_names
    xp = get_backend(backend)
    cs = compiled_system(equations, backend)
    params, shape = _as_grid(names, values, xp)
    shape = tuple(shape)
    n = int(np.prod(shape)) if shape else 1
    count = starts if starts is not None else STARTS_PER_UNKNOWN * cs.d
    sweeps = continuation if continuation is not None else sum(shape) + 1
    roots = _search(cs, params, shape, start_points(cs.lower, cs.upper, count), sweeps, xp)
    # every root, flat
    point = np.array([i for i in sorted(roots) for _ in roots[i]], dtype=np.int64)
    X = np.array([x for i in sorted(roots) for x, _ in roots[i]]).reshape(-1, cs.d)
    DX = np.array([e for i in sorted(roots) for _, e in roots[i]]).reshape(-1, cs.d)
    host_params = [to_numpy(q) for q in params]
    P = [xp.asarray(q[point]) for q in host_params]
    Xd = xp.asarray(X)
    H, E = hessian_at(cs, Xd, P, xp.asarray(DX), xp)
    fe = to_numpy(cs._call(cs.free_energy, Xd, P, xp))
    feb = SAFETY * to_numpy(cs._call(cs.free_energy_bound, Xd, P, xp, (FLOAT64_UNIT,)))
    mag = to_numpy(cs._call(cs.m, Xd, P, xp))
    code, lam = classify(to_numpy(H), to_numpy(E), cs.maximised)
    # f is stationary: a root error dx moves it by at most |H| dx^2 / 2
    Hn = np.where(np.isfinite(to_numpy(H)), np.abs(to_numpy(H)), 0.0)
    DXf = np.where(np.isfinite(DX), DX, 0.0)
    feb = np.where(np.isfinite(feb), feb, SAFETY * 64 * FLOAT64_UNIT * np.abs(fe))
    feb = feb + 0.5 * np.einsum("bi,bij,bj->b", DXf, Hn, DXf)
    inaccurate = ~(DX <= ROOT_RTOL * np.abs(X) + ROOT_ATOL * (cs.upper - cs.lower)).all(axis=1)
    rows = {}
    for i in range(n):
        sel = np.flatnonzero(point == i)
        rows[i] = settle_point(
            cs,
            [float(q[i]) for q in host_params],
            X[sel],
            mag[sel],
            fe[sel],
            feb[sel],
            code[sel],
            lam[sel],
            inaccurate[sel],
        )
    return _grid_solution(equations, names, host_params, rows, n, cs.d)


def _describe(cs, values) -> str:
    return ", ".join(f"{n}={v!r}" for n, v in zip(cs.parameter_names, values, strict=True))


def _grid_solution(equations, names, host_params, rows, n, d):
    width = max([1] + [len(v) for v in rows.values()])
    x = np.full((n, width, d), np.nan)
    lam = np.full((n, width, d), np.nan)
    m = np.full((n, width), np.nan)
    fe = np.full((n, width), np.nan)
    code = np.zeros((n, width), dtype=np.int8)
    arith = np.zeros((n, width), dtype=np.int8)
    for i, sols in rows.items():
        for j, s in enumerate(sols):
            x[i, j] = s["x"]
            lam[i, j] = s["eigenvalues"]
            m[i, j] = s["m"]
            fe[i, j] = s["free_energy"]
            code[i, j] = s["code"]
            arith[i, j] = s["arithmetic"]
    unknowns = tuple(u.name for u in equations.unknowns)
    return GridSolution(
        parameter_names=names,
        parameters=dict(zip(names, host_params, strict=True)),
        x=x,
        m=m,
        free_energy=fe,
        curvature=lam,
        stability=code,
        count=(code > 0).sum(axis=1),
        unknown=unknowns[0],
        unknowns=unknowns,
        arithmetic=arith,
    )


def solve_system_point_mp(equations, point: dict, digits: int = 50):
    """Every solution at one point to ``digits`` digits: the float64 search finds the
    roots, mpmath polishes and classifies each one (see :mod:`numeric.precise_systems`)."""
    from .precise_systems import solve_system_point_mp as solve

    return solve(equations, point, digits)

r"""Fused CUDA checkerboard kernels for the square and simple-cubic Ising models (CuPy).

The kernels use the CPU layouts of :mod:`numeric.fast.kernels2d`
(``spins[r, c, i, j]``) and :mod:`numeric.fast.kernels3d` (``spins[r, c, i, j, k]``),
int8, and the same counter-based random numbers (:mod:`numeric.fast.rng`), so for
the same seed the GPU produces *the same configurations* as the CPU path, bit for
bit.  Random numbers are made in the kernel (SplitMix64 of key and counter;
nothing is drawn on the host), one thread updates one site, and:

* ``sweep_colour`` (large lattices): a grid-stride loop over the sites of one
  colour of every replica; two launches per sweep.
* ``sweeps_shared`` (small lattices, ``L^d`` bytes <= ``SHARED_MAX``): one block
  per replica keeps its lattice in shared memory and performs many sweeps in one
  launch (``__syncthreads`` between colours), so batches of replicas keep the
  GPU busy.

The source is generated with the dimension, ``L`` and the number of replicas as
compile-time constants (:func:`cuda_source`); :func:`launch_configuration`
chooses the kernel, grid and block.  Both are pure functions, tested without a
GPU; the device code is also compiled for the host (``__host__ __device__``) and
checked bit for bit against the CPU kernels in the tests when a C++ compiler is
present, and compiled by nvcc when one is.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from . import kernels2d, kernels3d
from .samplers import FastSampler, FastState
from .tables import flip_thresholds

#: Largest lattice (bytes, both colours) kept in shared memory by ``sweeps_shared``.
SHARED_MAX = 16384
BLOCK = 256
#: Blocks per multiprocessor for grid-stride launches.
BLOCKS_PER_SM = 8
#: Longest run of sweeps in one ``sweeps_shared`` launch.
MAX_SWEEPS_PER_LAUNCH = 4096
#: Largest L per dimension: the device code indexes one replica (``L^d`` bytes)
#: with 32-bit ints.
MAX_L = {2: 46340, 3: 1290}

DEVICE_HEAD = r"""
typedef unsigned long long u64;
#define GAMMA 0x9E3779B97F4A7C15ULL
#define MIX1 0xBF58476D1CE4E5B9ULL
#define MIX2 0x94D049BB133111EBULL
#define LL {L}
#define NN {N}
#define RR {R}

/* Top 31 bits of SplitMix64(key + GAMMA * counter): numeric.fast.rng.draw31. */
__host__ __device__ __forceinline__ unsigned int draw31(u64 key, u64 counter) {
    u64 z = key + GAMMA * counter;
    z = (z ^ (z >> 30)) * MIX1;
    z = (z ^ (z >> 27)) * MIX2;
    return (unsigned int)(z >> 33);
}
"""

SITE_2D = r"""
#define SITES (LL * NN)               /* sites of one colour in one replica */
#define REPLICA_BYTES (2 * SITES)
#define TABLE 10                      /* flip_thresholds(..., z=4): 2 x 5 */

/* Update site k (0 <= k < SITES) of colour c in one replica's lattice `lat`
   (2 * SITES bytes: colour 0 then colour 1, rows of NN packed sites). */
__host__ __device__ __forceinline__ void update_site(
    signed char* lat, u64 key, u64 sweep, int c, const unsigned int* table, int k) {
    const int i = k / NN;
    const int j = k - i * NN;
    signed char* me = lat + c * SITES + i * NN;
    const signed char* other = lat + (1 - c) * SITES;
    const signed char* mid = other + i * NN;
    const signed char* up = other + ((i + LL - 1) % LL) * NN;
    const signed char* dn = other + ((i + 1) % LL) * NN;
    int jn;
    if ((i + c) & 1) { jn = (j + 1 == NN) ? 0 : j + 1; }
    else { jn = (j == 0) ? NN - 1 : j - 1; }
    const int nsum = (int)up[j] + (int)dn[j] + (int)mid[j] + (int)mid[jn];
    const int s = me[j];
    const unsigned int thr = table[((s + 1) >> 1) * 5 + ((nsum + 4) >> 1)];
    const u64 counter = (2ULL * sweep + (u64)c) * (u64)SITES + (u64)k;
    if (draw31(key, counter) < thr) me[j] = (signed char)(-s);
}
"""

SITE_3D = r"""
#define SITES (LL * LL * NN)          /* sites of one colour in one replica */
#define REPLICA_BYTES (2 * SITES)
#define TABLE 14                      /* flip_thresholds(..., z=6): 2 x 7 */

/* Update site k = (i LL + j) NN + q (0 <= k < SITES) of colour c in one replica's
   lattice `lat` (2 * SITES bytes: colour 0 then colour 1, rows of NN packed
   sites); the site is x = 2 q + ((i + j + c) & 1), as in numeric.fast.kernels3d. */
__host__ __device__ __forceinline__ void update_site(
    signed char* lat, u64 key, u64 sweep, int c, const unsigned int* table, int k) {
    const int ij = k / NN;
    const int q = k - ij * NN;
    const int i = ij / LL;
    const int j = ij - i * LL;
    signed char* me = lat + c * SITES + ij * NN;
    const signed char* other = lat + (1 - c) * SITES;
    const signed char* mid = other + ij * NN;
    const signed char* a = other + (((i + LL - 1) % LL) * LL + j) * NN;
    const signed char* b = other + (((i + 1) % LL) * LL + j) * NN;
    const signed char* e = other + (i * LL + (j + LL - 1) % LL) * NN;
    const signed char* f = other + (i * LL + (j + 1) % LL) * NN;
    int qn;
    if ((i + j + c) & 1) { qn = (q + 1 == NN) ? 0 : q + 1; }
    else { qn = (q == 0) ? NN - 1 : q - 1; }
    const int nsum = (int)a[q] + (int)b[q] + (int)e[q] + (int)f[q] + (int)mid[q] + (int)mid[qn];
    const int s = me[q];
    const unsigned int thr = table[((s + 1) >> 1) * 7 + ((nsum + 6) >> 1)];
    const u64 counter = (2ULL * sweep + (u64)c) * (u64)SITES + (u64)k;
    if (draw31(key, counter) < thr) me[q] = (signed char)(-s);
}
"""

KERNEL_COLOUR = r"""
extern "C" __global__ void sweep_colour(
    signed char* spins, const u64* keys, u64 sweep, int c, const unsigned int* table) {
    const long long total = (long long)RR * SITES;
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += stride) {
        const long long r = t / SITES;
        const int k = (int)(t - r * SITES);
        update_site(spins + r * REPLICA_BYTES, keys[r], sweep, c, table, k);
    }
}
"""

KERNEL_SHARED = r"""
extern "C" __global__ void sweeps_shared(
    signed char* spins, const u64* keys, u64 sweep0, int nsweeps, const unsigned int* table) {
    __shared__ signed char lat[REPLICA_BYTES];
    __shared__ unsigned int tab[TABLE];
    const long long r = blockIdx.x;
    signed char* g = spins + r * REPLICA_BYTES;
    for (int k = threadIdx.x; k < REPLICA_BYTES; k += blockDim.x) lat[k] = g[k];
    for (int k = threadIdx.x; k < TABLE; k += blockDim.x) tab[k] = table[k];
    const u64 key = keys[r];
    __syncthreads();
    for (int t = 0; t < nsweeps; ++t) {
        for (int c = 0; c < 2; ++c) {
            for (int k = threadIdx.x; k < SITES; k += blockDim.x)
                update_site(lat, key, sweep0 + (u64)t, c, tab, k);
            __syncthreads();
        }
    }
    for (int k = threadIdx.x; k < REPLICA_BYTES; k += blockDim.x) g[k] = lat[k];
}
"""


def _check(L: int, replicas: int, dimension: int) -> None:
    if dimension not in MAX_L:
        raise ValueError(f"the CUDA checkerboard covers dimensions 2 and 3, got {dimension}")
    if L < 2 or L % 2:
        raise ValueError(f"the CUDA checkerboard needs an even L >= 2, got L={L}")
    if L > MAX_L[dimension]:
        raise ValueError(
            f"the CUDA checkerboard indexes a replica with 32-bit ints: "
            f"L <= {MAX_L[dimension]} in {dimension}D, got L={L}"
        )
    if replicas < 1:
        raise ValueError(f"replicas must be positive, got {replicas}")


def cuda_source(L: int, replicas: int, kernels: bool = True, dimension: int = 2) -> str:
    """CUDA C source for an ``L^dimension`` lattice (``L`` even) and ``replicas`` replicas.

    Holds the device functions and the one kernel :func:`launch_configuration`
    picks (``kernels=False``: the device functions alone, for host tests).
    """
    _check(L, replicas, dimension)
    code = DEVICE_HEAD.replace("{L}", str(L)).replace("{N}", str(L // 2))
    code = code.replace("{R}", str(replicas)) + (SITE_2D if dimension == 2 else SITE_3D)
    if not kernels:
        return code
    shared = launch_configuration(L, replicas, dimension=dimension)["kernel"] == "sweeps_shared"
    return code + (KERNEL_SHARED if shared else KERNEL_COLOUR)


def launch_configuration(
    L: int, replicas: int, multiprocessors: int = 132, dimension: int = 2
) -> dict:
    """Kernel name, grid and block for one call.

    ``sweeps_shared``: one block per replica, ``min(BLOCK, sites rounded up to a
    warp)`` threads, used when a replica fits in ``SHARED_MAX`` bytes.
    ``sweep_colour``: ``BLOCK`` threads, enough blocks to cover every site of one
    colour once but at most ``BLOCKS_PER_SM * multiprocessors`` (the loop strides).
    """
    _check(L, replicas, dimension)
    sites = L ** (dimension - 1) * (L // 2)
    if 2 * sites <= SHARED_MAX:
        threads = min(BLOCK, -(-sites // 32) * 32)
        return {"kernel": "sweeps_shared", "grid": (replicas,), "block": (threads,)}
    total = replicas * sites
    blocks = min(-(-total // BLOCK), BLOCKS_PER_SM * multiprocessors)
    return {"kernel": "sweep_colour", "grid": (blocks,), "block": (BLOCK,)}


@lru_cache(maxsize=32)
def _module(L: int, replicas: int, dimension: int = 2):
    from statmech.numeric.backend import get_backend

    cp = get_backend("cupy")
    source = cuda_source(L, replicas, dimension=dimension)
    return cp.RawModule(code=source, options=("--std=c++14",))


class CupyCheckerboard(FastSampler):
    """Metropolis / heat-bath on the GPU, bit-identical to the CPU checkerboard sampler
    of the same dimension (subclasses set ``model``, ``dimension``, ``layout``)."""

    algorithms = ("metropolis", "heat-bath")
    model = ""
    dimension = 0
    layout = None  # the CPU kernels module: pack / unpack

    def __init__(self, compiled, T, algorithm="metropolis", replicas=1, moves=()):
        from statmech.numeric.backend import get_backend

        super().__init__(compiled, T, algorithm, replicas, moves)
        L = self.shape[0]
        if len(self.shape) != self.dimension or len(set(self.shape)) != 1 or L % 2:
            torus = " x ".join(["L"] * self.dimension)
            raise NotImplementedError(
                f"the CUDA fast path needs an even {torus} torus, got {self.shape}"
            )
        _check(L, self.replicas, self.dimension)  # before any device work
        self.xp = get_backend("cupy")
        self.backend = "cupy"
        z = 2 * self.dimension
        self.table_host = flip_thresholds(self.name, self._uniform_temperature(), self.J, self.h, z)
        self.table = self._device(self.table_host, np.uint32)
        props = self.xp.cuda.runtime.getDeviceProperties(self.xp.cuda.Device().id)
        sms = int(props.get("multiProcessorCount", 132))
        self.launch = launch_configuration(L, self.replicas, sms, self.dimension)
        module = _module(L, self.replicas, self.dimension)
        self.kernel = module.get_function(self.launch["kernel"])

    def _device(self, host, dtype):
        """A C-contiguous device copy with the element type the kernel signature reads
        (``signed char*``, ``const u64*``, ``const unsigned int*``): a raw kernel takes
        any array's pointer, so a wrong dtype or a strided view would be read as garbage."""
        return self.xp.ascontiguousarray(self.xp.asarray(host, dtype=dtype))

    def _to_layout(self, config):
        packed = self.layout.pack(np.asarray(config).reshape(self.replicas, *self.shape))
        return self._device(packed, np.int8)

    def _from_layout(self, spins):
        return self.layout.unpack(spins, self.xp)

    def init(self, seed: int) -> FastState:
        state = super().init(seed)
        state.extra["keys_device"] = self._device(state.keys, np.uint64)
        return state

    def load_state_dict(self, d: dict) -> FastState:
        state = super().load_state_dict(d)
        state.extra["keys_device"] = self._device(state.keys, np.uint64)
        return state

    def state_dict(self, state: FastState) -> dict:
        extra = state.extra
        state.extra = {}
        try:
            return super().state_dict(state)
        finally:
            state.extra = extra

    def _sweeps(self, state, sweeps):
        grid, block = self.launch["grid"], self.launch["block"]
        keys = state.extra["keys_device"]
        if self.launch["kernel"] == "sweeps_shared":
            # bounded launches (same numbers: sweeps are numbered globally)
            for start in range(0, sweeps, MAX_SWEEPS_PER_LAUNCH):
                count = min(MAX_SWEEPS_PER_LAUNCH, sweeps - start)
                sweep0 = np.uint64(state.sweeps + start)
                self.kernel(grid, block, (state.spins, keys, sweep0, np.int32(count), self.table))
            return
        for k in range(sweeps):
            for c in (0, 1):
                args = (state.spins, keys, np.uint64(state.sweeps + k), np.int32(c), self.table)
                self.kernel(grid, block, args)


class CupyCheckerboard2D(CupyCheckerboard):
    """The square lattice on the GPU, bit-identical to the CPU ``Checkerboard2D``."""

    model, dimension, layout = "ising2d", 2, kernels2d


class CupyCheckerboard3D(CupyCheckerboard):
    """The simple cubic lattice on the GPU, bit-identical to the CPU ``Checkerboard3D``."""

    model, dimension, layout = "ising3d", 3, kernels3d


#: The CUDA sampler of each lattice dimension.
CUDA_SAMPLERS = {c.dimension: c for c in (CupyCheckerboard2D, CupyCheckerboard3D)}

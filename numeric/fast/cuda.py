r"""Fused CUDA checkerboard kernels for the square-lattice Ising model (CuPy RawModule).

The kernels use the CPU layout of :mod:`numeric.fast.kernels2d` (``spins[r, c, i, j]``,
int8) and the same counter-based random numbers (:mod:`numeric.fast.rng`), so
for the same seed the GPU produces *the same configurations* as the CPU path,
bit for bit.  Random numbers are made in the kernel (SplitMix64 of key and
counter; nothing is drawn on the host), one thread updates one site, and:

* ``sweep_colour`` (large lattices): a grid-stride loop over the sites of one
  colour of every replica; two launches per sweep.
* ``sweeps_shared`` (small lattices, ``2 L (L/2)`` bytes <= ``SHARED_MAX``):
  one block per replica keeps its lattice in shared memory and performs many
  sweeps in one launch (``__syncthreads`` between colours), so batches of
  replicas keep the GPU busy.

The source is generated with ``L`` and the number of replicas as compile-time
constants (:func:`cuda_source`); :func:`launch_configuration` chooses the kernel,
grid and block.  Both are pure functions, tested without a GPU; the device code
is also compiled for the host (``__host__ __device__``) and checked against
NumPy in the tests when a CUDA compiler is present.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from . import kernels2d
from .samplers import FastSampler, FastState
from .tables import flip_thresholds

#: Largest lattice (bytes, both colours) kept in shared memory by ``sweeps_shared``.
SHARED_MAX = 16384
BLOCK = 256
#: Blocks per multiprocessor for grid-stride launches.
BLOCKS_PER_SM = 8
#: Longest run of sweeps in one ``sweeps_shared`` launch.
MAX_SWEEPS_PER_LAUNCH = 4096
#: Largest L: the device code indexes one replica (``L * L`` bytes) with 32-bit ints.
MAX_L = 46340

DEVICE_CODE = r"""
typedef unsigned long long u64;
#define GAMMA 0x9E3779B97F4A7C15ULL
#define MIX1 0xBF58476D1CE4E5B9ULL
#define MIX2 0x94D049BB133111EBULL
#define LL {L}
#define NN {N}
#define RR {R}
#define SITES (LL * NN)               /* sites of one colour in one replica */
#define REPLICA_BYTES (2 * SITES)

/* Top 31 bits of SplitMix64(key + GAMMA * counter): numeric.fast.rng.draw31. */
__host__ __device__ __forceinline__ unsigned int draw31(u64 key, u64 counter) {
    u64 z = key + GAMMA * counter;
    z = (z ^ (z >> 30)) * MIX1;
    z = (z ^ (z >> 27)) * MIX2;
    return (unsigned int)(z >> 33);
}

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
    __shared__ unsigned int tab[10];
    const long long r = blockIdx.x;
    signed char* g = spins + r * REPLICA_BYTES;
    for (int k = threadIdx.x; k < REPLICA_BYTES; k += blockDim.x) lat[k] = g[k];
    if (threadIdx.x < 10) tab[threadIdx.x] = table[threadIdx.x];
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


def cuda_source(L: int, replicas: int, kernels: bool = True) -> str:
    """CUDA C source for an ``L x L`` lattice (``L`` even) and ``replicas`` replicas.

    Holds the device functions and the one kernel :func:`launch_configuration`
    picks (``kernels=False``: the device functions alone, for host tests).
    """
    if L < 2 or L % 2:
        raise ValueError(f"the CUDA checkerboard needs an even L >= 2, got L={L}")
    if L > MAX_L:
        raise ValueError(
            f"the CUDA checkerboard indexes a replica with 32-bit ints: L <= {MAX_L}, got L={L}"
        )
    if replicas < 1:
        raise ValueError(f"replicas must be positive, got {replicas}")
    code = DEVICE_CODE.replace("{L}", str(L)).replace("{N}", str(L // 2))
    code = code.replace("{R}", str(replicas))
    if not kernels:
        return code
    shared = launch_configuration(L, replicas)["kernel"] == "sweeps_shared"
    return code + (KERNEL_SHARED if shared else KERNEL_COLOUR)


def launch_configuration(L: int, replicas: int, multiprocessors: int = 132) -> dict:
    """Kernel name, grid and block for one call.

    ``sweeps_shared``: one block per replica, ``min(BLOCK, sites rounded up to a
    warp)`` threads, used when a replica fits in ``SHARED_MAX`` bytes.
    ``sweep_colour``: ``BLOCK`` threads, enough blocks to cover every site of one
    colour once but at most ``BLOCKS_PER_SM * multiprocessors`` (the loop strides).
    """
    sites = L * (L // 2)
    if 2 * sites <= SHARED_MAX:
        threads = min(BLOCK, -(-sites // 32) * 32)
        return {"kernel": "sweeps_shared", "grid": (replicas,), "block": (threads,)}
    total = replicas * sites
    blocks = min(-(-total // BLOCK), BLOCKS_PER_SM * multiprocessors)
    return {"kernel": "sweep_colour", "grid": (blocks,), "block": (BLOCK,)}


@lru_cache(maxsize=32)
def _module(L: int, replicas: int):
    from statmech.numeric.backend import get_backend

    cp = get_backend("cupy")
    return cp.RawModule(code=cuda_source(L, replicas), options=("--std=c++14",))


class CupyCheckerboard2D(FastSampler):
    """Metropolis / heat-bath on the GPU, bit-identical to the CPU ``Checkerboard2D``."""

    algorithms = ("metropolis", "heat-bath")

    def __init__(self, model_name, shape, T, J=1.0, h=0.0, algorithm="metropolis", replicas=1):
        from statmech.numeric.backend import get_backend

        super().__init__(model_name, shape, T, J, h, algorithm, replicas)
        L = self.shape[0]
        if model_name != "ising2d" or self.shape[1] != L or L % 2:
            raise NotImplementedError(
                f"the CUDA fast path needs ising2d on an even L x L torus, got {shape}"
            )
        self.xp = get_backend("cupy")
        self.backend = "cupy"
        self.table_host = flip_thresholds(algorithm, self.T, self.J, self.h, 4)
        self.table = self._device(self.table_host, np.uint32)
        props = self.xp.cuda.runtime.getDeviceProperties(self.xp.cuda.Device().id)
        sms = int(props.get("multiProcessorCount", 132))
        self.launch = launch_configuration(L, self.replicas, sms)
        self.kernel = _module(L, self.replicas).get_function(self.launch["kernel"])

    def _device(self, host, dtype):
        """A C-contiguous device copy with the element type the kernel signature reads
        (``signed char*``, ``const u64*``, ``const unsigned int*``): a raw kernel takes
        any array's pointer, so a wrong dtype or a strided view would be read as garbage."""
        return self.xp.ascontiguousarray(self.xp.asarray(host, dtype=dtype))

    def _to_layout(self, config):
        packed = kernels2d.pack(np.asarray(config).reshape(self.replicas, *self.shape))
        return self._device(packed, np.int8)

    def _from_layout(self, spins):
        return kernels2d.unpack(spins, self.xp)

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

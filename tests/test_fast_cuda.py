"""The CUDA fast path (square and cubic lattices): code generation and launch
configuration everywhere, the device code compiled for the host and checked bit for
bit against NumPy and the CPU kernels (where a C++ compiler exists), the kernels
compiled by nvcc (where it exists), the sampler's host logic with the device
emulated, and the GPU run itself on a machine with a GPU (``gpu`` marker)."""

import re
import shutil
import subprocess

import numpy as np
import pytest
from statmech.numeric.fast import kernels2d, kernels3d, make_fast_sampler
from statmech.numeric.fast.cuda import MAX_L, SHARED_MAX, cuda_source, launch_configuration
from statmech.numeric.fast.reference import counter_checkerboard_sweep
from statmech.numeric.fast.rng import stream_keys
from statmech.numeric.fast.samplers import random_configuration
from statmech.numeric.fast.tables import flip_thresholds

HOST_HARNESS = r"""
#include <cstdio>
#include <cstdlib>
#include <cstring>
#define __host__
#define __device__
#define __forceinline__ inline
{DEVICE}
int main(int argc, char** argv) {
    /* argv: in out sweep0 nsweeps mode(0 = grid-stride order, 1 = per-block order) */
    FILE* f = fopen(argv[1], "rb");
    static signed char spins[RR * REPLICA_BYTES];
    u64 keys[RR];
    unsigned int table[TABLE];
    if (fread(spins, 1, sizeof spins, f) != sizeof spins) return 2;
    if (fread(keys, 8, RR, f) != RR) return 2;
    if (fread(table, 4, TABLE, f) != TABLE) return 2;
    fclose(f);
    const u64 sweep0 = strtoull(argv[3], 0, 10);
    const int nsweeps = atoi(argv[4]), mode = atoi(argv[5]);
    if (mode == 0) {
        for (int t = 0; t < nsweeps; ++t)
            for (int c = 0; c < 2; ++c)
                for (long long tid = RR * (long long)SITES - 1; tid >= 0; --tid) {
                    const long long r = tid / SITES;
                    update_site(spins + r * REPLICA_BYTES, keys[r], sweep0 + t, c, table,
                                (int)(tid - r * SITES));
                }
    } else {
        static signed char lat[REPLICA_BYTES];
        for (int r = 0; r < RR; ++r) {
            memcpy(lat, spins + r * REPLICA_BYTES, REPLICA_BYTES);
            for (int t = 0; t < nsweeps; ++t)
                for (int c = 0; c < 2; ++c)
                    for (int k = 0; k < SITES; ++k)
                        update_site(lat, keys[r], sweep0 + t, c, table, k);
            memcpy(spins + r * REPLICA_BYTES, lat, REPLICA_BYTES);
        }
    }
    f = fopen(argv[2], "wb");
    fwrite(spins, 1, sizeof spins, f);
    fclose(f);
    return 0;
}
"""


def test_source_has_constants_and_one_kernel():
    small = cuda_source(16, 64)
    assert "#define LL 16" in small and "#define NN 8" in small and "#define RR 64" in small
    assert "#define TABLE 10" in small
    assert "sweeps_shared" in small and "sweep_colour" not in small
    big = cuda_source(1024, 1)
    assert "sweep_colour" in big and "sweeps_shared" not in big
    cubic = cuda_source(16, 8, dimension=3)
    assert "#define TABLE 14" in cubic and "(LL * LL * NN)" in cubic
    assert "sweeps_shared" in cubic  # 16^3 bytes fit in shared memory
    assert "sweep_colour" in cuda_source(64, 1, dimension=3)
    with pytest.raises(ValueError, match="even"):
        cuda_source(7, 1)
    with pytest.raises(ValueError, match="dimensions 2 and 3"):
        cuda_source(8, 1, dimension=4)


@pytest.mark.parametrize("d", [2, 3])
def test_source_refuses_a_lattice_its_32_bit_indices_cannot_hold(d):
    """One replica is indexed with 32-bit ints (``L^d`` bytes): refuse beyond that."""
    L = MAX_L[d]
    assert L**d <= 2**31 - 1 < (L + 2) ** d
    assert f"#define LL {L}" in cuda_source(L, 1, dimension=d)
    with pytest.raises(ValueError, match="32-bit"):
        cuda_source(L + 2, 1, dimension=d)


@pytest.mark.parametrize(
    "L,R,d",
    [(2, 1, 2), (16, 1000, 2), (128, 4, 2), (130, 3, 2), (1024, 1, 2), (16384, 1, 2)]
    + [(2, 1, 3), (24, 100, 3), (26, 3, 3), (128, 1, 3), (1290, 1, 3)],
)
def test_launch_configuration_covers_every_site(L, R, d):
    cfg = launch_configuration(L, R, multiprocessors=132, dimension=d)
    (threads,) = cfg["block"]
    (blocks,) = cfg["grid"]
    assert threads % 32 == 0 and 32 <= threads <= 1024
    sites = L**d // 2
    if cfg["kernel"] == "sweeps_shared":
        # one block per replica, lattice in shared memory
        assert L**d <= SHARED_MAX and blocks == R
        assert threads <= -(-sites // 32) * 32
    else:
        assert L**d > SHARED_MAX
        assert 1 <= blocks <= 8 * 132 and blocks * threads <= max(R * sites, threads) + threads
        # the grid-stride loop visits every site: blocks*threads >= 1 and the loop strides
        assert blocks == min(-(-R * sites // threads), 8 * 132)


def _harness(tmp_path, L, R, d=2):
    cxx = shutil.which("g++") or shutil.which("c++")
    if cxx is None:
        pytest.skip("needs a C++ compiler")
    src = tmp_path / "harness.cpp"
    device = cuda_source(L, R, kernels=False, dimension=d)
    src.write_text(HOST_HARNESS.replace("{DEVICE}", device))
    exe = tmp_path / "harness"
    subprocess.run([cxx, "-O1", "-o", str(exe), str(src)], check=True, capture_output=True)
    return exe


@pytest.mark.parametrize("algorithm,L,R,h", [("metropolis", 8, 3, 0.0), ("heat-bath", 6, 2, 0.3)])
def test_device_code_on_host_equals_numpy(tmp_path, algorithm, L, R, h):
    exe = _harness(tmp_path, L, R)
    keys = stream_keys(21, R)
    cfg = random_configuration(keys, (L, L))
    table = flip_thresholds(algorithm, 2.2, 1.0, h, 4)
    inp = tmp_path / "in.bin"
    inp.write_bytes(kernels2d.pack(cfg).tobytes() + keys.tobytes() + table.tobytes())
    ref = cfg.copy()
    for t in range(2, 6):
        counter_checkerboard_sweep(ref, keys, t, table)
    for mode in (0, 1):
        out = tmp_path / f"out{mode}.bin"
        subprocess.run([str(exe), str(inp), str(out), "2", "4", str(mode)], check=True)
        got = np.frombuffer(out.read_bytes(), dtype=np.int8).reshape(R, 2, L, L // 2)
        np.testing.assert_array_equal(kernels2d.unpack(got), ref)


@pytest.mark.parametrize("algorithm,L,R,h", [("metropolis", 8, 3, 0.0), ("heat-bath", 6, 2, 0.3)])
def test_cubic_device_code_on_host_equals_the_cpu_kernel(tmp_path, algorithm, L, R, h):
    """The cubic device code, in both launch orders, against numeric.fast.kernels3d
    (itself checked against the neighbour-table kernel and plain NumPy).  L >= 6:
    at L = 4 the in-row neighbours q - 1 and q + 1 coincide."""
    exe = _harness(tmp_path, L, R, d=3)
    keys = stream_keys(22, R)
    packed = kernels3d.pack(random_configuration(keys, (L, L, L)))
    table = flip_thresholds(algorithm, 4.3, 1.0, h, 6)
    inp = tmp_path / "in.bin"
    inp.write_bytes(packed.tobytes() + keys.tobytes() + table.tobytes())
    ref = packed.copy()
    kernels3d.run_sweeps_serial(ref, keys, 2, 4, table)
    assert not np.array_equal(ref, packed)  # the sweeps flipped spins
    for mode in (0, 1):
        out = tmp_path / f"out{mode}.bin"
        subprocess.run([str(exe), str(inp), str(out), "2", "4", str(mode)], check=True)
        got = np.frombuffer(out.read_bytes(), dtype=np.int8).reshape(ref.shape)
        np.testing.assert_array_equal(got, ref)


@pytest.mark.parametrize(
    "L,R,d", [(16, 256, 2), (1024, 1, 2), (MAX_L[2], 1, 2), (16, 64, 3), (256, 1, 3)]
)
def test_nvcc_compiles_the_kernels(tmp_path, L, R, d):
    """The source RawModule compiles (same dialect), to PTX for sm_80 and, through
    ptxas, to machine code for sm_90 (H100/H200), warnings treated as errors."""
    nvcc = shutil.which("nvcc")
    if nvcc is None:
        pytest.skip("needs nvcc")
    src = tmp_path / "k.cu"
    src.write_text(cuda_source(L, R, dimension=d))
    kernel = launch_configuration(L, R, dimension=d)["kernel"]
    flags = ["--std=c++14", "-Werror", "all-warnings"]
    ptx = tmp_path / "k.ptx"
    r = subprocess.run(
        [nvcc, "-arch=sm_80", *flags, "-ptx", "-o", str(ptx), str(src)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert kernel in ptx.read_text()
    cubin = tmp_path / "k.cubin"
    r = subprocess.run(
        [nvcc, "-arch=sm_90", *flags, "-cubin", "-Xptxas", "-v", "-o", str(cubin), str(src)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert kernel in r.stderr and cubin.stat().st_size > 0  # ptxas reports the kernel


@pytest.mark.gpu
@pytest.mark.parametrize("algorithm", ["metropolis", "heat-bath"])
@pytest.mark.parametrize(
    "model,L,R",
    [("ising2d", 16, 64), ("ising2d", 8, 1), ("ising2d", 256, 2)]
    + [("ising3d", 8, 16), ("ising3d", 4, 1), ("ising3d", 32, 2)],
)
def test_gpu_equals_cpu_bit_for_bit(algorithm, model, L, R):
    from statmech.numeric.backend import to_numpy

    shape, T = (L,) * int(model[5]), 2.3 if model == "ising2d" else 4.3
    cpu = make_fast_sampler(model, shape, T, h=0.1, algorithm=algorithm, replicas=R)
    gpu = make_fast_sampler(model, shape, T, h=0.1, algorithm=algorithm, replicas=R, backend="cupy")
    a = cpu.step(cpu.init(5), 7)
    b = gpu.step(gpu.init(5), 7)
    np.testing.assert_array_equal(cpu.configuration(a), to_numpy(gpu.configuration(b)))
    # resume on the GPU from a state dict
    d = gpu.state_dict(gpu.step(gpu.init(5), 3))
    c = gpu.step(gpu.load_state_dict(d), 4)
    np.testing.assert_array_equal(cpu.configuration(a), to_numpy(gpu.configuration(c)))
    assert type(gpu.configuration(b)).__module__.startswith("cupy")


@pytest.mark.gpu
@pytest.mark.parametrize("algorithm", ["metropolis", "heat-bath"])
def test_gpu_4x4_against_enumeration(algorithm):
    from statmech.derive.registry import get_model
    from statmech.numeric.backend import to_numpy
    from statmech.numeric.enumeration import model_thermodynamics

    T, R = 2.5, 4096
    exact = model_thermodynamics(get_model("ising2d"), (4, 4), {"T": T, "J": 1.0, "h": 0.0})
    s = make_fast_sampler("ising2d", (4, 4), T, algorithm=algorithm, replicas=R, backend="cupy")
    st = s.step(s.init(3), 100)
    e, m = [], []
    for _ in range(50):
        s.step(st, 5)
        c = to_numpy(s.configuration(st)).astype(np.int64)
        bonds = (c * np.roll(c, 1, 1)).sum((1, 2)) + (c * np.roll(c, 1, 2)).sum((1, 2))
        e.append(-bonds / 16)
        m.append(np.abs(c.sum((1, 2))) / 16)
    for series, want in ((np.array(e), exact["E"] / 16), (np.array(m), exact["abs_M"] / 16)):
        means = series.mean(axis=0)  # one mean per independent replica
        z = (means.mean() - want) / (means.std(ddof=1) / np.sqrt(R))
        assert abs(z) < 4


#: numpy dtype of each C parameter type the kernels take (``u64`` is ``unsigned long long``).
C_TYPES = {
    "signed char*": np.int8,
    "const u64*": np.uint64,
    "const unsigned int*": np.uint32,
    "u64": np.uint64,
    "int": np.int32,
}


def _kernel_signature(code, name):
    """C parameter types of ``extern "C" __global__ void name(...)`` in ``code``."""
    m = re.search(r'extern "C" __global__ void ' + name + r"\(([^)]*)\)", code)
    assert m, f"no kernel {name} in the source"
    params = [re.sub(r"\w+\s*$", "", p).strip() for p in m.group(1).split(",")]
    return [re.sub(r"\s*\*", "*", " ".join(p.split())) for p in params]


def _check_arguments(signature, args):
    """What CuPy would pass by pointer or by value matches the C signature: arrays of
    the pointed-to type, C-contiguous; scalars as NumPy scalars of the exact width
    (a Python int would be passed as a 64-bit integer)."""
    assert len(signature) == len(args)
    for ctype, arg in zip(signature, args, strict=True):
        want = C_TYPES[ctype]
        if ctype.endswith("*"):
            assert isinstance(arg, np.ndarray) and arg.dtype == want, (ctype, arg)
            assert arg.flags.c_contiguous, ctype
        else:
            assert type(arg) is want, (ctype, type(arg))


class _EmulatedModule:
    """Stands in for ``cupy.RawModule``: runs each kernel's CPU twin with the CUDA signature."""

    def __init__(self, code, options=()):
        self.code = code

    def get_function(self, name):
        signature = _kernel_signature(self.code, name)
        kernels = kernels3d if "#define TABLE 14" in self.code else kernels2d

        def sweep_colour(grid, block, args):
            _check_arguments(signature, args)
            spins, keys, sweep, c, table = args
            assert isinstance(sweep, np.uint64) and isinstance(c, np.int32)
            kernels.sweep_colour(spins, int(c), keys, int(sweep), table)

        def sweeps_shared(grid, block, args):
            _check_arguments(signature, args)
            spins, keys, sweep0, nsweeps, table = args
            assert isinstance(sweep0, np.uint64) and isinstance(nsweeps, np.int32)
            assert grid == (spins.shape[0],)  # one block per replica
            kernels.run_sweeps(spins, keys, int(sweep0), int(nsweeps), table)

        return {"sweep_colour": sweep_colour, "sweeps_shared": sweeps_shared}[name]


@pytest.mark.parametrize(
    "model,L,R", [("ising2d", 8, 5), ("ising2d", 130, 1), ("ising3d", 6, 5), ("ising3d", 26, 1)]
)
def test_cupy_sampler_glue_with_emulated_device(monkeypatch, model, L, R):
    """The CuPy sampler's host logic (layout, launches, sweep numbers, resume),
    with the device replaced by the CPU twins of its kernels."""
    from types import SimpleNamespace

    import statmech.numeric.backend as numeric_backend
    from statmech.numeric.fast import cuda

    runtime = SimpleNamespace(getDeviceProperties=lambda i: {"multiProcessorCount": 4})
    fake = SimpleNamespace(
        asarray=np.asarray,
        ascontiguousarray=np.ascontiguousarray,
        empty=np.empty,
        int8=np.int8,
        RawModule=_EmulatedModule,
        cuda=SimpleNamespace(runtime=runtime, Device=lambda: SimpleNamespace(id=0)),
    )
    real = numeric_backend.get_backend
    monkeypatch.setattr(
        numeric_backend, "get_backend", lambda name="numpy": fake if name == "cupy" else real(name)
    )
    cuda._module.cache_clear()
    try:
        d = int(model[5])
        args = (model, (L,) * d, 2.3 * d / 2)
        gpu = make_fast_sampler(*args, algorithm="heat-bath", replicas=R, backend="cupy")
        assert gpu.backend == "cupy" and type(gpu).__name__ == f"CupyCheckerboard{d}D"
        assert gpu.launch["kernel"] == launch_configuration(L, R, 4, d)["kernel"]
        cpu = make_fast_sampler(*args, algorithm="heat-bath", replicas=R)
        a = cpu.step(cpu.init(8), 5)
        monkeypatch.setattr(cuda, "MAX_SWEEPS_PER_LAUNCH", 2)  # split launches: same numbers
        b = gpu.step(gpu.step(gpu.init(8), 2), 3)
        np.testing.assert_array_equal(cpu.configuration(a), gpu.configuration(b))
        d = gpu.state_dict(gpu.step(gpu.init(8), 1))
        assert "extra_keys_device" not in d
        c = gpu.step(gpu.load_state_dict(d), 4)
        np.testing.assert_array_equal(cpu.configuration(a), gpu.configuration(c))
    finally:
        cuda._module.cache_clear()

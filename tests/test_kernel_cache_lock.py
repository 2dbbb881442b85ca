"""Processes started together on a cold kernel cache compile each kernel once: the others
wait for the lock and load the entry (numba's cache is not safe for two processes
compiling one kernel into one folder at once)."""

import os
import subprocess
import sys

KERNELS = """
import numba as nb
from statmech.numeric.kernel_cache import serialise_compilation


@nb.njit(cache=True, parallel=True)
def norm2(x):
    s = 0.0
    for i in nb.prange(x.shape[0]):
        s += x[i] * x[i]
    return s


serialise_compilation(globals())
"""

RUN = """
import sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import lock_kernels as k
assert k.norm2(np.arange(4.0)) == 14.0
print(sum(k.norm2.stats.cache_misses.values()), sum(k.norm2.stats.cache_hits.values()))
"""


def _run_together(tmp_path, count, serialise=True):
    text = KERNELS if serialise else KERNELS.replace("serialise_compilation(globals())", "")
    (tmp_path / "lock_kernels.py").write_text(text)
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RUN, str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(count)
    ]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        assert p.returncode == 0, stderr
        out.append(tuple(int(v) for v in stdout.split()))
    return out


def test_processes_started_together_compile_a_kernel_once(tmp_path):
    counts = _run_together(tmp_path, 3)
    assert sum(miss for miss, _ in counts) == 1, counts
    assert sum(hit for _, hit in counts) == 2, counts
    assert (tmp_path / "numba" / ".compile.lock").exists()


def test_only_cached_kernels_are_wrapped():
    import numba as nb
    from statmech.numeric.kernel_cache import serialise_compilation

    @nb.njit(cache=True)
    def cached(x):
        return x + 1

    @nb.njit
    def plain(x):
        return x + 1

    serialise_compilation({"cached": cached, "plain": plain, "other": 3})
    assert getattr(cached, "_serialised", False) and not getattr(plain, "_serialised", False)
    assert cached(1) == 2 and plain(1) == 2


def test_the_compile_notice_names_what_is_compiled_in_words():
    from statmech.numeric.kernel_cache import kernel_words

    assert kernel_words("statmech.numeric.fast.kernels2d") == "the fast Monte Carlo samplers"
    assert kernel_words("statmech.numeric.spin_glass_tap") == "the spin-glass kernels"
    assert kernel_words("statmech.numeric.rbm.train") == "statmech's compiled kernels"

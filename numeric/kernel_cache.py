r"""Where numba keeps the compiled kernels, and a message while it compiles them.

The kernels of :mod:`statmech.numeric.fast` are compiled by numba on first use
(``cache=True``) and kept on disk, so that later processes load them in a
fraction of a second.  numba's default keeps them beside the source, in the
package folder, which may be read-only (a system or shared install); here they
go to the user's cache folder instead: ``$XDG_CACHE_HOME/statmech/numba``, or
``~/.cache/statmech/numba``.  :func:`use_user_cache` sets ``NUMBA_CACHE_DIR``
before numba is imported (:mod:`statmech.numeric` calls it on import); a
``NUMBA_CACHE_DIR`` the user set is left alone.  numba's cache has one folder
for the process, so a program that imports :mod:`statmech.numeric` keeps its
own numba functions there too.

:func:`announce_compilation` prints one line to standard error when a kernel is
really compiled (not when it is loaded from the cache), so that the first run's
pause says what it is; the command line turns it on.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

#: numba's environment variable for its cache folder.
ENV = "NUMBA_CACHE_DIR"


def cache_dir() -> str:
    """The folder for statmech's compiled kernels: ``$XDG_CACHE_HOME/statmech/numba``, or
    ``~/.cache/statmech/numba`` (``XDG_CACHE_HOME`` unset, empty or relative)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "statmech", "numba")


def use_user_cache() -> str:
    """Point numba's cache at :func:`cache_dir` unless ``NUMBA_CACHE_DIR`` is set; the folder.

    Before numba is imported this sets the environment variable (which numba reads
    when it is imported, and child processes inherit); after, numba's configuration
    too, which decides for every function decorated from then on.
    """
    chosen = os.environ.get(ENV)
    if chosen:
        return chosen
    path = cache_dir()
    os.environ[ENV] = path
    numba = sys.modules.get("numba")
    config = getattr(numba, "config", None)
    if config is not None and not getattr(config, "CACHE_DIR", ""):
        config.CACHE_DIR = path
    return path


_announcing = False


#: What a kernel module's kernels are, in the user's words (longest prefix wins).
KERNEL_WORDS = {
    "statmech.numeric.fast": "the fast Monte Carlo samplers",
    "statmech.numeric.spin_glass": "the spin-glass kernels",
    "statmech.numeric.hopfield": "the Hopfield network's kernels",
}


def kernel_words(module: str) -> str:
    """The words for the kernels of ``module`` (a dotted name)."""
    best = max((p for p in KERNEL_WORDS if module.startswith(p)), key=len, default=None)
    return KERNEL_WORDS[best] if best else "statmech's compiled kernels"


def announce_compilation(stream=None) -> None:
    """From now on, say on ``stream`` (standard error) when a statmech kernel is compiled.

    One line, once per process: ``statmech: compiling kernels, once: ...``.  Loading a
    kernel from the cache says nothing.  Imports numba.
    """
    global _announcing
    if _announcing:
        return
    from numba.core import event

    class Notice(event.Listener):
        said = False

        def on_start(self, ev):
            func = getattr(ev.data.get("dispatcher"), "py_func", None)
            module = getattr(func, "__module__", "") or ""
            if self.said or not module.startswith("statmech."):
                return
            self.said = True
            where = os.environ.get(ENV) or "numba's default folder"
            print(
                f"statmech: compiling kernels, once: {kernel_words(module)} for this "
                f"computer, kept in {where} for later runs",
                file=stream or sys.stderr,
                flush=True,
            )

        def on_end(self, ev):
            pass

    event.register("numba:compile", Notice())
    _announcing = True


#: The packages numba imports on start-up that statmech's kernels never use.
SKIPPED = ("scipy", "cffi")


class _Skip:
    """An import finder refusing :data:`SKIPPED` (numba catches the ImportError)."""

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in SKIPPED:
            raise ImportError(f"{name} is not imported while numba loads statmech's kernels")
        return None


def load_numba_lean() -> bool:
    """Import numba and load its CPU target's registries without importing SciPy or cffi.

    In this process numba then computes ``np.convolve`` and ``np.correlate`` with its own
    loops rather than BLAS, and does not type cffi functions; the kernels of
    :mod:`statmech.numeric.fast` use neither (``tests/test_startup.py``).  Linear algebra
    (``np.linalg``, ``np.dot``) still imports SciPy when a kernel needs it.  Does nothing
    (returns False) where numba's registries are loaded already.
    """
    if "numba.np.arraymath" in sys.modules:
        return False
    skip = _Skip()
    sys.meta_path.insert(0, skip)
    try:
        import numba  # noqa: F401 - its version checks run here
        from numba.core.registry import cpu_target

        cpu_target.target_context.refresh()  # what the first kernel load does
    finally:
        sys.meta_path.remove(skip)
    return True


# --------------------------------------------------------------------------
# One process at a time compiles into the cache folder

_guard = threading.RLock()
_depth = 0
_held = None


@contextlib.contextmanager
def _compile_lock():
    """Hold an exclusive lock on ``.compile.lock`` in numba's cache folder (re-entrant
    within the process: a kernel's compilation compiles the kernels it calls).  Where
    ``fcntl`` is missing (Windows) it holds nothing."""
    global _depth, _held
    with _guard:
        if _depth == 0:
            _held = _lock_file()
        _depth += 1
        try:
            yield
        finally:
            _depth -= 1
            if _depth == 0 and _held is not None:
                _held.close()  # closing the file releases the lock
                _held = None


def _lock_file():
    try:
        import fcntl
    except ImportError:  # no POSIX locks: nothing to hold
        return None
    folder = os.environ.get(ENV) or cache_dir()
    try:
        os.makedirs(folder, exist_ok=True)
        f = open(os.path.join(folder, ".compile.lock"), "a+")  # noqa: SIM115 - held open
    except OSError:  # a cache folder that cannot be written caches nothing either
        return None
    fcntl.flock(f, fcntl.LOCK_EX)
    return f


def serialise_compilation(namespace: dict) -> None:
    """Make every cached numba kernel in ``namespace`` (a module's ``globals()``) look up,
    compile and save its cache entry under :func:`_compile_lock`.

    numba's cache is not safe when two processes compile one kernel into one folder at
    once (numba issues 4807 and 10128: entries of ``parallel=True`` kernels written by
    two processes can disagree, and loading them then crashes).  Sweep workers and test
    processes started together on a cold cache do exactly that.  Under the lock the
    second process waits, then finds the first one's entry and loads it.
    """
    from numba.core.dispatcher import Dispatcher

    for value in list(namespace.values()):
        if not isinstance(value, Dispatcher) or getattr(value, "_serialised", False):
            continue
        if type(value._cache).__name__ == "NullCache":  # not cache=True: nothing on disk
            continue
        original = value.compile

        def compile(sig, _original=original):
            with _compile_lock():
                return _original(sig)

        value.compile = compile
        value._serialised = True

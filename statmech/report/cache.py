r"""The report's section cache: an unchanged section is not built again.

A section's **key** is the SHA-256 of

- the section's module name and its parameters (``quick``);
- :data:`KEY_VERSION` (bumped when the cached format changes), the installed
  ``statmech`` version, and the versions of Python, NumPy, SciPy, SymPy and
  matplotlib (they change the numbers and the printed forms);
- the source of the section's module and of every module of the project it
  imports, directly or through other project modules (imports found by reading
  the sources, also those inside functions; a package's ``__init__`` counts as
  imported with it);
- the stored data files those modules name in a literal ``DATA_FILES`` tuple
  (names in :data:`DATA_DIR`, the report's stored measurements).

So editing a section, or any project module it reaches (a derivation, a
solver, the renderers), or a data file it names, rebuilds that section and no
other that does not reach the edited module.  ``--no-cache`` forces a rebuild.

An entry is a folder ``<section>-<quick|full>-<key>`` in :func:`cache_dir`
holding ``section.json`` (the section's title, Markdown, LaTeX, figures, the
files it wrote and how long it took) and a copy of those files.  Writing an
entry removes the older entries of the same section and parameters.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from functools import cache
from importlib import metadata
from pathlib import Path

#: The report's stored measurements (package data), named by ``DATA_FILES`` in a module.
DATA_DIR = Path(__file__).resolve().parent / "data"
#: Bump when the layout of an entry changes, so old entries are never read.
KEY_VERSION = 1

_ROOTS = ("statmech", "statmech.derive", "statmech.numeric")
#: ``package.module:attribute`` in a string: a hook imported at run time.
_NAMED_MODULE = re.compile(r"((?:statmech)(?:\.[A-Za-z_]\w*)+):[A-Za-z_]\w*")
#: The report discovers its sections, but a section's output does not depend on the others.
_NOT_DISCOVERED = {"statmech.report"}


def cache_dir() -> Path:
    """``$STATMECH_CACHE_DIR/report``, else ``$XDG_CACHE_HOME/statmech/report``, else
    ``~/.cache/statmech/report``."""
    if os.environ.get("STATMECH_CACHE_DIR"):
        return Path(os.environ["STATMECH_CACHE_DIR"]) / "report"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "statmech" / "report"


@cache
def _root_paths() -> dict[str, Path]:
    """The folders of the project's top packages, found without importing them."""
    import importlib.util

    out = {"statmech": Path(importlib.util.find_spec("statmech").origin).parent}
    for name in _ROOTS[1:]:
        spec = importlib.util.find_spec(name)  # imports only ``statmech`` (lazy)
        out[name] = Path(next(iter(spec.submodule_search_locations)))
    return out


@cache
def module_file(name: str) -> Path | None:
    """The source file of project module ``name`` (a package's ``__init__.py``), or None."""
    roots = _root_paths()
    for root in sorted(roots, key=len, reverse=True):
        if name == root or name.startswith(root + "."):
            rest = name[len(root) + 1 :].split(".") if name != root else []
            base = roots[root].joinpath(*rest)
            for path in (base / "__init__.py", base.with_suffix(".py")):
                if path.is_file():
                    return path
            return None
    return None


def _import_nodes(tree):
    """The import statements of a module, also those inside functions, except in a
    module-level ``__getattr__`` (a package's lazy attributes: they run only when used,
    and a use imports them by name)."""
    for top in tree.body:
        if isinstance(top, ast.FunctionDef) and top.name == "__getattr__":
            continue
        for node in ast.walk(top):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                yield node


@cache
def _imports(name: str, path: Path) -> frozenset[str]:
    """Project modules named by the imports in ``path`` (module ``name``)."""
    source = path.read_text()
    tree = ast.parse(source, filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _import_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                mod = f"{base}.{node.module}" if node.module else base
            else:
                mod = node.module or ""
            found.add(mod)
            found.update(f"{mod}.{a.name}" for a in node.names)  # submodules imported by name
    # modules named in strings ("statmech.numeric.ising_exact:CHAIN_ROUTE", hooks a model
    # names and a provider imports at run time)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            m = _NAMED_MODULE.fullmatch(node.value)
            if m:
                found.add(m.group(1))
    out = set()
    for mod in found:
        parts = mod.split(".")
        # importing a.b.c runs a/__init__ and a/b/__init__ too
        for k in range(1, len(parts) + 1):
            sub = ".".join(parts[:k])
            if module_file(sub) is not None:
                out.add(sub)
    # a module that discovers the modules of a package it imports (a registry) runs them all
    if name not in _NOT_DISCOVERED and ("iter_modules" in source or "walk_packages" in source):
        for mod in list(out):
            path = module_file(mod)
            listed = f"{mod.rpartition('.')[2]}.__path__" in source
            if listed and path is not None and path.name == "__init__.py":
                out.update(_package_modules(mod, path.parent))
    return frozenset(out)


def _package_modules(name: str, folder: Path) -> set[str]:
    out = set()
    for path in folder.rglob("*.py"):
        rel = path.relative_to(folder).with_suffix("").parts
        if rel[-1] == "__init__":
            rel = rel[:-1]
        out.add(".".join((name, *rel)))
    return out


def module_closure(name: str) -> dict[str, Path]:
    """Every project module that importing ``name`` can run, with its file."""
    seen: dict[str, Path] = {}
    todo = [name]
    while todo:
        mod = todo.pop()
        if mod in seen:
            continue
        path = module_file(mod)
        if path is None:
            continue
        seen[mod] = path
        todo.extend(_imports(mod, path) - seen.keys())
    return seen


def _versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0]}
    for dist in ("statmech", "numpy", "scipy", "sympy", "matplotlib"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "-"
    return out


@cache
def data_files(path: Path) -> tuple[str, ...]:
    """The names in the module's literal ``DATA_FILES = (...)``, if it has one (read once
    per process, as the imports are: every section's key reads the same modules)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "DATA_FILES" for t in targets):
                return tuple(ast.literal_eval(node.value))
    return ()


def section_key(module_name: str, quick: bool) -> str:
    """The cache key of section module ``module_name`` (a full dotted name)."""
    h = hashlib.sha256()
    h.update(json.dumps([KEY_VERSION, module_name, bool(quick), _versions()]).encode())
    for mod, path in sorted(module_closure(module_name).items()):
        h.update(f"\0{mod}\0".encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
        for name in data_files(path):
            data = DATA_DIR / name
            h.update(f"\0{name}\0".encode())
            h.update(hashlib.sha256(data.read_bytes()).digest() if data.exists() else b"-")
    return h.hexdigest()


def _entry_prefix(name: str, quick: bool) -> str:
    return f"{name}-{'quick' if quick else 'full'}-"


def load(name: str, quick: bool, key: str, figures: Path):
    """The cached ``(section_fields, files, seconds)`` for this key, with its files copied
    into the folder ``figures``; None when there is no complete entry."""
    entry = cache_dir() / (_entry_prefix(name, quick) + key[:32])
    try:
        meta = json.loads((entry / "section.json").read_text())
    except (OSError, ValueError):
        return None
    if meta.get("key") != key:
        return None
    stored = entry / "files"
    if not all((stored / f).is_file() for f in meta["files"]):
        return None
    if meta["files"]:
        figures.mkdir(parents=True, exist_ok=True)
    for f in meta["files"]:
        shutil.copy2(stored / f, figures / f)  # keeps the time it was drawn
    return meta["section"], meta["files"], meta["seconds"]


def store(name: str, quick: bool, key: str, section: dict, files, figures: Path, seconds):
    """Write an entry (atomically) and remove the older entries of this section."""
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    prefix = _entry_prefix(name, quick)
    entry = root / (prefix + key[:32])
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        (tmp / "files").mkdir()
        for f in files:
            shutil.copy2(figures / f, tmp / "files" / f)
        meta = {"key": key, "section": section, "files": list(files), "seconds": seconds}
        (tmp / "section.json").write_text(json.dumps(meta))
        shutil.rmtree(entry, ignore_errors=True)
        os.replace(tmp, entry)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for old in root.glob(prefix + "*"):
        if old != entry and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def _timings_file() -> Path:
    return cache_dir() / "timings.json"


def timings() -> dict[str, float]:
    """Seconds each section took when last built, ``{"<name>:<quick|full>": s}``."""
    try:
        return json.loads(_timings_file().read_text())
    except (OSError, ValueError):
        return {}


def record_timings(new: dict[str, float]) -> None:
    """Merge ``new`` into :func:`timings` (best effort: a cache that cannot be written is
    only slower next time)."""
    try:
        data = timings()
        data.update(new)
        _timings_file().parent.mkdir(parents=True, exist_ok=True)
        tmp = _timings_file().with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
        os.replace(tmp, _timings_file())
    except OSError:
        pass

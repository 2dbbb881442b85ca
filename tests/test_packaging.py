"""The distribution installs one namespace: ``statmech``, with ``derive/`` and
``numeric/`` mapped under it (``statmech.derive``, ``statmech.numeric``)."""

import subprocess
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]
TOP = {"statmech": "statmech", "derive": "statmech.derive", "numeric": "statmech.numeric"}


def _package_folders():
    for top, dotted in TOP.items():
        for init in sorted((ROOT / top).rglob("__init__.py")):
            rel = init.parent.relative_to(ROOT / top).parts
            yield ".".join((dotted, *rel))


def test_every_package_folder_is_installed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert set(config["packages"]) == set(_package_folders())
    assert config["package-dir"] == {v: k for k, v in TOP.items()}


def test_no_top_level_derive_or_numeric(tmp_path):
    """Outside the repository, only the statmech namespace is importable."""
    code = (
        "import importlib.util, statmech.derive, statmech.numeric;"
        "print(importlib.util.find_spec('derive'), importlib.util.find_spec('numeric'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["None", "None"]


def test_every_data_file_a_module_reads_is_package_data():
    """The report's stored study and the digits ship with the package, not only the checkout."""
    from fnmatch import fnmatch

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    data = config["package-data"]
    for path in [
        *(ROOT / "statmech" / "report" / "data").glob("*"),
        ROOT / "numeric/rbm/digits.npz",
    ]:
        package = "statmech.report" if "report" in path.parts else "statmech.numeric.rbm"
        folder = ROOT / ("statmech/report" if package == "statmech.report" else "numeric/rbm")
        rel = path.relative_to(folder).as_posix()
        assert any(fnmatch(rel, pattern) for pattern in data[package]), rel

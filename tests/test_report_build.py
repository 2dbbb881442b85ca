"""The report's build machinery: the section cache, parallel builds, figure data."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from statmech.report import build_report, cache, runner

FAST = ["s10_maximum_entropy", "s30_ising_chain"]


@pytest.fixture
def cache_root(tmp_path, monkeypatch):
    monkeypatch.setenv("STATMECH_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "report"


def _fake_project(root: Path):
    """A tiny tree shaped like the project, for the key's import closure."""
    files = {
        "statmech/__init__.py": "def __getattr__(name):\n    from . import api\n",
        "statmech/api.py": "",
        "statmech/report/__init__.py": "",
        "statmech/report/sections/__init__.py": "",
        "statmech/report/sections/s99.py": (
            "from .. import Section\ndef build(ctx):\n    from statmech.derive.a import f\n"
        ),
        "derive/__init__.py": "from .registry import all_models\n",
        "derive/registry.py": (
            "import pkgutil\nfrom . import models\n"
            "def all_models():\n    return list(pkgutil.iter_modules(models.__path__))\n"
        ),
        "derive/models/__init__.py": "",
        "derive/models/m1.py": "HOOK = 'statmech.numeric.hooked:ROUTE'\n",
        "derive/a.py": "def f():\n    return 1\n",
        "derive/b.py": "def g():\n    return 2\n",
        "numeric/__init__.py": "",
        "numeric/hooked.py": "ROUTE = 1\n",
        "numeric/unused.py": "",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return {
        "statmech": root / "statmech",
        "statmech.derive": root / "derive",
        "statmech.numeric": root / "numeric",
    }


@pytest.fixture
def fake_project(tmp_path, monkeypatch):
    roots = _fake_project(tmp_path / "src")
    for f in (cache._root_paths, cache.module_file, cache._imports):
        f.cache_clear()
    monkeypatch.setattr(cache, "_root_paths", lambda: roots)
    yield roots
    for f in (cache.module_file, cache._imports):
        f.cache_clear()


def test_key_covers_the_modules_a_section_reaches_and_no_others(fake_project):
    name = "statmech.report.sections.s99"
    closure = set(cache.module_closure(name))
    # imports inside functions, package __init__s, registries that list a package's
    # modules, and hooks named in strings are reached; a lazy __getattr__ is not
    assert {"statmech.derive.a", "statmech.derive", "statmech.derive.models.m1"} <= closure
    assert "statmech.numeric.hooked" in closure
    assert {"statmech.derive.b", "statmech.numeric.unused", "statmech.api"}.isdisjoint(closure)
    key = cache.section_key(name, quick=False)
    assert cache.section_key(name, quick=True) != key
    cache._imports.cache_clear()
    (fake_project["statmech.derive"] / "b.py").write_text("def g():\n    return 3\n")
    assert cache.section_key(name, quick=False) == key  # not reached: same key
    (fake_project["statmech.derive"] / "a.py").write_text("def f():\n    return 2\n")
    assert cache.section_key(name, quick=False) != key


def test_real_sections_reach_their_own_modules():
    s10 = cache.module_closure("statmech.report.sections.s10_maximum_entropy")
    assert "statmech.derive.maxent" in s10 and "statmech.derive.render" in s10
    assert "statmech.report.sections.s30_ising_chain" not in s10
    s30 = cache.module_closure("statmech.report.sections.s30_ising_chain")
    assert "statmech.numeric.ising_chain" in s30


def test_unchanged_sections_come_from_the_cache(tmp_path, cache_root):
    out = tmp_path / "a"
    first = build_report(out, quick=True, only=FAST, cache=True)
    assert first["cached"] == []
    md = (out / "report.md").read_text()
    png = (out / "figures" / "ising_chain_magnetization.png").read_bytes()
    # a second folder, from the cache alone: same text, same figures and data
    out2 = tmp_path / "b"
    second = build_report(out2, quick=True, only=FAST, cache=True)
    assert sorted(second["cached"]) == sorted(FAST)
    assert (out2 / "report.md").read_text() == md
    assert (out2 / "figures" / "ising_chain_magnetization.png").read_bytes() == png
    assert (out2 / "figures" / "ising_chain_magnetization.npz").is_file()
    # the full build is another entry; no cache means built again
    assert build_report(out2, quick=True, only=FAST, cache=False)["cached"] == []
    assert len(list(cache_root.glob("s30_ising_chain-quick-*"))) == 1


def test_parallel_build_writes_the_same_report(tmp_path):
    serial = build_report(tmp_path / "one", quick=True, only=FAST, jobs=1)
    parallel = build_report(tmp_path / "two", quick=True, only=FAST, jobs=2)
    assert set(parallel["seconds"]) == set(serial["seconds"]) == set(FAST)
    assert (tmp_path / "one/report.md").read_text() == (tmp_path / "two/report.md").read_text()
    assert (tmp_path / "one/report.tex").read_text() == (tmp_path / "two/report.tex").read_text()


def test_two_sections_writing_one_file_are_refused(tmp_path, monkeypatch):
    from statmech.report import Section

    def fake(name, out, quick):
        (Path(out) / "figures").mkdir(parents=True, exist_ok=True)
        return Section(name, "", ""), ["same.png"], 0.0

    monkeypatch.setattr(runner, "build_one", fake)
    with pytest.raises(RuntimeError, match="both write figures/same.png"):
        runner.build_sections(FAST, tmp_path)


def test_figure_data_is_what_is_plotted_with_its_command(tmp_path):
    from statmech.numeric.ising_chain import chain_thermodynamics

    build_report(tmp_path, quick=True, only=["s30_ising_chain"])
    figures = tmp_path / "figures"
    meta = json.loads((figures / "ising_chain_magnetization.json").read_text())
    assert meta["command"] == "statmech report --only s30_ising_chain --quick"
    assert meta["figure"] == "ising_chain_magnetization.png"
    data = np.load(figures / meta["data"])
    h, m = data["ax0_line0_x"], data["ax0_line0_y"]
    assert meta["arrays"]["ax0_line0_y"]["label"] == "T = 0.5 J"
    assert meta["axes"][0]["xlabel"] == "h / J"
    expected = chain_thermodynamics(None, 0.5, 1.0, h)["magnetization"]
    np.testing.assert_allclose(m, expected, rtol=1e-12)


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no pdflatex")
def test_latex_leftovers_are_not_left_in_the_output(tmp_path):
    res = build_report(tmp_path, quick=True, only=["s10_maximum_entropy"])
    assert Path(res["pdf"]).is_file()
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {"report.md", "report.tex", "report.pdf"}, left


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no pdflatex")
def test_the_pdf_is_typeset_again_only_when_something_changed(tmp_path, cache_root):
    pdf = tmp_path / "report.pdf"
    build_report(tmp_path, quick=True, only=FAST, cache=True)
    made = pdf.stat().st_mtime_ns
    assert sorted(build_report(tmp_path, quick=True, only=FAST, cache=True)["cached"]) == FAST
    assert pdf.stat().st_mtime_ns == made  # same LaTeX, same figures: not typeset again
    for entry in cache_root.glob("s30_ising_chain-*"):
        shutil.rmtree(entry)  # as if the section had changed: its figure is drawn again
    assert build_report(tmp_path, quick=True, only=FAST, cache=True)["cached"] == [FAST[0]]
    assert pdf.stat().st_mtime_ns > made


def test_report_jobs_below_one_is_refused_in_one_line(capsys, tmp_path):
    from statmech.cli import main

    assert main(["report", "--out", str(tmp_path), "--jobs", "0", "--only", FAST[0]]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--jobs 0" in err
    assert not (tmp_path / "report.md").exists()


def test_report_command_says_what_came_from_the_cache(capsys, tmp_path, cache_root):
    from statmech.cli import main

    argv = ["report", "--out", str(tmp_path), "--quick", "--only", FAST[0], "--quiet"]
    assert main(argv) == 0
    assert "unchanged" not in capsys.readouterr().out
    assert main(argv) == 0
    out = capsys.readouterr()
    assert "1 of 1 sections unchanged, from the cache" in out.out
    assert out.err == ""  # --quiet, and not a terminal anyway: no bars


def test_cache_key_follows_the_stored_data_a_section_names(tmp_path, monkeypatch):
    """Stored measurements named in DATA_FILES are part of the key: a new study file
    rebuilds the section that draws it, and no other."""
    from statmech.report import cache
    from statmech.report.sections import _spin_glass_figures as figs

    assert "ea3d_binder_L8.npz" in cache.data_files(Path(figs.__file__))
    monkeypatch.setattr(cache, "DATA_DIR", tmp_path)
    name = "statmech.report.sections.s62_spin_glass"
    other = "statmech.report.sections.s30_ising_chain"
    keys = [(cache.section_key(name, False), cache.section_key(other, False))]
    (tmp_path / "ea3d_binder_L8.npz").write_bytes(b"one")
    keys.append((cache.section_key(name, False), cache.section_key(other, False)))
    (tmp_path / "ea3d_binder_L8.npz").write_bytes(b"two")
    keys.append((cache.section_key(name, False), cache.section_key(other, False)))
    assert len({k[0] for k in keys}) == 3 and len({k[1] for k in keys}) == 1


def test_a_quick_build_says_so_in_every_format(tmp_path):
    from statmech.report import QUICK_NOTE

    build_report(tmp_path / "q", quick=True, only=["s10_maximum_entropy"], formats=("html",))
    q = tmp_path / "q"
    assert "quick build" in (q / "report.md").read_text()
    assert "quick build" in (q / "report.tex").read_text()
    assert "quick build" in (q / "html" / "index.html").read_text()
    assert "quick build" in QUICK_NOTE
    build_report(tmp_path / "f", quick=False, only=["s10_maximum_entropy"], formats=())
    assert "quick build" not in (tmp_path / "f" / "report.md").read_text()


def test_off_a_terminal_the_report_logs_a_line_per_section(capsys, tmp_path, cache_root):
    from statmech.cli import main

    assert main(["report", "--out", str(tmp_path), "--quick", "--only", FAST[0]]) == 0
    err = capsys.readouterr().err
    assert f"statmech report: {FAST[0]}: built in" in err and "(1/1)" in err

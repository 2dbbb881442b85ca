"""The public Python API (``import statmech as sm``): the documented example runs, the
results are the command line's results (``to_dict()`` equals ``--json``), importing stays
light, and bad input is one sentence."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import statmech as sm
from statmech.cli import main

ROOT = Path(__file__).resolve().parents[1]


def cli_json(capsys, *argv):
    code = main([*map(str, argv), "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


# -- the documentation runs ---------------------------------------------------------------


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", path.read_text(), flags=re.S | re.M)


def test_docs_api_example_runs(monkeypatch, capsys):
    """Every Python block of docs/api.md, in order, in one namespace (its asserts check
    the numbers it shows)."""
    monkeypatch.chdir(ROOT)
    blocks = python_blocks(ROOT / "docs" / "api.md")
    assert len(blocks) >= 8
    namespace: dict = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"docs/api.md, python block {i + 1}", "exec"), namespace)
    out = capsys.readouterr().out
    assert "2*J/log(1 + sqrt(2))" in out and "-1.745564575312553964552349668625594182688" in out


def test_quickstart_example_runs():
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=300,
    ).stdout
    assert "validation passed: True" in out


def test_the_one_line_check_prints_true():
    code = "import statmech as sm; print(sm.validate('ising2d', L=4, T=2.5).passed)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "True\n"


def test_importing_statmech_loads_no_numeric_library():
    code = (
        "import sys, statmech as sm; m = sm.model('ising2d'); sm.models();"
        "m.derive(); sm.load_model_file;"
        "print(','.join(k for k in ('numpy', 'scipy', 'matplotlib', 'cupy') if k in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_statmech_derive_is_still_the_subpackage():
    import statmech.derive

    assert sm.derive is statmech.derive and callable(sm.derive.get_model)
    assert "exact" in dir(sm) and "validate" in sm.__all__
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        sm.nothing  # noqa: B018


# -- one surface: the API's results are the command line's --------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["ising2d", "L=4", "T=2.5"],
        ["ising2d", "T=2.0"],
        ["ising2d", "L=3", "T=2.0", "h=0.3"],
        ["ising1d", "N=10", "T=1", "h=0.1"],
        ["ising1d", "T=1", "h=0.1"],
        ["curie-weiss", "N=10", "T=1.2"],
    ],
)
def test_exact_is_the_cli(capsys, argv):
    params = {k: float(v) for k, v in (a.split("=") for a in argv[1:])}
    for size in ("L", "N"):
        if size in params:
            params[size] = int(params[size])
    code, data = cli_json(capsys, "exact", *argv)
    assert code == 0
    assert sm.exact(argv[0], **params).to_dict() == data


def test_open_chain_is_the_cli(capsys):
    _, data = cli_json(capsys, "exact", "ising1d", "N=6", "T=1", "--open")
    r = sm.exact("ising1d", N=6, T=1.0, boundary="open")
    assert r.to_dict() == data and r.system == "open chain of 6 spins"


def test_solve_is_the_cli(capsys):
    _, data = cli_json(capsys, "solve", "curie-weiss", "T=0.8", "h=0.01")
    assert sm.solve("curie-weiss", T=0.8, h=0.01).to_dict() == data
    _, data = cli_json(capsys, "solve", "bethe", "T=2", "z=1")
    s = sm.solve("bethe", T=2.0, z=1)
    assert s.to_dict() == data and s.T_c is None and "T_c" in data


def test_solve_precision_is_the_cli(capsys):
    _, data = cli_json(capsys, "solve", "curie-weiss", "T=0.8", "--precision", "25")
    assert sm.solve("curie-weiss", T=0.8, precision=25).to_dict() == data


def test_simulate_is_the_cli(capsys):
    argv = ["ising2d", "L=4", "T=2.5", "--sweeps", "300", "--replicas", "4", "--seed", "7"]
    _, data = cli_json(capsys, "simulate", *argv)
    res = sm.simulate("ising2d", L=4, T=2.5, sweeps=300, replicas=4, seed=7)
    mine = json.loads(json.dumps(res.to_dict()))
    for timing in ("elapsed_seconds", "flips_per_ns"):
        mine.pop(timing), data.pop(timing)
    assert mine == data


def test_validate_is_the_cli(capsys):
    argv = ["ising1d", "N=8", "T=1:2:2", "--sweeps", "500", "--replicas", "4"]
    code, data = cli_json(capsys, "validate", *argv)
    v = sm.validate("ising1d", N=8, T=[1.0, 2.0], sweeps=500, replicas=4)
    assert v.to_dict() == data and (code == 0) == v.passed
    assert [c.rows[0].at for c in v.comparisons] == [{"T": 1.0}, {"T": 2.0}]
    assert v.rows[0]["T"] == 1.0 and "binder" in {r["quantity"] for r in v.rows}


def test_warnings_name_keyword_arguments_and_the_cli_its_flags(capsys):
    # no thermalisation at all: every slow quantity advises a longer run
    kw = dict(L=8, T=2.3, sweeps=400, replicas=4, thermalize=0, seed=1)
    res = sm.simulate("ising2d", **kw)
    advice = [w for w in res.warnings if "thermalisation sweeps are fewer" in w]
    assert advice and all(w.endswith("give more sweeps=... or thermalize=...") for w in advice)
    assert not [w for w in res.warnings if "--" in w]
    flags = sm.simulate("ising2d", **kw, spelling="flag").warnings
    assert flags == [
        w.replace("sweeps=...", "--sweeps").replace("thermalize=...", "--thermalize")
        for w in res.warnings
    ]
    argv = ["ising2d", "L=8", "T=2.3", "--sweeps", "400", "--replicas", "4", "--thermalize", "0"]
    assert main(["simulate", *argv]) == 0
    err = capsys.readouterr().err
    assert err.count("give more --sweeps or --thermalize") == len(advice)
    assert "thermalize=" not in err
    with pytest.raises(sm.UserError, match="spelling must be one of keyword, flag"):
        sm.simulate("ising2d", **kw, spelling="flags")


def test_a_drifting_run_advises_the_option_as_the_caller_spells_it():
    import numpy as np
    from statmech.numeric.observables import run_checks

    e = -1.0 - 0.5 * np.linspace(0.0, 1.0, 400)[None, :] + np.zeros((8, 1))  # still falling
    e = e + 0.01 * np.random.default_rng(1).standard_normal(e.shape)
    m = np.full_like(e, 0.5)
    (api,) = [w for w in run_checks(e, m, 2.0) if "still drifting" in w]
    (cli,) = [w for w in run_checks(e, m, 2.0, "flag") if "still drifting" in w]
    assert api.endswith("give more thermalize=... (or sweeps=...)")
    assert cli.endswith("give more --thermalize (or --sweeps)")


def test_models_are_the_cli(capsys):
    code, data = cli_json(capsys, "models")
    assert [m.to_dict() for m in sm.models()] == data["models"]


def test_derive_is_the_cli(capsys):
    code = main(["derive", "ising1d", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    d = sm.model("ising1d").derive()
    assert code == 0 and d.to_dict() == data
    assert d.render("markdown") == d._repr_markdown_()
    latex = d._repr_latex_()
    assert latex.startswith("$$\\begin{aligned}") and latex.endswith("\\end{aligned}$$")
    assert latex.count("&=") == sum(len(x.steps) for x in d.derivations)


# -- handles, params and refusals ----------------------------------------------------------


def test_a_handle_a_model_and_a_name_are_the_same():
    from statmech.derive import get_model

    h = sm.model("ising2d")
    assert h.definition is get_model("ising2d") and h.title == get_model("ising2d").title
    a = sm.exact(h, L=4, T=2.5).to_dict()
    assert a == sm.exact(get_model("ising2d"), L=4, T=2.5).to_dict()
    assert a == sm.exact("ising2d", params={"L": 4, "T": 2.5}).to_dict()
    assert a == h.exact(L=4, T=2.5).to_dict()
    assert "| L | 16 | linear size |" in h._repr_markdown_()


def test_integers_are_integers_and_floats_floats():
    r = sm.exact("ising2d", L=4.0, T=2)
    assert r.parameters == {"T": 2.0, "J": 1.0, "h": 0.0, "L": 4}
    assert isinstance(r.parameters["L"], int) and isinstance(r.parameters["T"], float)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sm.exact("ising2d", T=-1), "temperature must be positive, got T=-1.0"),
        (lambda: sm.exact("ising2d", T=2, K=1), "model 'ising2d' has no parameter 'K'"),
        (lambda: sm.exact("ising2d", L=4.5, T=2), "L must be an integer, got L=4.5"),
        (lambda: sm.exact("ising2d", L=1, T=2), "L must be at least 2, got L=1"),
        (lambda: sm.exact("ising2d", T=[1, 2]), "give one value for T"),
        (lambda: sm.exact("ising2d", T="hot"), "T must be a number, got T='hot'"),
        (lambda: sm.exact("ising2d", L=16, T=2, h=0.1), "solved exactly only at h=0"),
        (lambda: sm.exact("ising3d", T=4), "'ising3d' has no exact solution here"),
        (lambda: sm.exact("ising2d", T=2, boundary="open"), "not open"),
        (lambda: sm.exact("ising2d", T=2, params={"T": 3}), "T is given twice"),
        (lambda: sm.model("isign2d"), "did you mean ising2d"),
        (lambda: sm.solve("two-level", T=1), "'two-level' has no mean-field equations"),
        (lambda: sm.simulate("ising2d", L=4, T=2, sweeps=0), "sweeps must be positive, got 0"),
        (lambda: sm.validate("ising3d", L=4, T=4), "covers at most 20 spins"),
        (lambda: sm.validate("ising2d", L=4, T=2, max_z=0), "max_z must be positive"),
        (lambda: sm.model(), "give a model name"),
    ],
)
def test_bad_input_is_one_sentence(call, message):
    with pytest.raises(sm.UserError) as info:
        call()
    text = str(info.value)
    assert message in text and "\n" not in text


def test_the_infinite_system_needs_a_route():
    r = sm.exact("ising3d", L=2, T=4.0)  # 8 spins: summed, not refused
    assert r.source == "exact enumeration" and r.system.startswith("2 x 2 x 2 units")
    with pytest.raises(sm.UserError, match="summed over its configurations in float64"):
        sm.exact("ising3d", L=2, T=4.0, precision=20)

"""One call on a machine with a GPU: tests, validation, kernel and end-to-end throughput.

    benchmarks/gpu_check.sh [--dry-run] [--budget SECONDS]

Steps, each a subprocess with a time limit, its output in ``$OUT/<step>.log``:

1. ``tests``: the GPU-marked tests (all must run: skipped ones count as a failure),
   then the CuPy-name check and the CUDA-source tests;
2. ``throughput``: the CUDA kernel beside numba on the same machine's CPU, one
   process per case: L = 1024, 4096, 16384, 32768, batched 65536 x 16^2,
   4096 x 64^2, 256 x 256^2 (Metropolis near T_c), and the cubic lattice at L = 256;
3. ``cli``: ``statmech simulate ... --backend cupy`` at L = 4096 and 16384
   (16 replicas) and on the cubic lattice, with the run loop's flips/ns
   (sweeps done / sampling time, measurements included) beside the kernel's;
4. ``validate``: ``statmech validate ... --backend cupy`` for ising2d, ising1d and
   curie-weiss.

Writes ``gpu_check_summary.json`` and ``gpu_check_summary.md`` (the tables) into
``$OUT`` (default ``./gpu_check_out``) and prints the tables.  The exit status is
1 when any step failed (a test, a validation, a CUDA error, a time limit), 2 when
there is no GPU; ``--dry-run`` runs the same plumbing on the CPU at small sizes
(NumPy backend) to check the script itself.  ``--budget`` (default 540 s) bounds
the whole call: a step that no longer fits is not run and counts as failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = os.environ.get("PYTHON", sys.executable)
T_C = 2.0 / __import__("math").log(1.0 + 2.0**0.5)
T_C3 = 4.5115  # simple cubic lattice, Monte Carlo estimate (quoted: Ferrenberg et al. 2018)

# (name, throughput.py arguments); one process each, so a crash or a time limit
# costs one row
THROUGHPUT = [
    ("L1024", ["--sizes", "1024", "--cubic"]),
    ("L4096", ["--sizes", "4096", "--cubic"]),
    ("L16384", ["--sizes", "16384", "--cubic"]),
    ("L32768", ["--sizes", "32768", "--cubic"]),
    ("batched_16x65536", ["--sizes", "--cubic", "--batched", "16", "65536"]),
    ("batched_64x4096", ["--sizes", "--cubic", "--batched", "64", "4096"]),
    ("batched_256x256", ["--sizes", "--cubic", "--batched", "256", "256"]),
    ("cubic_L256", ["--sizes", "--cubic", "256"]),
]
THROUGHPUT_DRY = [
    ("L64", ["--sizes", "64", "--cubic"]),
    ("batched_16x64", ["--sizes", "--cubic", "--batched", "16", "64"]),
    ("cubic_L16", ["--sizes", "--cubic", "16"]),
]
# (name, model, parameters, options, time limit in s).  The CLI cases are sized to
# finish even while the run loop measures on the host every sweep (16 replicas of
# 16384^2 did not finish in 60 s), so that the table has a figure to compare.
CLI = [
    ("ising2d_L4096", "ising2d", ["L=4096", f"T={T_C:.6f}"], ["--sweeps", "300"], 75),
    (
        "ising2d_L16384",
        "ising2d",
        ["L=16384", f"T={T_C:.6f}"],
        ["--sweeps", "200", "--replicas", "1"],
        75,
    ),
    ("ising3d_L128", "ising3d", ["L=128", f"T={T_C3}"], ["--sweeps", "200", "--replicas", "1"], 60),
]
CLI_DRY = [("ising2d_L64", "ising2d", ["L=64", f"T={T_C:.6f}"], ["--sweeps", "50"], 60)]
VALIDATE = [
    ("ising2d_L32", "ising2d", ["L=32", "T=2.4"], ["--sweeps", "20000", "--replicas", "64"], 60),
    ("ising1d", "ising1d", [], [], 40),
    ("curie-weiss", "curie-weiss", [], [], 40),
]
VALIDATE_DRY = [("ising2d_L8", "ising2d", ["L=8", "T=2.4"], ["--sweeps", "300"], 60)]
TIME_LIMIT = {"tests": 150, "throughput": 90}


class Check:
    def __init__(self, out: Path, budget: float, dry_run: bool):
        self.out, self.dry_run = out, dry_run
        self.deadline = time.monotonic() + budget
        self.steps: list[dict] = []
        self.log = open(out / "gpu_check.log", "a", encoding="utf-8")

    def say(self, text: str) -> None:
        print(text, flush=True)
        self.log.write(text + "\n")
        self.log.flush()

    def run(self, name: str, cmd: list[str], limit: float, stdout_file: Path | None = None):
        """Run one step; record its exit status and time; True when it succeeded."""
        left = self.deadline - time.monotonic() - 5
        step = {"step": name, "command": " ".join(cmd), "log": f"{name}.log"}
        self.steps.append(step)
        if left < 10:
            step.update(status="not run (out of time)", ok=False, seconds=0.0)
            self.say(f"== {name}: NOT RUN, the time budget is spent")
            return False
        limit = min(limit, left)
        self.say(f"== {name} (limit {limit:.0f} s): {step['command']}")
        t0 = time.monotonic()
        with open(self.out / f"{name}.log", "w", encoding="utf-8") as log:
            out = open(stdout_file, "w", encoding="utf-8") if stdout_file else log
            proc = subprocess.Popen(
                cmd, cwd=ROOT, stdout=out, stderr=log, start_new_session=True, text=True
            )
            try:
                rc = proc.wait(timeout=limit)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # the step and whatever it started
                proc.wait()
                rc = None
            finally:
                if stdout_file:
                    out.close()
        step["seconds"] = round(time.monotonic() - t0, 1)
        step["ok"] = rc == 0
        step["status"] = f"time limit {limit:.0f} s" if rc is None else f"exit status {rc}"
        self.say(f"   {'ok' if rc == 0 else 'FAILED'}: {step['status']}, {step['seconds']} s")
        if rc != 0:
            tail = (self.out / f"{name}.log").read_text(errors="replace").splitlines()[-8:]
            for line in tail:
                self.say(f"   | {line}")
        return rc == 0

    def fail(self, name: str, reason: str) -> None:
        for step in self.steps:
            if step["step"] == name:
                step.update(ok=False, status=reason)
        self.say(f"   FAILED: {name}: {reason}")


def device_info() -> dict:
    """The card, CuPy and CUDA versions (or why there is no usable GPU)."""
    code = r"""
import json
from statmech.numeric import backend
info = {"numeric_module": backend.__file__}
try:
    cp = backend.get_backend("cupy")
except backend.BackendUnavailable as exc:
    info.update(gpu=False, reason=str(exc))
else:
    p = cp.cuda.runtime.getDeviceProperties(cp.cuda.Device().id)
    name = p["name"].decode() if isinstance(p["name"], bytes) else p["name"]
    info.update(
        gpu=True, card=name, multiprocessors=p["multiProcessorCount"],
        memory_gib=round(p["totalGlobalMem"] / 2**30, 1), cupy=cp.__version__,
        cuda_runtime=cp.cuda.runtime.runtimeGetVersion(),
        cuda_driver=cp.cuda.runtime.driverGetVersion(),
    )
print(json.dumps(info))
"""
    r = subprocess.run([PY, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        lines = (r.stderr.strip() or "no output").splitlines()
        return {"gpu": False, "reason": f"statmech does not import: {lines[-1]}"}
    return json.loads(r.stdout)


def junit_counts(path: Path) -> dict:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return {}
    suites = [root] if root.tag == "testsuite" else list(root)
    keys = ("tests", "failures", "errors", "skipped")
    return {k: sum(int(s.get(k, 0)) for s in suites) for k in keys}


def load_json(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def step_tests(c: Check, summary: dict) -> None:
    xml = c.out / "tests_gpu.xml"
    cmd = [PY, "-m", "pytest", "-q", "-rfEs", "-p", "no:cacheprovider", "-m", "gpu", "tests"]
    ok = c.run("tests_gpu", [*cmd, f"--junitxml={xml}"], TIME_LIMIT["tests"])
    counts = junit_counts(xml)
    summary["tests_gpu"] = counts
    if ok and not c.dry_run and (not counts.get("tests") or counts.get("skipped")):
        c.fail("tests_gpu", f"GPU-marked tests skipped on a GPU machine: {counts}")
    xml = c.out / "tests_cuda.xml"
    files = ["tests/test_cupy_names.py", "tests/test_fast_cuda.py"]
    cmd = [PY, "-m", "pytest", "-q", "-rfEs", "-p", "no:cacheprovider", *files]
    c.run("tests_cuda", [*cmd, f"--junitxml={xml}"], TIME_LIMIT["tests"])
    summary["tests_cuda"] = junit_counts(xml)


def step_throughput(c: Check, summary: dict, backends: list[str]) -> None:
    rows = []
    for name, args in THROUGHPUT_DRY if c.dry_run else THROUGHPUT:
        out = c.out / f"throughput_{name}.json"
        cmd = [PY, "benchmarks/throughput.py", "--json", "--backend", *backends, *args]
        cmd += ["--algorithms", "metropolis", "--seconds", "0.2"]
        cmd += ["--reference-max-sites", str(1 << 22)]
        ok = c.run(f"throughput_{name}", cmd, TIME_LIMIT["throughput"], stdout_file=out)
        d = load_json(out) or {}
        rows += d.get("rows", [])
        summary.setdefault("machine", d.get("machine"))
        if ok and backends[-1] not in {r["backend"] for r in d.get("rows", [])}:
            c.fail(f"throughput_{name}", f"no {backends[-1]} row")
    summary["throughput"] = rows


def step_statmech(c: Check, key: str, command: str, cases, backend: str) -> list[dict]:
    """``statmech COMMAND ... --backend BACKEND --json`` for each case (steps ``KEY_case``)."""
    results = []
    for name, model, params, opts, limit in cases:
        out = c.out / f"{key}_{name}.json"
        cmd = [PY, "-m", "statmech", command, model, *params, *opts]
        cmd += ["--backend", backend, "--json"]
        ok = c.run(f"{key}_{name}", cmd, limit, stdout_file=out)
        d = load_json(out)
        results.append({"case": name, "model": model, "ok": ok, "result": d})
        if command == "validate" and ok and not (d or {}).get("passed"):
            c.fail(f"{key}_{name}", "validation did not pass")
    return results


def cli_rates(summary: dict) -> list[dict]:
    """The run loop's flips/ns beside the kernel's at the same L (one replica)."""
    kernel = {
        (r["shape"][0], r["backend"]): r["flips_per_ns"]
        for r in summary.get("throughput", [])
        if r["replicas"] == 1 and r["model"] == "ising2d"
    }
    rows = []
    for case in summary.get("cli", []):
        d = case["result"]
        if not d:
            rows.append({"case": case["case"], "finished": False})
            continue
        L = int(d["parameters"]["L"])
        sites = L ** (3 if case["model"] == "ising3d" else 2)
        done = d["replicas"] * (d["sweeps"] + d["thermalization_sweeps"]) * sites
        loop = done / d["elapsed_seconds"] / 1e9 if d["elapsed_seconds"] else None
        k = kernel.get((L, d["backend"])) if case["model"] == "ising2d" else None
        rows.append(
            {
                "case": case["case"],
                "L": L,
                "finished": True,
                "sampler": d.get("sampler"),
                "replicas": d["replicas"],
                "sweeps": d["sweeps"] + d["thermalization_sweeps"],
                "sampling_seconds": d["elapsed_seconds"],
                "step_flips_per_ns": d["flips_per_ns"],
                "loop_flips_per_ns": loop,
                "kernel_flips_per_ns": k,
                "loop_over_kernel": loop / k if loop and k else None,
            }
        )
    return rows


def fmt(x, spec=".3g") -> str:
    if x is None:
        return "-"
    return format(x, spec) if isinstance(x, (int, float)) and not isinstance(x, bool) else str(x)


def markdown(summary: dict, steps: list[dict]) -> str:
    dev = summary["device"]
    lines = [
        f"# gpu_check {summary['date']}{'  (DRY RUN, CPU only)' if summary['dry_run'] else ''}"
    ]
    card = dev.get("card", "no GPU")
    lines += [
        f"\nDevice: {card}; CuPy {dev.get('cupy', '-')}, CUDA runtime "
        f"{dev.get('cuda_runtime', '-')}, driver {dev.get('cuda_driver', '-')}."
    ]
    m = summary.get("machine") or {}
    lines += [
        f"CPU: {m.get('cpu')} ({m.get('cores')} cores, numba threads {m.get('numba_threads')}).\n"
    ]
    lines += ["| step | status | seconds |", "|---|---|---|"]
    lines += [
        f"| {s['step']} | {'ok' if s['ok'] else 'FAILED: ' + s['status']} | {s.get('seconds', 0)} |"
        for s in steps
    ]
    for key in ("tests_gpu", "tests_cuda"):
        lines.append(f"\n{key}: {summary.get(key) or 'no report'}")
    lines += [
        "\n## Kernel throughput (Metropolis, T_c; attempted flips/ns)\n",
        "| model | L | replicas | numba (CPU) | CUDA kernel | GPU / CPU |",
        "|---|---|---|---|---|---|",
    ]
    by_case: dict = {}
    for r in summary.get("throughput", []):
        case = (r["model"], r["replicas"] > 1, r["shape"][0], r["replicas"])
        by_case.setdefault(case, {})[r["backend"]] = r["flips_per_ns"]
    for (model, _, L, R), rates in sorted(by_case.items()):
        cpu, gpu = rates.get("numpy"), rates.get("cupy")
        ratio = f"{gpu / cpu:.0f}x" if cpu and gpu else "-"
        lines.append(f"| {model} | {L} | {R} | {fmt(cpu)} | {fmt(gpu)} | {ratio} |")
    lines += [
        "\n## End to end: statmech simulate (run loop, measurements included)\n",
        "| case | sampler | replicas x sweeps | sampling s | step flips/ns | "
        "loop flips/ns | kernel flips/ns (1 replica) | loop / kernel |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in summary.get("cli_rates", []):
        if not r["finished"]:
            lines.append(f"| {r['case']} | did not finish | | | | | | |")
            continue
        lines.append(
            f"| {r['case']} | {r['sampler']} | {r['replicas']} x {r['sweeps']} | "
            f"{r['sampling_seconds']:.2f} | {fmt(r['step_flips_per_ns'])} | "
            f"{fmt(r['loop_flips_per_ns'])} | {fmt(r['kernel_flips_per_ns'])} | "
            f"{fmt(r['loop_over_kernel'], '.2f')} |"
        )
    lines += [
        f"\n## Validation (--backend {summary['backend']})\n",
        "| case | quantity | exact | simulated | error | z |",
        "|---|---|---|---|---|---|",
    ]
    for case in summary.get("validate", []):
        d = case["result"]
        if not d:
            lines.append(f"| {case['case']} | did not finish | | | | |")
            continue
        for r in d.get("rows", []):
            lines.append(
                f"| {case['case']} | {r.get('quantity')} | {fmt(r.get('exact'), '.6g')} | "
                f"{fmt(r.get('simulated'), '.6g')} | {fmt(r.get('error'), '.2g')} | "
                f"{fmt(r.get('z'), '.2f')} |"
            )
    g = summary["goals"]
    lines += ["\n## Goals (issue 12)\n"]
    lines += [f"- {k}: {fmt(v)}" for k, v in g.items()]
    return "\n".join(lines) + "\n"


def goals(summary: dict) -> dict:
    gpu = [r for r in summary.get("throughput", []) if r["backend"] == "cupy"]
    square = [r for r in gpu if r["model"] == "ising2d"]
    single = [r["flips_per_ns"] for r in square if r["replicas"] == 1 and r["shape"][0] >= 16384]
    batched = [r["flips_per_ns"] for r in square if r["replicas"] > 1]
    cubic = [r["flips_per_ns"] for r in gpu if r["model"] == "ising3d" and r["shape"][0] >= 256]
    ratios = [
        r["loop_over_kernel"]
        for r in summary.get("cli_rates", [])
        if r.get("loop_over_kernel") is not None and r["L"] >= 4096
    ]
    return {
        "one lattice, L >= 16384: best flips/ns (target 400)": max(single, default=None),
        "batched small lattices: best flips/ns (target 600)": max(batched, default=None),
        "cubic lattice, L >= 256: best flips/ns (target 100)": max(cubic, default=None),
        "CLI run loop / kernel at L >= 4096: worst (target >= 0.5)": min(ratios, default=None),
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dry-run", action="store_true", help="no GPU: exercise the script on CPU")
    p.add_argument("--budget", type=float, default=540.0, help="seconds for the whole call")
    args = p.parse_args(argv)
    out = Path(os.environ.get("OUT") or ROOT / "gpu_check_out").resolve()
    out.mkdir(parents=True, exist_ok=True)
    c = Check(out, args.budget, args.dry_run)
    date = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    c.say(f"== gpu_check {date}{' (dry run)' if args.dry_run else ''}, logs in {out}")
    smi = "not available"
    if shutil.which("nvidia-smi"):
        query = ["--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"]
        r = subprocess.run(["nvidia-smi", *query], capture_output=True, text=True, timeout=60)
        smi = r.stdout.strip() if r.returncode == 0 else f"failed: {r.stderr.strip()}"
    c.say(f"   nvidia-smi: {smi}")
    dev = device_info()
    c.say(f"   device: {json.dumps(dev)}")
    if not dev.get("gpu") and not args.dry_run:
        reason = dev.get("reason", "CuPy sees no CUDA device")
        msg = f"gpu_check: no GPU here ({reason}); pass --dry-run to exercise the script on CPU"
        print(msg, file=sys.stderr)
        c.log.write(msg + "\n")
        return 2
    checkout = str(ROOT / "numeric")
    if not str(dev.get("numeric_module", "")).startswith(checkout):
        msg = (
            f"gpu_check: statmech.numeric is imported from {dev.get('numeric_module')}, not "
            f"this checkout; run `pip install --no-deps --no-build-isolation -e .` first"
        )
        print(msg, file=sys.stderr)
        return 2
    backend = "numpy" if args.dry_run else "cupy"
    summary = {"date": date, "dry_run": args.dry_run, "backend": backend, "device": dev}
    step_tests(c, summary)
    step_throughput(c, summary, ["numpy"] if args.dry_run else ["numpy", "cupy"])
    summary["cli"] = step_statmech(c, "cli", "simulate", CLI_DRY if args.dry_run else CLI, backend)
    cases = VALIDATE_DRY if args.dry_run else VALIDATE
    summary["validate"] = step_statmech(c, "validate", "validate", cases, backend)
    summary["cli_rates"] = cli_rates(summary)
    summary["goals"] = goals(summary)
    summary["steps"] = c.steps
    failed = [s["step"] for s in c.steps if not s["ok"]]
    summary["failed"] = failed
    (out / "gpu_check_summary.json").write_text(json.dumps(summary, indent=2, default=str))
    md = markdown(summary, c.steps)
    (out / "gpu_check_summary.md").write_text(md)
    c.say("\n" + md)
    if failed:
        msg = f"gpu_check: FAILED ({len(failed)} of {len(c.steps)} steps): {', '.join(failed)}"
        c.say(msg)
        print(msg, file=sys.stderr)
        return 1
    c.say(f"gpu_check: all {len(c.steps)} steps passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

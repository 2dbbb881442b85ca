#!/usr/bin/env bash
# One call on a machine with a GPU and CuPy (under 5 minutes: at most 120 s of tests,
# 3 x 40 s of validation and 6 x 60 s of benchmark cases, typically far less):
#   1. the test suite's GPU-marked tests,
#   2. `statmech validate` for ising2d, ising1d and curie-weiss with --backend cupy,
#   3. the throughput benchmark: the CUDA kernel at L = 1024, 4096, 16384 and batched
#      replicas at small L, beside the numba kernels on the same machine's CPU,
# writing one log and a JSON summary into ${OUT:-./gpu_check_out}.
# Without a GPU every GPU step is skipped with a message and the CPU parts still run.
set -u
cd "$(dirname "$0")/.."
OUT="${OUT:-./gpu_check_out}"
mkdir -p "$OUT"
LOG="$OUT/gpu_check.log"
: > "$LOG"
PY="${PYTHON:-python3}"
log() { echo "== $*" | tee -a "$LOG"; }
run() {  # run CMD..., append output to the log, return its status
    "$@" >> "$LOG" 2>&1
}

log "gpu_check $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname)"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv >> "$LOG" 2>&1 \
    || echo "nvidia-smi: not available" >> "$LOG"
HAVE_GPU=$("$PY" -c "from statmech.numeric.backend import cupy_available; print(int(cupy_available()))" 2>>"$LOG")
HAVE_GPU=${HAVE_GPU:-0}
"$PY" - > "$OUT/device.json" 2>>"$LOG" <<'PYEOF'
import json
from statmech.numeric.backend import cupy_available
info = {"gpu": False}
if cupy_available():
    import cupy as cp  # the device description only; the project imports it via numeric.backend
    props = cp.cuda.runtime.getDeviceProperties(0)
    info = {
        "gpu": True,
        "card": props["name"].decode() if isinstance(props["name"], bytes) else props["name"],
        "multiprocessors": props["multiProcessorCount"],
        "cupy": cp.__version__,
        "cuda_runtime": cp.cuda.runtime.runtimeGetVersion(),
        "cuda_driver": cp.cuda.runtime.driverGetVersion(),
    }
print(json.dumps(info))
PYEOF
cat "$OUT/device.json" | tee -a "$LOG"

# 1. GPU-marked tests
TESTS_RC=skipped
if [ "$HAVE_GPU" = "1" ]; then
    log "GPU-marked tests"
    timeout 120 "$PY" -m pytest -q -m gpu tests -p no:cacheprovider >> "$LOG" 2>&1
    TESTS_RC=$?
    log "GPU tests exit status $TESTS_RC"
else
    log "no CuPy/GPU here: skipping the GPU-marked tests"
fi

# 2. statmech validate --backend cupy
VALIDATE_MODELS="ising2d ising1d curie-weiss"
if "$PY" -m statmech validate --help > /dev/null 2>&1; then
    for m in $VALIDATE_MODELS; do
        if [ "$HAVE_GPU" = "1" ]; then
            log "statmech validate $m --backend cupy"
            timeout 40 "$PY" -m statmech validate "$m" --backend cupy --json \
                > "$OUT/validate_$m.json" 2>> "$LOG"
            echo "validate $m exit status $?" | tee -a "$LOG"
            "$PY" -c "
import json, sys
d = json.load(open(sys.argv[1]))
f = lambda x, w: f'{x:{w}.6g}' if isinstance(x, (int, float)) else f'{x!s:>{w}}'
print(f\"{'quantity':28s} {'exact':>12s} {'simulated':>12s} {'error':>12s} {'z':>12s}\")
for r in d.get('rows', []):
    print(f\"{r.get('quantity')!s:28s}\", *(f(r.get(k), 12) for k in ('exact', 'simulated', 'error', 'z')))
print('passed:', d.get('passed'))
" "$OUT/validate_$m.json" 2>&1 | tee -a "$LOG"
        else
            log "no CuPy/GPU here: skipping statmech validate $m --backend cupy"
        fi
    done
else
    log "statmech validate is not available in this checkout: skipping the validation step"
fi

# 3. throughput: CUDA kernel beside the CPU kernels of the same machine, one case per call
if [ "$HAVE_GPU" = "1" ]; then
    BACKENDS="numpy cupy"
    CASES=("--sizes 1024" "--sizes 4096" "--sizes 16384" "--sizes --batched 16 65536" \
           "--sizes --batched 64 4096" "--sizes --batched 256 256")
else
    log "no CuPy/GPU here: CPU-only throughput at small sizes (dry run)"
    BACKENDS="numpy"
    CASES=("--sizes 256" "--sizes 1024" "--sizes --batched 16 256")
fi
THROUGHPUT_RC=0
k=0
for case in "${CASES[@]}"; do
    log "throughput $case ($BACKENDS)"
    # shellcheck disable=SC2086
    timeout 60 "$PY" benchmarks/throughput.py --json --backend $BACKENDS $case --cubic \
        --algorithms metropolis --seconds 0.3 --reference-max-sites 4194304 \
        > "$OUT/throughput_$k.json" 2>> "$LOG" || THROUGHPUT_RC=$?
    k=$((k + 1))
done
log "throughput exit status $THROUGHPUT_RC"

"$PY" - "$OUT" "$TESTS_RC" "$THROUGHPUT_RC" > "$OUT/gpu_check_summary.json" 2>>"$LOG" <<'PYEOF'
import json, pathlib, sys
out, tests_rc, thr_rc = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
def load(name):
    try:
        return json.loads((out / name).read_text())
    except (OSError, ValueError):
        return None
parts = [load(p.name) for p in sorted(out.glob("throughput_*.json"))]
parts = [p for p in parts if p]
thr = parts[0] if parts else {}
rows = [r for p in parts for r in p.get("rows", [])]
gpu_rows = [r for r in rows if r["backend"] == "cupy"]
big = [r["flips_per_ns"] for r in gpu_rows if r["shape"][0] >= 8192]
summary = {
    "device": load("device.json"),
    "gpu_tests_exit_status": tests_rc,
    "validate": {m: load(f"validate_{m}.json") for m in ("ising2d", "ising1d", "curie-weiss")},
    "throughput_exit_status": thr_rc,
    "throughput": rows,
    "machine": thr.get("machine"),
    "goals": {
        "gpu_flips_per_ns_L_ge_8192": max(big) if big else None,
        "goal_100": (max(big) >= 100) if big else None,
        "stretch_400": (max(big) >= 400) if big else None,
    },
}
print(json.dumps(summary, indent=2))
PYEOF
log "summary written to $OUT/gpu_check_summary.json"
cat "$OUT/gpu_check_summary.json" | "$PY" -c "
import json, sys
s = json.load(sys.stdin)
for r in s['throughput']:
    print(f\"{r['backend']:6s} L={r['shape'][0]:6d} R={r['replicas']:6d} {r['algorithm']:10s} \"
          f\"{r['flips_per_ns']:9.3f} flips/ns\")
print('goals:', s['goals'])
" | tee -a "$LOG"

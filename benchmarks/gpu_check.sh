#!/usr/bin/env bash
# One call on a machine with a GPU (CuPy installed, statmech installed from this
# checkout): the GPU-marked tests, the throughput of the CUDA kernel beside numba at
# L = 1024..32768 and batched, `statmech simulate --backend cupy` end to end, and
# `statmech validate --backend cupy`; logs and tables in ${OUT:-./gpu_check_out}.
#
#   benchmarks/gpu_check.sh [--dry-run] [--budget SECONDS]
#
# Exit status: 0 all steps passed, 1 a step failed (named on stderr), 2 no GPU here
# (--dry-run runs the same plumbing on the CPU at small sizes). See gpu_check.py.
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-python3}" benchmarks/gpu_check.py "$@"

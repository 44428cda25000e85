#!/usr/bin/env bash
# The GPU checks of the evaluation workers, in one run on a machine with an NVIDIA GPU.
#
#   bash benchmarks/gpu_check.sh BUNDLE
#
# BUNDLE holds what a bare GPU machine lacks and cannot download: debs/bubblewrap_*.deb (from
# `apt-get download bubblewrap`) and wheels/*.whl (pyseccomp, and for the Django side the packages of
# requirements*.txt that the machine's image does not have). Run from a checkout of the repository.
# Prints the machine's facts, runs the GPU tests (device order, the CUDA probe's refusal and acceptance,
# the cgroup limit, the GPU memory cap, onnxruntime's provider choice), then
# `benchmarks/eval_overhead.py --device cuda` on 50,000 rows. Everything it prints also goes to $OUT.
#
# Knobs for a dry run on a machine without a GPU: SKIP_INSTALL=1 (the packages are already there),
# PYTHON (default python3), BENCH_DEVICE (default cuda), BENCH_ROWS (default: the benchmark's);
# SKIP_TESTS=1 runs the benchmark alone.
set -uo pipefail

BUNDLE=$(cd "${1:?usage: gpu_check.sh BUNDLE}" && pwd)
OUT=${OUT:-/tmp/clueboard-gpu-check}
PYTHON=${PYTHON:-python3}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/gpu_check.log") 2>&1
step() { echo; echo "=== $* ($(date -u +%H:%M:%S))"; }

step "install bubblewrap and the Python packages the image lacks"
if [ "${SKIP_INSTALL:-0}" != 1 ]; then
  mkdir -p /tmp/clueboard-bwrap
  for deb in "$BUNDLE"/debs/*.deb; do dpkg -x "$deb" /tmp/clueboard-bwrap; done
  chmod -R a+rX /tmp/clueboard-bwrap
  export PATH=/tmp/clueboard-bwrap/usr/bin:$PATH
  # Into the interpreter itself: the sandboxed harness (pyseccomp) and the worker processes that the
  # tests start see that, whatever PYTHONPATH they are given.
  "$PYTHON" -m pip install -q --no-index --no-deps --no-compile "$BUNDLE"/wheels/*.whl
fi
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1

step "facts"
nvidia-smi -L || true
command -v bwrap && bwrap --version
"$PYTHON" - <<'EOF'
import os, torch, onnxruntime
print("python", os.sys.version.split()[0], "torch", torch.__version__, "cuda", torch.cuda.is_available(),
      torch.cuda.get_device_name(0) if torch.cuda.is_available() else "-")
print("onnxruntime", onnxruntime.__version__, onnxruntime.get_available_providers())
for name in ("cgroup.controllers", "cgroup.subtree_control"):
    path = "/sys/fs/cgroup/" + name
    print(path, open(path).read().strip() if os.path.exists(path) else "(none)")
from evaluation.sandbox.isolation import probe_isolation
print(probe_isolation().describe())
EOF

step "GPU tests"
[ "${SKIP_TESTS:-0}" = 1 ] || timeout 240 "$PYTHON" -m pytest -p no:cacheprovider -q -rs \
  tests/evaluation/test_gpu.py tests/evaluation/test_cgroups.py \
  tests/evaluation/test_sandbox_isolation.py tests/integration/test_gpu_worker.py
echo "pytest exit status: $?"

step "benchmark"
timeout 300 "$PYTHON" benchmarks/eval_overhead.py --device "${BENCH_DEVICE:-cuda}" \
  ${BENCH_ROWS:+--rows "$BENCH_ROWS"}
echo "benchmark exit status: $?"

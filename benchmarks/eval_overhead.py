"""What the sandboxed scoring pipeline costs over bare in-process inference, and how fast the demo scores.

Run from the repository root: `python benchmarks/eval_overhead.py` (a few minutes; needs bubblewrap), or
`python benchmarks/eval_overhead.py --device cuda` on a GPU machine (50,000 rows; no demo part).
Workload: the benchmark CNN (`evaluation.examples.CIFAR_CNN`, ~0.62 M parameters, seeded weights) on
10,000 (CPU) or 50,000 (GPU) seeded rows of 3x32x32, submitted as safetensors and as ONNX. On the GPU an
ONNX format is measured only where onnxruntime has its CUDA provider (onnxruntime-gpu): a GPU worker
without it refuses ONNX jobs, so there is nothing to time. For each format it times, in
interleaved rounds (the machine is shared), a bare run in this process (load the weights, batched
inference under `inference_mode` with the pipeline's batch size, threads and memory layout, the
metric) and the full pipeline through the Django service `evaluate_submission` on a worker that has
seen the data set and holds a warm spare sandbox (load, sandbox, inference, metric, store; not queue
wait). Then the demo MLP on the digits challenge: wall time
per submission, and submissions scored per minute by two real Celery worker processes.

The last line is `ratio=<worst>`: the larger of the median pipeline/bare ratios measured (goal: 1.15 or
less on the CPU, 1.5 or less on the GPU).
Everything lives in a temporary folder (database, broker, hidden sets, sandboxes) removed at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ROWS = {"cpu": 10_000, "cuda": 50_000}
ROW_SHAPE = (3, 32, 32)
N_CLASSES = 10
SEED = 0
ROUNDS = 5
MLP_RUNS = 5
MLP_BATCH = 20
WORKERS = 2
WORKER_START_SECONDS = 180.0
BATCH_TIMEOUT_SECONDS = 600.0
CORES = len(os.sched_getaffinity(0)) or 1


@dataclass(frozen=True)
class Workload:
    inputs: np.ndarray
    labels: np.ndarray
    hidden_npz: Path
    models: dict[str, Path]  # model format -> file


def configure_django(root: Path, device: str) -> None:
    """A private database, broker and work folder under `root`; settings read them at setup."""
    os.environ["VAR_DIR"] = str(root / "var")
    os.environ["EVAL_DEVICE"] = device
    # The benchmark measures the pipeline; a GPU machine without a memory cgroup still serves it here.
    os.environ["EVAL_GPU_WITHOUT_MEMORY_CGROUP"] = "true"
    # IMMEDIATE: a transaction takes the write lock when it starts, so the two workers and this
    # process wait for each other (busy timeout) instead of failing to upgrade a read lock.
    os.environ["DATABASE_URL"] = f"sqlite:///{root / 'var' / 'bench.sqlite3'}?transaction_mode=IMMEDIATE"
    os.environ["CELERY_BROKER_URL"] = "filesystem://"
    os.environ["DJANGO_SETTINGS_MODULE"] = "clueboard.settings"
    os.environ["DEBUG"] = "true"  # the development keys: the benchmark attests with anvil's test key
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    for name in ("EVAL_WORK_ROOT", "HIDDEN_DATA_ROOT", "ARTIFACT_ROOT", "EVAL_THREADS"):
        os.environ.pop(name, None)  # everything under VAR_DIR, every core for the in-process worker
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def make_workload(folder: Path, n_rows: int) -> Workload:
    """Seeded inputs and labels as a hidden-set .npz, and the seeded benchmark CNN in both formats."""
    from evaluation import examples

    folder.mkdir(parents=True)
    rng = np.random.default_rng(SEED)
    inputs = rng.standard_normal((n_rows, *ROW_SHAPE), dtype=np.float32)
    labels = rng.integers(0, N_CLASSES, size=n_rows, dtype=np.int64)
    np.savez(folder / "hidden.npz", inputs=inputs, labels=labels)
    model = examples.seeded_model("cnn", examples.CIFAR_CNN, seed=SEED)
    models = {
        "safetensors": examples.save_weights(model, folder / "cnn.safetensors", "cnn"),
        "onnx": examples.export_onnx(model, folder / "cnn.onnx", ROW_SHAPE),
    }
    return Workload(inputs=inputs, labels=labels, hidden_npz=folder / "hidden.npz", models=models)


# ---- bare: the same model and data in this process ----------------------------------------------


def bare_safetensors(path: Path, inputs: np.ndarray, batch_size: int, device: str) -> np.ndarray:
    import torch
    from safetensors.torch import load_file

    from evaluation import examples
    from evaluation.scoring.architectures import build_model
    from evaluation.scoring.loaders import cpu_inference_layout, prepare_cuda

    model = build_model("cnn", examples.CIFAR_CNN)
    model.load_state_dict(load_file(str(path)), strict=True)
    if device == "cuda":
        prepare_cuda()  # the sandbox's settings: deterministic, full float32
        model = model.to(device)
    else:
        model = cpu_inference_layout(model)  # the loader's layout, the fast one on CPU
    predictions = np.empty((len(inputs), N_CLASSES), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(inputs), batch_size):
            rows = torch.from_numpy(inputs[start : start + batch_size]).to(device, non_blocking=True)
            predictions[start : start + batch_size] = model(rows).float().cpu().numpy()
    return predictions


def bare_onnx(path: Path, inputs: np.ndarray, batch_size: int, device: str) -> np.ndarray:
    import onnxruntime as ort

    from evaluation.scoring.loaders import onnx_providers

    options = ort.SessionOptions()
    options.intra_op_num_threads = CORES
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    providers = onnx_providers(device, ort.get_available_providers(), gpu_memory_bytes=None)
    session = ort.InferenceSession(str(path), sess_options=options, providers=providers)
    name = session.get_inputs()[0].name
    predictions = np.empty((len(inputs), N_CLASSES), dtype=np.float32)
    for start in range(0, len(inputs), batch_size):
        predictions[start : start + batch_size] = session.run(
            None, {name: inputs[start : start + batch_size]}
        )[0]
    return predictions


BARE_RUNNERS: dict[str, Callable[[Path, np.ndarray, int, str], np.ndarray]] = {
    "safetensors": bare_safetensors,
    "onnx": bare_onnx,
}


def bare_seconds(model_format: str, workload: Workload, batch_size: int, device: str) -> float:
    """Load, predict every row and compute the metric, timed; torch uses every core, as the sandbox does."""
    import torch

    from evaluation.scoring.metrics import compute_metric

    torch.set_num_threads(CORES)
    started = time.perf_counter()
    runner = BARE_RUNNERS[model_format]
    predictions = runner(workload.models[model_format], workload.inputs, batch_size, device)
    compute_metric("accuracy", predictions, workload.labels)
    return time.perf_counter() - started


# ---- the pipeline: the Django service on a warm worker -------------------------------------------


def create_cnn_challenge(workload: Workload) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from accounts.services import user_get_or_create_verified
    from bounties.models import Challenge
    from bounties.services.challenges import challenge_publish
    from bounties.services.datasets import hidden_dataset_upload
    from evaluation import examples

    organizer = user_get_or_create_verified(username="bench-organizer", email="bench@clueboard.invalid")
    now = timezone.now()
    challenge = Challenge.objects.create(
        slug="bench-cnn",
        title="Benchmark CNN",
        description="Synthetic workload of benchmarks/eval_overhead.py.",
        organizer=organizer,
        metric="accuracy",
        input_spec={"shape": list(ROW_SHAPE), "dtype": "float32"},
        output_spec={"shape": [N_CLASSES]},
        accepted_formats=["safetensors", "onnx"],
        architectures={"cnn": examples.CIFAR_CNN},
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(days=1),
        daily_submission_limit=1000,
        total_submission_limit=1000,
        prize_pool=0,
        eval_time_limit_seconds=600,
        eval_memory_limit_mb=8192,
    )
    upload = SimpleUploadedFile("hidden.npz", workload.hidden_npz.read_bytes())
    hidden_dataset_upload(challenge=challenge, upload=upload)
    return challenge_publish(challenge=challenge)


def submit(challenge: Any, path: Path) -> int:
    """A new contributor's submission of this file, queued; its id."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.services import user_get_or_create_verified
    from bounties.services.submissions import submission_create

    name = f"bench-{time.monotonic_ns()}"
    contributor = user_get_or_create_verified(username=name, email=f"{name}@clueboard.invalid")
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    return submission_create(challenge=challenge, contributor=contributor, model_file=upload).pk


def settle() -> None:
    """Wait until this worker's spare sandbox has finished its imports, so nothing runs beside a timing."""
    from evaluation.scoring.errors import ScoringError
    from evaluation.services.worker_context import sandbox_pool

    pool = sandbox_pool()
    for attempt in (1, 2):
        try:
            pool.wait_ready()
            return
        except ScoringError:
            if attempt == 2:
                raise
            print("  (the spare sandbox died before it was ready; starting another)")
            pool.shutdown()


SANDBOX_SECONDS: list[float] = []


def record_sandbox_seconds() -> None:
    """Note each job's time inside the sandbox (job sent to done), to print beside the pipeline's."""
    from evaluation.services import scoring

    original = scoring.score_in_sandbox

    def timed(**kwargs: Any) -> Any:
        result = original(**kwargs)
        SANDBOX_SECONDS.append(result.sandbox_seconds)
        return result

    scoring.score_in_sandbox = timed


def pipeline_seconds(challenge: Any, path: Path) -> float:
    """Wall time of `evaluate_submission` for a new submission, queued before the clock starts."""
    from bounties.models import Submission, SubmissionStatus
    from evaluation.services.scoring import evaluate_submission

    submission_id = submit(challenge, path)
    settle()
    started = time.perf_counter()
    outcome = evaluate_submission(submission_id=submission_id)
    seconds = time.perf_counter() - started
    if outcome.status != SubmissionStatus.SCORED:
        raise RuntimeError(f"submission {submission_id} was not scored: {outcome.status} {outcome.reason}")
    assert Submission.objects.get(pk=submission_id).private_score is not None
    return seconds


def overhead_ratio(
    model_format: str, challenge: Any, workload: Workload, batch_size: int, device: str
) -> float:
    """Interleaved rounds of bare and pipeline runs after one untimed run of each; the median ratio.

    Rounds alternate which of the two goes first, so a slow spell of the shared machine falls on both.
    """
    path = workload.models[model_format]
    bare_seconds(model_format, workload, batch_size, device)
    pipeline_seconds(challenge, path)  # the worker decodes the hidden set on its first job
    bare: list[float] = []
    pipeline: list[float] = []
    for round_number in range(1, ROUNDS + 1):
        if round_number % 2:
            settle()
            bare.append(bare_seconds(model_format, workload, batch_size, device))
            pipeline.append(pipeline_seconds(challenge, path))
        else:
            pipeline.append(pipeline_seconds(challenge, path))
            settle()
            bare.append(bare_seconds(model_format, workload, batch_size, device))
        print(
            f"  {model_format} round {round_number}: bare={bare[-1]:.2f}s pipeline={pipeline[-1]:.2f}s"
            f" (in the sandbox {SANDBOX_SECONDS[-1]:.2f}s)"
        )
    bare_median, pipeline_median = statistics.median(bare), statistics.median(pipeline)
    ratio = pipeline_median / bare_median
    print(f"{model_format}: bare={bare_median:.2f}s pipeline={pipeline_median:.2f}s ratio={ratio:.3f}")
    return ratio


# ---- the demo MLP: per submission, and two worker processes --------------------------------------


def demo_mlp_file(folder: Path, config: dict[str, Any]) -> Path:
    """Weights for the demo challenge's own MLP (its config, from the challenge), trained briefly."""
    from evaluation import examples

    model = examples.train_on_digits(examples.seeded_model("mlp", config, seed=SEED))
    return examples.save_weights(model, folder / "digits-mlp.safetensors", "mlp")


def mlp_seconds_per_submission(challenge: Any, path: Path) -> float:
    pipeline_seconds(challenge, path)  # first job: the worker decodes the digits
    seconds = statistics.median(pipeline_seconds(challenge, path) for _ in range(MLP_RUNS))
    print(f"demo mlp: {seconds:.2f}s per submission (one warm worker, median of {MLP_RUNS})")
    return seconds


def start_worker(root: Path, index: int) -> tuple[subprocess.Popen[bytes], Path]:
    log = root / f"worker-{index}.log"
    command = [sys.executable, "-m", "celery", "-A", "clueboard", "worker", "--pool=solo"]
    command += ["-Q", "eval-cpu", "--concurrency=1", "-n", f"bench{index}@%h", "--loglevel=INFO"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    env = {**os.environ, "EVAL_THREADS": "1", "LOG_LEVEL": "INFO"}
    with log.open("wb") as handle:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT)
    return process, log


def wait_until_ready(workers: list[tuple[subprocess.Popen[bytes], Path]]) -> None:
    deadline = time.monotonic() + WORKER_START_SECONDS
    for process, log in workers:
        while " ready." not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker did not start:\n{log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)


def stop_workers(workers: list[tuple[subprocess.Popen[bytes], Path]]) -> None:
    for process, _ in workers:
        if process.poll() is None:
            process.terminate()
    for process, _ in workers:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def score_batch(challenge: Any, path: Path, count: int) -> float:
    """Submit `count` submissions at once; seconds until the workers have finished them all."""
    from bounties.models import Submission, SubmissionStatus

    finished = [SubmissionStatus.SCORED, SubmissionStatus.FAILED]
    started = time.perf_counter()
    ids = [submit(challenge, path) for _ in range(count)]
    deadline = time.monotonic() + BATCH_TIMEOUT_SECONDS
    while Submission.objects.filter(pk__in=ids, status__in=finished).count() < count:
        if time.monotonic() > deadline:
            raise RuntimeError("the workers did not finish the batch in time")
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    failed = Submission.objects.filter(pk__in=ids, status=SubmissionStatus.FAILED).count()
    if failed:
        raise RuntimeError(f"{failed} of {count} submissions failed")
    return seconds


def mlp_throughput(root: Path, challenge: Any, path: Path) -> float:
    """Submissions per minute that two worker processes (one thread each) score, after a warm-up batch."""
    from django.conf import settings

    for message in (settings.BROKER_FOLDER / "queue").iterdir():
        message.unlink()  # the in-process runs above already scored what these messages ask for
    workers = [start_worker(root, index) for index in range(WORKERS)]
    try:
        wait_until_ready(workers)
        score_batch(challenge, path, WORKERS * 2)
        seconds = score_batch(challenge, path, MLP_BATCH)
    finally:
        stop_workers(workers)
    per_minute = MLP_BATCH / seconds * 60
    print(
        f"demo mlp: {per_minute:.1f} submissions/min with {WORKERS} worker processes ({seconds:.1f}s for {MLP_BATCH})"
    )
    return per_minute


def run(root: Path, device: str, n_rows: int) -> float:
    """Every measurement, in order; the worst of the overhead ratios."""
    configure_django(root, device)
    record_sandbox_seconds()
    from evaluation.services.worker_context import sandbox_pool

    try:
        worst = cnn_overheads(root, device, n_rows)
        if device == "cpu":
            demo_mlp(root)
    finally:
        sandbox_pool().shutdown()
    return worst


def cnn_overheads(root: Path, device: str, n_rows: int) -> float:
    from django.conf import settings

    workload = make_workload(root / "workload", n_rows)
    challenge = create_cnn_challenge(workload)
    batch_size = settings.EVAL_BATCH_SIZE
    print(
        f"workload: cnn {n_rows} rows of {ROW_SHAPE}, batch {batch_size}, device {device}"
        f"{' (' + gpu_name() + ')' if device == 'cuda' else ''}, {CORES} cores, {ROUNDS} rounds"
    )
    ratios = [overhead_ratio(name, challenge, workload, batch_size, device) for name in formats_on(device)]
    return max(ratios)


def formats_on(device: str) -> list[str]:
    """The formats a worker on `device` scores: ONNX on a GPU only with onnxruntime's CUDA provider."""
    import onnxruntime as ort

    if device == "cuda" and "CUDAExecutionProvider" not in ort.get_available_providers():
        print("onnx: not measured: onnxruntime here has no CUDAExecutionProvider (requirements-gpu.txt)")
        return ["safetensors"]
    return ["safetensors", "onnx"]


def gpu_name() -> str:
    import torch

    return str(torch.cuda.get_device_name(0))


def demo_mlp(root: Path) -> None:
    from bounties.demo import seed_demo_challenge

    demo, _ = seed_demo_challenge()
    path = demo_mlp_file(root / "workload", demo.architectures["mlp"])
    mlp_seconds_per_submission(demo, path)
    mlp_throughput(root, demo, path)


def same_allocator_as_the_sandbox() -> None:
    """Re-run this script under the allocator settings the sandbox uses, so bare inference gets them too.

    Without this the comparison would flatter the pipeline: the sandbox's allocator setting alone halves
    the CNN's inference time, and glibc reads it only when a process starts.
    """
    from evaluation.sandbox.runner import ALLOCATOR_ENV

    if all(os.environ.get(name) == value for name, value in ALLOCATOR_ENV.items()):
        return
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **ALLOCATOR_ENV})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", choices=sorted(ROWS), default="cpu")
    parser.add_argument(
        "--rows", type=int, default=None, help="hidden rows (default: 10,000 CPU, 50,000 GPU)"
    )
    options = parser.parse_args()
    same_allocator_as_the_sandbox()
    root = Path(tempfile.mkdtemp(prefix="clueboard-eval-bench-"))
    try:
        worst = run(root, options.device, options.rows or ROWS[options.device])
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"ratio={worst:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

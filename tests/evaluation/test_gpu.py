"""GPU evaluation: a GPU job runs on CUDA inside the sandbox, or not at all, and says which.

The first half runs on any machine (the refusals, the provider choice); the second needs a GPU that
torch sees, and runs on the GPU machines (benchmarks/gpu_check.sh).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path
from typing import Any

import onnxruntime as ort
import pytest
from django.conf import LazySettings

from bounties.models import Challenge, EvaluationQueue, FailureKind, SubmissionStatus
from evaluation import examples
from evaluation.models import EvaluationRun
from evaluation.scoring.errors import FAILURE_TEXTS, FailureClass, ScoringError
from evaluation.scoring.loaders import onnx_providers, tiny_convolution_onnx
from evaluation.services import worker_context
from evaluation.services.scoring import evaluate_submission
from tests.evaluation.conftest import evaluated, failed_as_ours, submit_file, weights

CUDA = worker_context.cuda_available()
ONNX_CUDA = "CUDAExecutionProvider" in ort.get_available_providers()
needs_cuda = pytest.mark.skipif(not CUDA, reason="torch sees no CUDA device here")


# ---- any machine ---------------------------------------------------------------------------------------


def test_onnx_on_cuda_puts_the_cuda_provider_first_with_the_job_memory_cap() -> None:
    providers = onnx_providers(
        "cuda", ["TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider"], 1234
    )
    assert providers[0][0] == "CUDAExecutionProvider"
    assert providers[0][1]["gpu_mem_limit"] == "1234"
    assert providers[1:] == ["CPUExecutionProvider"]
    assert onnx_providers("cpu", ["CUDAExecutionProvider", "CPUExecutionProvider"], None) == [
        "CPUExecutionProvider"
    ]


def test_onnx_on_cuda_without_the_cuda_provider_is_refused_not_run_on_the_cpu() -> None:
    with pytest.raises(ScoringError) as caught:
        onnx_providers("cuda", ["AzureExecutionProvider", "CPUExecutionProvider"], None)
    assert caught.value.failure == FailureClass.INFRASTRUCTURE


def test_the_providers_chosen_here_open_a_real_session() -> None:
    device = "cuda" if ONNX_CUDA else "cpu"
    providers = onnx_providers(device, ort.get_available_providers(), 256 * 1024**2)
    session = ort.InferenceSession(tiny_convolution_onnx(), providers=providers)
    assert session.get_providers()[0] == ("CUDAExecutionProvider" if ONNX_CUDA else "CPUExecutionProvider")


@pytest.mark.django_db
def test_a_gpu_job_whose_sandbox_reports_no_cuda_fails_as_infrastructure_with_the_reason_logged(
    digits_challenge: Challenge,
    trained_mlp: Any,
    tmp_path: Path,
    settings: LazySettings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The worker believes it has a GPU; the sandbox's harness finds none (as when the device nodes
    were hidden): the job must not quietly run on the CPU, and costs the contributor nothing."""
    if CUDA and ONNX_CUDA:
        pytest.skip("both frameworks reach CUDA here: no sandbox without it to show")
    settings.EVAL_DEVICE = "cuda"
    path = (
        examples.save_weights(trained_mlp, tmp_path / "m.safetensors", "mlp")
        if not CUDA
        else examples.export_onnx(trained_mlp, tmp_path / "m.onnx", (64,))
    )

    assert failed_as_ours(evaluated(digits_challenge, path))
    assert "reports no CUDA" in caplog.text


@pytest.mark.django_db
def test_an_eval_gpu_job_on_a_worker_without_a_gpu_fails_as_infrastructure(
    digits_challenge: Challenge, trained_mlp: Any, tmp_path: Path, settings: LazySettings
) -> None:
    settings.EVAL_DEVICE = "cpu"
    Challenge.objects.filter(pk=digits_challenge.pk).update(evaluation_queue=EvaluationQueue.GPU)
    digits_challenge.refresh_from_db()

    assert failed_as_ours(evaluated(digits_challenge, weights(trained_mlp, tmp_path)))


@pytest.mark.django_db
def test_the_cuda_probe_in_the_sandbox_refuses_the_gpu_queue_where_a_framework_misses_cuda(
    settings: LazySettings,
) -> None:
    if CUDA and ONNX_CUDA:
        pytest.skip("both frameworks reach CUDA here")
    settings.EVAL_DEVICE = "cuda"
    settings.EVAL_GPU_WITHOUT_MEMORY_CGROUP = True  # past the cgroup check, to the probe itself
    refusal = worker_context.gpu_queue_refusal(worker_context.sandbox_pool())
    assert refusal is not None and "CUDA probe inside the sandbox failed" in refusal
    assert ("onnxruntime" in refusal) and (("torch" in refusal) != CUDA)


# ---- a machine with a GPU ------------------------------------------------------------------------------


@needs_cuda
def test_the_warm_spare_reaches_cuda_inside_the_sandbox(settings: LazySettings) -> None:
    settings.EVAL_DEVICE = "auto"
    ready = worker_context.sandbox_pool().wait_ready()
    assert ready.torch_cuda is True
    assert ready.onnx_cuda is ONNX_CUDA


@needs_cuda
def test_the_spare_holds_the_cuda_context_and_frees_it_when_it_exits(settings: LazySettings) -> None:
    if shutil.which("nvidia-smi") is None:
        pytest.skip("nvidia-smi is not here")
    settings.EVAL_DEVICE = "auto"
    before = gpu_memory_used_mib()
    pool = worker_context.sandbox_pool()
    pool.wait_ready()
    warm = gpu_memory_used_mib()
    pool.shutdown()
    after = gpu_memory_used_mib()
    logging.getLogger(__name__).info("GPU memory used: %s, warm %s, after %s MiB", before, warm, after)
    assert warm > before + 100  # a CUDA context with cuDNN loaded holds a few hundred MiB
    assert after <= before + 16


def gpu_memory_used_mib() -> int:
    out = subprocess.run(
        ["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits", "-i", "0"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.split()[0])


@needs_cuda
@pytest.mark.django_db
def test_a_safetensors_model_scored_on_the_gpu_matches_the_cpu(
    digits_challenge: Challenge, trained_mlp: Any, tmp_path: Path, settings: LazySettings
) -> None:
    Challenge.objects.filter(pk=digits_challenge.pk).update(use_ladder=False)
    digits_challenge.refresh_from_db()
    path = weights(trained_mlp, tmp_path)
    scores = {}
    for device in ("cpu", "cuda"):
        settings.EVAL_DEVICE = device
        worker_context.sandbox_pool().shutdown()
        worker_context.sandbox_pool.cache_clear()
        submission = submit_file(digits_challenge, path)
        assert evaluate_submission(submission_id=submission.pk).status == SubmissionStatus.SCORED
        submission.refresh_from_db()
        assert EvaluationRun.objects.get(submission=submission).device == device
        scores[device] = (submission.public_score, submission.private_score)
    # float32 on both, TF32 off: an arg-max may flip only on a near tie, so within two rows of 539.
    assert scores["cuda"] == pytest.approx(scores["cpu"], abs=2 / 539)


@needs_cuda
@pytest.mark.django_db
def test_a_gpu_job_over_its_gpu_memory_cap_fails_as_out_of_memory(
    digits_challenge: Challenge, trained_mlp: Any, tmp_path: Path, settings: LazySettings
) -> None:
    settings.EVAL_DEVICE = "cuda"
    settings.EVAL_GPU_MEMORY_FRACTION = 1e-6  # a few tens of kilobytes of an 80 GB card

    submission = evaluated(digits_challenge, weights(trained_mlp, tmp_path))

    assert submission.status == SubmissionStatus.FAILED
    assert submission.failure_reason == FAILURE_TEXTS[FailureClass.OUT_OF_MEMORY]
    assert submission.failure_kind == FailureKind.CONTRIBUTOR

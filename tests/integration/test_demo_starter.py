"""The demo as a newcomer meets it: download the training split and the starter script from the Data tab,
run the script, submit both exported models, and a real worker scores them well above chance; a model
trained on scikit-learn's raw digits instead scores notably worse on the hidden set."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from sklearn.datasets import load_digits

from bounties.models import Challenge, Submission
from bounties.services.submissions import submission_create
from evaluation.models import EvaluationRun
from starter import digits_starter
from tests.factories import UserFactory
from tests.integration.conftest import WorkerFleet, wait_until

pytestmark = pytest.mark.django_db(transaction=True)
CHANCE = 0.1


def download(client: Client, url: str, path: Path) -> Path:
    response = client.get(url)
    assert response.status_code == 200, url
    path.write_bytes(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    return path


def submit(challenge: Challenge, path: Path) -> Submission:
    return submission_create(
        challenge=challenge,
        contributor=UserFactory.create(),
        model_file=SimpleUploadedFile(path.name, path.read_bytes()),
    )


def test_the_starter_scripts_models_score_well_and_raw_digits_do_not(
    client: Client, worker_fleet: WorkerFleet, tmp_path: Path
) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    challenge = Challenge.objects.get(slug="digits")
    train_file = download(client, "/challenges/digits/data/digits-train.npz", tmp_path / "digits-train.npz")
    script = download(client, "/challenges/digits/data/digits_starter.py", tmp_path / "digits_starter.py")
    run = subprocess.run(
        [sys.executable, str(script), str(train_file), "--out", str(tmp_path / "models")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,  # the downloaded copy, run outside the repository
    )
    assert run.returncode == 0, run.stderr

    torch.set_num_threads(1)
    digits = load_digits()
    raw = digits_starter.train(digits.data.astype(np.float32), digits.target.astype(np.int64))
    raw_weights, _ = digits_starter.export(raw, tmp_path / "raw")
    ours = {
        "onnx": submit(challenge, tmp_path / "models" / "digits-mlp.onnx"),
        "safetensors": submit(challenge, tmp_path / "models" / "digits-mlp.safetensors"),
        "raw": submit(challenge, raw_weights),
    }
    worker_fleet.start("demo-worker")
    everything = Submission.objects.filter(challenge=challenge)
    wait_until(
        lambda: all(s.is_final for s in everything.all()),
        timeout=300,
        fleet=worker_fleet,
        what="every demo submission",
    )

    scored = {name: Submission.objects.get(pk=s.pk) for name, s in ours.items()}
    assert {name: s.status for name, s in scored.items()} == dict.fromkeys(scored, "scored")
    raw_public = {
        name: EvaluationRun.objects.get(submission_id=s.pk).raw_public_score for name, s in scored.items()
    }
    for name in ("onnx", "safetensors"):
        assert scored[name].private_score > 6 * CHANCE and raw_public[name] > 6 * CHANCE  # type: ignore[operator]
    assert scored["onnx"].private_score == pytest.approx(scored["safetensors"].private_score, abs=1e-3)
    assert scored["raw"].private_score < scored["onnx"].private_score - 0.25  # type: ignore[operator]
    assert {s.status for s in everything.all()} == {"scored"}  # the demo's own baselines too

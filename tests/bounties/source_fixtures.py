"""A small published project (code, README, notebook) stored as a submission's source archive."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from bounties.models import PublishPolicy, Submission
from bounties.services.artifacts import artifact_store
from tests.factories import ChallengeFactory, SubmissionFactory

TRAIN_PY = b'''"""Train the digits MLP."""
import numpy as np


def train(epochs: int = 10) -> float:
    # A comment that must be highlighted.
    return float(np.mean([0.5, 0.75]))
'''
README_MD = b"""# Digits MLP

A two-layer MLP. <script>alert("readme")</script>

[evil](javascript:alert(1)) and **bold**.
"""


def notebook_json() -> bytes:
    cells: list[dict[str, Any]] = [
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": ["## Exploring the data\n", "<img src=x onerror=alert(1)>"],
        },
        {
            "cell_type": "code",
            "execution_count": 3,
            "metadata": {},
            "source": "import numpy as np\nprint(np.arange(3))",
            "outputs": [
                {"output_type": "stream", "name": "stdout", "text": ["[0 1 2]\n"]},
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {
                        "text/html": "<script>alert('output')</script><b>html output</b>",
                        "image/png": "iVBORw0KGgo=",
                        "application/javascript": "alert('js')",
                        "text/plain": "<Figure size 640x480 with 1 Axes>",
                    },
                },
                {
                    "output_type": "error",
                    "ename": "ValueError",
                    "evalue": "boom",
                    "traceback": ["\x1b[0;31mValueError\x1b[0m: boom"],
                },
            ],
        },
    ]
    notebook = {
        "cells": cells,
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook).encode()


def project_files() -> dict[str, bytes]:
    return {
        "README.md": README_MD,
        "src/train.py": TRAIN_PY,
        "src/model/__init__.py": b"",
        "notebooks/explore.ipynb": notebook_json(),
        "data/blob.bin": b"\x00\x01\x02binary",
    }


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return buffer.getvalue()


def tar_gz_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def published_source_submission(
    *, filename: str = "code.zip", data: bytes | None = None, **fields: Any
) -> Submission:
    """A submission of a challenge that publishes at once, its source archive stored as uploads are."""
    payload = data if data is not None else zip_bytes(project_files())
    artifact = artifact_store(upload=SimpleUploadedFile(filename, payload), max_bytes=10**8, label="source")
    fields.setdefault("challenge", ChallengeFactory.create(publish_policy=PublishPolicy.IMMEDIATELY))
    return SubmissionFactory.create(
        source_artifact=artifact, source_filename=filename, source_license="MIT", **fields
    )

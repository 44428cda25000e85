"""The folder broker of `make run`: a worker never sees a message before it is written whole."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from kombu import Connection
from kombu.transport.virtual import Empty

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def connection(tmp_path: Path) -> Any:
    folders = {"data_folder_in": tmp_path, "data_folder_out": tmp_path, "processed_folder": tmp_path / "done"}
    (tmp_path / "done").mkdir()
    with Connection(
        "filesystem://", transport="clueboard.broker_folder:Transport", transport_options=folders
    ) as connection:
        yield connection


def test_the_settings_pick_this_transport_for_the_folder_broker(tmp_path: Path) -> None:
    """As a worker of `make run` starts: no CELERY_BROKER_URL, so the folder broker."""
    env = {**os.environ, "VAR_DIR": str(tmp_path), "DEBUG": "true"}
    env.pop("CELERY_BROKER_URL", None)
    script = "from clueboard.celery import app; print(type(app.connection_for_write().transport).__module__)"
    answer = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert answer.stdout.strip().splitlines()[-1] == "clueboard.broker_folder", answer.stderr


def test_a_message_is_invisible_to_a_consumer_until_it_is_whole(
    connection: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = connection.default_channel
    seen_while_writing: list[object] = []
    rename = os.replace

    def rename_after_a_look(source: str, target: str) -> None:
        # The moment before the message gets its real name: the file is fully written, and a consumer
        # listing the folder now must find nothing to take.
        assert Path(source).read_bytes().endswith(b"}")
        try:
            seen_while_writing.append(channel._get("eval-cpu"))
        except Empty:
            seen_while_writing.append(None)
        rename(source, target)

    monkeypatch.setattr(os, "replace", rename_after_a_look)
    channel._put("eval-cpu", {"body": "x" * 100_000})

    assert seen_while_writing == [None]
    assert channel._get("eval-cpu") == {"body": "x" * 100_000}
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == []  # nothing left behind

"""Real worker processes for integration tests: a real broker, the test database, a real sandbox.

The broker is the one CELERY_BROKER_URL names (Redis in CI); without one, a filesystem broker in a
temporary folder, which needs no server. Workers run `celery worker` as separate processes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import kombu.pools
import pytest
from django.conf import LazySettings, settings
from django.db import connection

from clueboard.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class WorkerFleet:
    env: dict[str, str]
    log_dir: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, name: str) -> subprocess.Popen[bytes]:
        """`manage.py evaluation_worker`, exactly as the Procfile starts it, with the reaper embedded."""
        command = [sys.executable, "manage.py", "evaluation_worker", "--name", name, "--beat"]
        log = (self.log_dir / f"{name}.log").open("wb")
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
        )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL the whole worker, as a crashed machine would: no chance to clean up or acknowledge."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in self.log_dir.glob("*.log")
        )


def database_url() -> str:
    """The URL of the test database this test process is using, for the workers to share."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] or "postgres"
    if db.get("PASSWORD"):
        credentials += f":{db['PASSWORD']}"
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def use_broker(url: str, transport_options: dict[str, Any]) -> None:
    """Point this process's Celery app at the workers' broker, dropping connections made for another."""
    celery_app.conf.broker_url = url
    # The settings' folder transport (messages written whole), as the workers' settings choose it.
    celery_app.conf.broker_transport = (
        "clueboard.broker_folder:Transport" if url.startswith("filesystem") else None
    )
    celery_app.conf.broker_transport_options = transport_options
    kombu.pools.reset()  # closes and forgets every pooled connection, whatever broker it was for
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def worker_fleet(settings: LazySettings, tmp_path: Path) -> Iterator[WorkerFleet]:
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if not broker_url or broker_url.startswith("memory"):
        broker_url = "filesystem://"
        folders = {name: var_dir / "broker" / name for name in ("queue", "processed", "control")}
        for folder in folders.values():
            folder.mkdir(parents=True)
        use_broker(
            broker_url,
            {
                "data_folder_in": str(folders["queue"]),
                "data_folder_out": str(folders["queue"]),
                "processed_folder": str(folders["processed"]),
                "control_folder": str(folders["control"]),
                "polling_interval": 0.05,
            },
        )
    else:
        celery_app.connection_for_write().default_channel.queue_purge("eval-cpu")  # leftovers of earlier runs
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clueboard.settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_url,
        "VAR_DIR": str(var_dir),
        "ARTIFACT_ROOT": str(settings.ARTIFACT_ROOT),
        "HIDDEN_DATA_ROOT": str(settings.HIDDEN_DATA_ROOT),
        "EVAL_WORK_ROOT": str(tmp_path / "eval"),
        "EVAL_HEARTBEAT_SECONDS": "0.5",
        "EVAL_HEARTBEAT_TIMEOUT": "4",
        "EVAL_REAPER_INTERVAL": "1",
        "EVAL_THREADS": "1",
        "PYTHONPATH": str(ROOT),
    }
    fleet = WorkerFleet(env=env, log_dir=tmp_path)
    yield fleet
    fleet.stop_all()


def wait_until(condition: Callable[[], bool], *, timeout: float, fleet: WorkerFleet, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}\n{fleet.logs()}")


__all__ = ["ROOT", "WorkerFleet", "settings", "wait_until"]

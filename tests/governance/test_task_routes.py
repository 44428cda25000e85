"""Chain tasks go to the chain worker's queue, never behind an evaluation; evaluations stay where they were."""

from __future__ import annotations

import pytest

from clueboard.celery import app

CHAIN_TASKS = [
    "governance.tasks.send_outgoing_transaction",
    "governance.tasks.resend_outgoing_transactions",
    "governance.indexer.tasks.sync_chain",
    "governance.tasks_commitments.advance_trust_chain",
    "governance.tasks_commitments.commit_submission_batches",
]


@pytest.fixture(autouse=True, scope="module")
def _tasks_loaded() -> None:
    app.loader.import_default_modules()  # what a worker does at start: every task module imported


@pytest.mark.parametrize("name", CHAIN_TASKS)
def test_every_chain_task_is_routed_to_the_chain_queue(name: str) -> None:
    assert name in app.tasks
    assert app.amqp.router.route({}, name)["queue"].name == "chain"


@pytest.mark.parametrize(
    "name", ["evaluation.tasks.requeue_stalled_evaluations", "bounties.tasks.remove_unused_artifacts"]
)
def test_other_tasks_keep_the_default_queue(name: str) -> None:
    assert name in app.tasks
    assert app.amqp.router.route({}, name)["queue"].name == "default"

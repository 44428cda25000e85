"""Rotating an evaluator key through governance: `manage.py draft_evaluator_rotation` on a real anvil."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from governance.chain.client import ChainClient
from governance.chain.governor import Proposal, ProposalState, VoteSupport
from governance.models import ChainDeployment, OutgoingTransaction
from tests.contracts.helpers import TEST_PARAMS_EVALUATOR_THRESHOLD, Dao
from tests.governance.dao_fixtures import *  # noqa: F403
from tests.governance.dao_fixtures import send_outbox_row

pytestmark = pytest.mark.django_db


def draft(*args: str) -> str:
    out = io.StringIO()
    call_command("draft_evaluator_rotation", *args, stdout=out)
    return out.getvalue()


def pass_vote_and_execute(dao: Dao, proposal: Proposal, proposal_id: int) -> None:
    dao.open_vote(proposal_id)
    for member in dao.actors.members[:3]:
        dao.governor.cast_vote(sender=member, proposal_id=proposal_id, support=VoteSupport.FOR)
    dao.close_vote(proposal_id)
    dao.governor.queue(sender=dao.actors.relayer, proposal=proposal)
    dao.chain.advance(dao.params.timelock_delay + 1)
    dao.governor.execute(sender=dao.actors.relayer, proposal=proposal)


def test_a_drafted_rotation_passed_by_the_dao_replaces_the_evaluator_key(
    dao: Dao, deployment: ChainDeployment
) -> None:
    kept, retired, _third = dao.actors.evaluators
    new_key = dao.actors.funders[2]
    member = dao.actors.members[0]
    evaluators = ["--evaluator", kept.address, "--evaluator", new_key.address.lower()]

    calls = json.loads(draft(*evaluators, "--threshold", "2", "--proposer", member.address, "--json"))

    action = dao.escrow.set_evaluators_action(evaluators=[kept.address, new_key.address], threshold=2)
    assert (calls["targets"], calls["values"]) == ([dao.escrow.address], [0])
    assert calls["calldatas"] == ["0x" + action.calldata.hex()]
    assert calls["description"].startswith("# Rotate the evaluator set\n\n")
    assert f"- Adds {new_key.address}\n- Removes {retired.address}\n" in calls["description"]
    assert calls["description"].endswith(f"\n\n#proposer={member.address}")
    proposal = Proposal((action,), calls["description"])
    assert dao.governor.propose(sender=member, proposal=proposal) == int(calls["proposal_id"])

    pass_vote_and_execute(dao, proposal, int(calls["proposal_id"]))

    assert dao.governor.state(int(calls["proposal_id"])) == ProposalState.EXECUTED
    assert dao.escrow.evaluators() == [kept.address, new_key.address]
    assert dao.escrow.evaluator_threshold() == 2


def test_the_platforms_proposer_submits_a_rotation_through_the_outbox(
    dao: Dao, deployment: ChainDeployment, client: ChainClient
) -> None:
    kept = dao.actors.evaluators[:2]
    output = draft(
        "--evaluator", kept[0].address, "--evaluator", kept[1].address, "--threshold", "1", "--by-platform"
    )

    row = OutgoingTransaction.objects.get()
    assert (row.function, row.sender_role) == ("propose", "proposer")
    assert f"queued in the outbox as transaction #{row.pk}" in output
    assert "- Removes " + dao.actors.evaluators[2].address in output
    send_outbox_row(client, row, dao.actors.members[1])
    proposal_id = int(output.split("proposal id: ")[1].split()[0])
    assert dao.governor.state(proposal_id) == ProposalState.PENDING


@pytest.mark.parametrize(
    ("evaluators", "threshold", "refusal"),
    [
        (
            ["0x" + "11" * 20],
            "2",
            "The threshold must be between 1 and the number of evaluators (1); it was 2.",
        ),
        (["0x" + "11" * 20, "0x" + "11" * 20], "1", "appears twice in the new evaluator set."),
        (["0x" + "00" * 20], "1", "The zero address cannot be an evaluator."),
        (["not-an-address"], "1", "not-an-address is not an address."),
    ],
)
def test_a_rotation_the_escrow_would_refuse_is_not_drafted(
    dao: Dao, deployment: ChainDeployment, evaluators: list[str], threshold: str, refusal: str
) -> None:
    flags = [part for evaluator in evaluators for part in ("--evaluator", evaluator)]
    with pytest.raises(CommandError, match=refusal.replace("(", r"\(").replace(")", r"\)")):
        draft(*flags, "--threshold", threshold, "--proposer", dao.actors.members[0].address)


def test_an_unchanged_set_or_a_proposer_without_votes_is_refused(
    dao: Dao, deployment: ChainDeployment
) -> None:
    current = [part for e in dao.actors.evaluators for part in ("--evaluator", e.address)]
    threshold = str(TEST_PARAMS_EVALUATOR_THRESHOLD)
    member, outsider = dao.actors.members[0], dao.actors.outsider

    with pytest.raises(CommandError, match="already these; nothing to propose"):
        draft(*current, "--threshold", threshold, "--proposer", member.address)
    with pytest.raises(CommandError, match="Proposing needs"):
        draft(*current[:4], "--threshold", "1", "--proposer", outsider.address)
    assert OutgoingTransaction.objects.count() == 0

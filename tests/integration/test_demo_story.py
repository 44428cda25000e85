"""The living demo of `make run`, end to end: seeded against a real anvil, scored by a real worker process,
its chain part told by the story; then the end state is read back from the chain, and a second run is
shown to add nothing. A chain reset under a seeded database is said, not crashed on."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from bounties.demo_names import DEMO_SLUG
from bounties.models import Challenge, ChallengeStatus, Clue, Submission, SubmissionStatus
from governance.chain.anvil import AnvilProcess
from governance.chain.client import ChainClient
from governance.chain.escrow import ChallengeState, PrizeEscrow
from governance.chain.governor import Governor, ProposalState
from governance.chain.token import Erc20
from governance.demo import cast, chain_votes, plan
from governance.demo.accounts import demo_accounts_text
from governance.demo.seeding import demo_seed
from governance.demo.story import StoryOutcome, demo_story_run
from governance.indexer.sync import chain_sync
from governance.models import ChallengeOnChain, OutgoingTransaction, PrizeProposalDraft, WalletLink
from governance.services.challenges import challenges_on_chain_enqueue_waiting
from governance.services.deployment import DeployOutcome, chain_deployment_ensure
from tests.integration.conftest import WorkerFleet

pytestmark = pytest.mark.django_db(transaction=True)


class Interrupted(Exception):
    pass


@pytest.fixture
def demo_chain(settings: LazySettings) -> Iterator[AnvilProcess]:
    """A fresh anvil, the platform (DEBUG, development keys) pointed at it and its contracts deployed."""
    anvil = AnvilProcess(accounts=20)
    anvil.start()
    settings.DEBUG = True  # the demo refuses to run otherwise (its keys are public)
    settings.CHAIN_RPC_URL = anvil.rpc_url
    try:
        assert chain_deployment_ensure(demo_members=True).outcome == DeployOutcome.DEPLOYED
        yield anvil
    finally:
        anvil.stop()


def story_counts() -> dict[str, int]:
    return {
        "challenges": Challenge.objects.count(),
        "submissions": Submission.objects.count(),
        "clues": Clue.objects.count(),
        "wallets": WalletLink.objects.count(),
        "transactions": OutgoingTransaction.objects.count(),
        "drafts": PrizeProposalDraft.objects.count(),
    }


def test_make_runs_demo_is_told_on_chain_once_and_resumable(
    demo_chain: AnvilProcess,
    worker_fleet: WorkerFleet,
    client: Client,
    settings: LazySettings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Seeded before the worker starts, as `make run` does (the filesystem broker's consumer can read a
    # message file that its producer has created but not yet written).
    call_command("seed_demo", stdout=io.StringIO())
    seeded = demo_seed(log=lambda line: None)
    assert seeded.created_rounds == 2 and seeded.created_submissions == len(plan.SUBMISSIONS)
    worker_fleet.env["CHAIN_RPC_URL"] = demo_chain.rpc_url  # its beat syncs this chain, not a `make run`'s
    worker_fleet.start("demo-worker")
    told: list[str] = []

    def stop_after_the_first_vote(line: str) -> None:
        told.append(line)
        if " voted " in line:
            raise Interrupted(line)  # as Ctrl-C would, half way through the paying vote

    with pytest.raises(Interrupted):
        demo_story_run(log=stop_after_the_first_vote)
    assert demo_story_run(log=told.append) == StoryOutcome.TOLD, worker_fleet.logs()
    assert sum(" voted " in line for line in told) == len(chain_votes.PAYING_VOTES) + len(
        chain_votes.OPEN_VOTES
    )

    chain = ChainClient.connect(demo_chain.rpc_url)
    deployment = ChallengeOnChain.objects.select_related("create_transaction__deployment").first()
    assert deployment is not None and deployment.create_transaction is not None
    contracts = deployment.create_transaction.deployment
    escrow = PrizeEscrow(chain, contracts.escrow)
    records = {r.challenge.slug: r for r in ChallengeOnChain.objects.select_related("challenge")}
    # 1. The open challenge is in the escrow, funded by the organizer with its whole pool.
    digits = Challenge.objects.get(slug=DEMO_SLUG)
    digits_id = records[DEMO_SLUG].escrow_challenge_id
    assert digits.status == ChallengeStatus.OPEN and digits_id is not None
    assert escrow.challenge(digits_id).escrowed == digits.prize_pool > 0
    assert escrow.funded(challenge_id=digits_id, funder=cast.ORGANIZER.account.address) == digits.prize_pool
    # 2. Every demo submission scored by the worker, and the digits scores differ and climb overall.
    assert set(Submission.objects.values_list("status", flat=True)) == {SubmissionStatus.SCORED}
    contributed = Submission.objects.filter(
        challenge=digits, contributor__username__in=["maya", "kofi", "sofia", "ravi"]
    )
    scores = [
        float(score or 0)
        for score in contributed.order_by("created_at").values_list("public_score", flat=True)
    ]
    assert len(set(scores)) > 2 and scores[-1] > scores[0], scores  # the hidden set is new each run
    cited_clue = Clue.objects.get(challenge=digits)
    assert Submission.objects.filter(builds_on_clues=cited_clue).count() == 2
    assert Submission.objects.exclude(source_license="").filter(source_artifact__isnull=False).count() == len(
        plan.SUBMISSIONS
    )
    # 3. Round 2: closed, attested on chain, its prize proposal Active with one vote cast.
    voting = PrizeProposalDraft.objects.get(challenge__slug=plan.ROUND_VOTING)
    governor = Governor(chain, contracts.governor)
    assert escrow.state(records[plan.ROUND_VOTING].escrow_challenge_id or 0) == ChallengeState.ATTESTED
    assert governor.state(int(voting.proposal_id)) == ProposalState.ACTIVE
    assert governor.has_voted(proposal_id=int(voting.proposal_id), voter=cast.MEMBERS[0].account.address)
    # 4. Round 1: proposal executed, every winner paid on chain (contributors held no tokens before).
    paid = PrizeProposalDraft.objects.get(challenge__slug=plan.ROUND_PAID)
    assert governor.state(int(paid.proposal_id)) == ProposalState.EXECUTED
    assert Challenge.objects.get(slug=plan.ROUND_PAID).status == ChallengeStatus.AWARDED
    token = Erc20(chain, contracts.prize_token)
    for recipient in paid.recipients:
        assert token.balance_of(recipient["address"]) == int(recipient["amount"]) > 0
    winner = paid.recipients[0]["address"]
    chain_sync(deployment=contracts, client=chain)
    member_page = client.get(reverse("governance:member", args=[winner]))
    assert member_page.status_code == 200
    assert "claimed" in member_page.content.decode()
    assert client.get(f"/challenges/{DEMO_SLUG}/lineage/").status_code == 200
    # 5. The accounts to log in and vote with.
    accounts = demo_accounts_text()
    assert all(person.username in accounts and person.account.address in accounts for person in cast.PEOPLE)

    # 6. A second run adds nothing, on the database or the chain: `make run`'s first step, then its story.
    before, head = story_counts(), chain.w3.eth.block_number
    settings.STATIC_ROOT = tmp_path / "static"
    capsys.readouterr()
    call_command("prepare_demo")
    prepared = capsys.readouterr().out
    assert "No migrations to apply." in prepared and "The demo's work is already seeded." in prepared
    assert (tmp_path / "static" / "vendor" / "htmx" / "htmx.min.js").exists()  # collected for whitenoise
    again: list[str] = []
    assert demo_story_run(log=again.append) == StoryOutcome.TOLD
    assert story_counts() == before
    assert again == [] and chain.w3.eth.block_number == head

    # A reset chain (a new anvil, the state file gone) under this database: said, and nothing is sent.
    fresh = AnvilProcess(accounts=20)
    fresh.start()
    try:
        settings.CHAIN_RPC_URL = fresh.rpc_url
        assert chain_deployment_ensure(demo_members=True).outcome == DeployOutcome.REDEPLOYED
        challenges_on_chain_enqueue_waiting()  # the beat's first step on the new deployment
        reset: list[str] = []
        assert demo_story_run(log=reset.append) == StoryOutcome.CHAIN_RESET
        assert "chain was reset" in reset[0]
    finally:
        fresh.stop()

"""Progress prizes: a member drafts a treasury payment to a published work's author; passed, it pays."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from web3 import Web3

from bounties.errors import ApplicationError, PermissionDenied
from governance.chain.deploy import TOKEN_UNIT
from governance.chain.governor import ProposalAction
from governance.models import ChainDeployment, PrizeProposalDraft
from governance.services import progress_prizes
from governance.services.progress_prizes import progress_prize_draft_create
from governance.services.proposals import prize_proposal_calls
from tests.contracts.helpers import Dao
from tests.factories import ChallengeFactory, ClueFactory, SubmissionFactory, UserFactory
from tests.governance.dao_fixtures import *  # noqa: F403
from tests.governance.dao_fixtures import AttestedChallenge

pytestmark = pytest.mark.django_db

AMOUNT = 25 * TOKEN_UNIT


@pytest.fixture
def clue(attested: AttestedChallenge) -> Any:
    """A clue by ada (who has a wallet) in the attested fixture's challenge; grace drafts."""
    return ClueFactory.create(challenge=attested.challenge, author=attested.ranked[0], title="Scale [it](x)")


def test_a_member_drafts_a_treasury_transfer_that_pays_the_author_once_executed(
    dao: Dao, deployment: ChainDeployment, attested: AttestedChallenge, clue: Any
) -> None:
    ada, grace, _ = attested.ranked
    author_wallet = attested.wallets[ada.pk]
    before = dao.token.balance_of(author_wallet)
    treasury = dao.token.balance_of(deployment.timelock)

    draft = progress_prize_draft_create(
        challenge=attested.challenge, work_kind="clue", work_id=clue.pk, amount=AMOUNT, created_by=grace
    )

    assert (draft.kind, draft.target, draft.pool) == ("progress", deployment.prize_token, treasury)
    assert draft.recipients == [
        {
            "rank": 0,
            "kind": "progress",
            "user_id": ada.pk,
            "username": "ada",
            "address": author_wallet,
            "amount": str(AMOUNT),
            "works": [{"kind": "clue", "id": clue.pk, "level": 0, "amount": str(AMOUNT)}],
        }
    ]
    assert f'for clue #{clue.pk} "Scale it(x)" of challenge `houses`' in draft.text  # plain words only
    again = progress_prize_draft_create(
        challenge=attested.challenge, work_kind="clue", work_id=clue.pk, amount=AMOUNT, created_by=grace
    )
    assert again.pk == draft.pk

    calls = prize_proposal_calls(draft=draft, proposer=dao.actors.members[0].address)
    assert calls.targets == [deployment.prize_token]
    action = ProposalAction(Web3.to_checksum_address(draft.target), bytes.fromhex(draft.call_data[2:]))
    dao.pass_and_execute([action], draft.text)
    assert dao.token.balance_of(author_wallet) == before + AMOUNT
    assert dao.token.balance_of(deployment.timelock) == treasury - AMOUNT


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no wallet", progress_prizes.NOT_A_MEMBER),
        ("unpublished", progress_prizes.NOT_CITABLE),
        ("other challenge", progress_prizes.NOT_CITABLE),
        ("author without wallet", progress_prizes.NO_RECIPIENT_WALLET),
        ("above the pool", progress_prizes.BAD_AMOUNT),
        ("zero", progress_prizes.BAD_AMOUNT),
    ],
)
def test_what_cannot_be_drafted_is_refused_and_nothing_is_written(
    deployment: ChainDeployment, attested: AttestedChallenge, clue: Any, case: str, message: str
) -> None:
    ada, grace, alan = attested.ranked
    kwargs: dict[str, Any] = {
        "challenge": attested.challenge,
        "work_kind": "clue",
        "work_id": clue.pk,
        "amount": AMOUNT,
        "created_by": grace,
    }
    if case == "no wallet":
        kwargs["created_by"] = alan
    elif case == "unpublished":
        hidden = ChallengeFactory.create(publish_policy="at_close")
        kwargs |= {"challenge": hidden, "work_kind": "submission"}
        kwargs["work_id"] = SubmissionFactory.create(challenge=hidden, contributor=ada).pk
    elif case == "other challenge":
        kwargs["work_id"] = ClueFactory.create(author=ada).pk
    elif case == "author without wallet":
        kwargs["work_id"] = ClueFactory.create(challenge=attested.challenge, author=alan).pk
    elif case == "above the pool":
        kwargs["amount"] = attested.challenge.prize_pool + 1
    else:
        kwargs["amount"] = 0

    with pytest.raises(ApplicationError) as refused:
        progress_prize_draft_create(**kwargs)

    assert refused.value.message == message
    assert isinstance(refused.value, PermissionDenied) is (case == "no wallet")
    assert not PrizeProposalDraft.objects.exists()


def test_the_form_drafts_it_and_the_draft_page_shows_its_evidence(
    deployment: ChainDeployment, attested: AttestedChallenge, clue: Any
) -> None:
    browser = Client()
    browser.force_login(attested.ranked[1])
    url = reverse("governance:progress-prize-new", args=["houses"])
    form = browser.get(url, {"work": f"clue-{clue.pk}"}).content.decode()
    assert f'<option value="clue-{clue.pk}" selected>' in form

    response = browser.post(url, {"work": f"clue-{clue.pk}", "amount": "25"})

    draft = PrizeProposalDraft.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "governance:prize-draft", args=[draft.pk]
    )
    page = browser.get(response["Location"]).content.decode()
    assert "Progress prize in Houses" in page
    assert f'<dt>Awarded work</dt><dd><a href="/clues/{clue.pk}/">Clue #{clue.pk}</a> by ada</dd>' in page
    assert "25 CLUE" in page and "Spec hash" not in page
    clue_page = browser.get(reverse("bounties:clue-detail", args=[clue.pk])).content.decode()
    assert f'href="{url}?work=clue-{clue.pk}" data-progress-prize' in clue_page


def test_a_signed_in_user_without_a_wallet_is_told_to_link_one(attested: AttestedChallenge) -> None:
    browser = Client()
    browser.force_login(UserFactory.create())
    url = reverse("governance:progress-prize-new", args=["houses"])

    page = browser.get(url).content.decode()
    refused = browser.post(url, {"work": "clue-1", "amount": "1"})

    assert "Only members with a linked wallet can draft a progress prize" in page
    assert refused.status_code in (400, 403) and not PrizeProposalDraft.objects.exists()

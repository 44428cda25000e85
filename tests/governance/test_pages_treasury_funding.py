"""Funding a pool from the challenge page: calldata from the server, sent by a wallet, shown once synced."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from governance.chain.deploy import TOKEN_UNIT
from governance.chain.token import Erc20
from governance.indexer.sync import chain_sync
from governance.models import ChainDeployment, ChallengeOnChain
from governance.services.trust import trust_chain_advance
from tests.governance.pages_support import SignIn
from tests.governance.trust_support import (
    TrustChain,
    chain_settings,
    deployment_row,
    publish_challenge,
    send_queued,
    trust_chain,
)

pytestmark = pytest.mark.django_db
__all__ = ["chain_settings", "deployment_row", "trust_chain"]  # fixtures used by name


def _send(trust: TrustChain, sender: str, call: dict[str, str]) -> None:
    # As a browser wallet would: eth_sendTransaction from an account the node holds (anvil's are unlocked).
    w3 = trust.client.w3
    receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_transaction({"from": sender, **call}))  # type: ignore[typeddict-item]
    assert receipt["status"] == 1


def test_funding_through_the_server_built_calls_shows_after_sync(
    chain_settings: TrustChain, deployment_row: ChainDeployment, client: Client, signed_in: SignIn
) -> None:
    challenge = publish_challenge()
    send_queued(chain_settings)
    trust_chain_advance()
    escrow_id = ChallengeOnChain.objects.get(challenge=challenge).escrow_challenge_id
    funder = chain_settings.accounts[1].address
    token = Erc20(chain_settings.client, chain_settings.deployment.prize_token)
    balance = token.balance_of(funder)
    funding_url = reverse("governance:pool-funding", args=[escrow_id])
    assert client.get(funding_url).json() == {
        "synced": False,
        "total": None,
        "total_tokens": None,
        "funders": [],
    }

    member = signed_in("funder")
    page = member.get(reverse("bounties:challenge-detail", args=[challenge.slug])).content.decode()
    calls_url = reverse("governance:fund-calls", args=[escrow_id])
    assert f'data-fund-calls-url="{calls_url}" data-funding-url="{funding_url}"' in page
    answer = member.get(calls_url, {"amount": "12.5"}).json()
    assert answer["amount"] == str(12 * TOKEN_UNIT + TOKEN_UNIT // 2)
    approve, fund = answer["calls"]
    assert (approve["to"], fund["to"]) == (deployment_row.prize_token, deployment_row.escrow)
    _send(chain_settings, funder, approve)
    _send(chain_settings, funder, fund)
    chain_sync(deployment=deployment_row, client=chain_settings.client)

    assert token.balance_of(funder) == balance - 12 * TOKEN_UNIT - TOKEN_UNIT // 2
    assert member.get(funding_url).json() == {
        "synced": True,
        "total": str(12 * TOKEN_UNIT + TOKEN_UNIT // 2),
        "total_tokens": "12.5",
        "funders": [{"address": funder, "amount": str(12 * TOKEN_UNIT + TOKEN_UNIT // 2), "tokens": "12.5"}],
    }


@pytest.mark.parametrize("amount", ["", "0", "-1", "1e5", "1.0000000000000000001", "abc", "9" * 40])
def test_a_bad_amount_is_refused_without_calldata(
    chain_settings: TrustChain, deployment_row: ChainDeployment, client: Client, amount: str
) -> None:
    answer = client.get(reverse("governance:fund-calls", args=[1]), {"amount": amount})
    assert (answer.status_code, answer.json()) == (
        400,
        {"detail": "Give a positive amount of tokens, like 12.5."},
    )


def test_the_form_is_only_for_signed_in_visitors(
    chain_settings: TrustChain, deployment_row: ChainDeployment, client: Client
) -> None:
    challenge = publish_challenge()
    send_queued(chain_settings)
    trust_chain_advance()
    page = client.get(reverse("bounties:challenge-detail", args=[challenge.slug])).content.decode()
    assert 'id="escrow-funders"' in page and "Fund this challenge" not in page

"""The challenge page lists the escrow pool's funders and total, read from the chain; chain down is said."""

from __future__ import annotations

import re

import pytest
from django.conf import LazySettings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from governance.chain.deploy import TOKEN_UNIT
from governance.chain.token import Erc20
from governance.models import ChainDeployment
from governance.services.trust import trust_chain_advance
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


@pytest.fixture(autouse=True)
def pages_rendered_afresh(settings: LazySettings) -> None:
    """These tests read the challenge page, signed out, right after a chain event or a change of rules: a
    kept page would be up to READER_PAGE_SECONDS old (that is tested in tests/web/test_reader_pages.py)."""
    settings.READER_PAGE_SECONDS = 0


def fund(trust: TrustChain, funder_index: int, tokens: int) -> None:
    funder = trust.accounts[funder_index]
    token = Erc20(trust.client, trust.deployment.prize_token)
    token.approve(sender=funder, spender=trust.deployment.escrow, amount=tokens * TOKEN_UNIT)
    trust.escrow.fund(sender=funder, challenge_id=1, amount=tokens * TOKEN_UNIT)


def test_the_page_lists_funders_largest_first_and_the_total(
    chain_settings: TrustChain, deployment_row: ChainDeployment, client: Client, settings: LazySettings
) -> None:
    challenge = publish_challenge()
    url = reverse("bounties:challenge-detail", args=[challenge.slug])
    assert "once the challenge is created in the escrow" in client.get(url).content.decode()
    send_queued(chain_settings)
    trust_chain_advance()
    member, second = chain_settings.accounts[1], chain_settings.accounts[2]
    Erc20(chain_settings.client, chain_settings.deployment.prize_token).transfer(
        sender=member, to=second.address, amount=1_000 * TOKEN_UNIT
    )
    fund(chain_settings, 1, 300)
    fund(chain_settings, 2, 400)
    fund(chain_settings, 1, 50)

    page = client.get(url).content.decode()

    assert re.search(r'id="escrow-total">750</strong> tokens by 2 funders', page)
    assert page.index(second.address) < page.index(member.address)
    assert f"{second.address}</code> 400 tokens" in page and f"{member.address}</code> 350 tokens" in page

    cache.clear()
    settings.CHAIN_RPC_URL = "http://127.0.0.1:9"  # the node goes away: the page still renders
    down = client.get(url)
    assert down.status_code == 200
    text = down.content.decode()
    assert "chain cannot be reached" in text and second.address not in text

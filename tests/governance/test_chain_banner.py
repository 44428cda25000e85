"""Without a reachable chain the site still runs, and says so on every page."""

from __future__ import annotations

import pytest
from django.conf import LazySettings
from django.test import Client

from governance.chain.anvil import DevChain
from tests.governance.conftest import DEAD_RPC_URL

pytestmark = pytest.mark.django_db
BANNER = "The chain is unreachable: pages show the last synced state"


def test_pages_show_the_banner_while_the_chain_is_down(settings: LazySettings, client: Client) -> None:
    settings.CHAIN_RPC_URL = DEAD_RPC_URL

    response = client.get("/")

    assert response.status_code == 200
    assert BANNER in response.content.decode()


def test_no_banner_while_the_chain_answers(on_chain: DevChain, client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert BANNER not in response.content.decode()


def test_the_answer_is_cached_for_a_few_seconds(
    settings: LazySettings, on_chain: DevChain, client: Client
) -> None:
    assert BANNER not in client.get("/").content.decode()
    settings.CHAIN_RPC_URL = DEAD_RPC_URL  # pages keep the last answer until the cache expires

    assert BANNER not in client.get("/").content.decode()


def test_a_node_of_another_chain_counts_as_unreachable(
    settings: LazySettings, on_chain: DevChain, client: Client
) -> None:
    settings.CHAIN_ID = 1

    assert BANNER in client.get("/").content.decode()


def test_no_banner_where_no_chain_is_configured(settings: LazySettings, client: Client) -> None:
    settings.CHAIN_RPC_URL = ""

    assert BANNER not in client.get("/").content.decode()

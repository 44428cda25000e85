"""In a real browser: from a submission's page, Verify shows every check holding; after the model file is
tampered with, the same page shows which check does not hold and why."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.browser.conftest import InjectedWallet
from tests.governance.test_verification import tamper_model_file
from tests.governance.trust_support import TrustChain, chain_settings, deployment_row, trust_chain
from tests.governance.verification_support import HonestWorld, honest

__all__ = ["chain_settings", "deployment_row", "honest", "trust_chain"]  # fixtures used by name


@pytest.fixture
def site(live_server: Any, transactional_db: None, chain_settings: TrustChain) -> str:
    return str(live_server.url)


@pytest.fixture
def wallet(trust_chain: TrustChain) -> InjectedWallet:
    return InjectedWallet(
        rpc_url=trust_chain.anvil.rpc_url,
        chain_id=trust_chain.client.chain_id,
        account=trust_chain.accounts[1].address,
    )


def test_verify_from_the_submission_page_then_catch_a_tampered_file(
    site: str, honest: HonestWorld, page: Any, screenshot: Any
) -> None:
    page.goto(site + reverse("bounties:submission-detail", args=[honest.submission.pk]))
    screenshot("submission-page")
    page.locator("#verify-button").click()

    page.wait_for_selector("#verdict")
    assert page.locator("#verdict").inner_text().startswith("Everything holds.")
    assert page.locator("tr.check-holds").count() == 8
    screenshot("all-hold")

    tamper_model_file(honest)
    cache.clear()  # the page keeps a report for a minute
    page.reload()

    assert page.locator("#verdict").inner_text().startswith("Something does not hold:")
    failing = page.locator("tr.check-fails th").all_inner_texts()
    assert failing == [
        "File model.safetensors (model)",
        "Content hash recomputed from the published files and text",
    ]
    screenshot("tampered-model")

    page.goto(site + reverse("bounties:clue-detail", args=[honest.clue.pk]))
    screenshot("clue-page")
    page.locator("#verify-button").click()
    assert page.locator("#verdict").inner_text().startswith("Everything holds.")
    screenshot("clue-holds")

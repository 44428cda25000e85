"""In a real browser, the open contribution loop as a visitor meets it once a challenge has closed: open a
published submission, browse its code, follow a citation through the lineage graph to the work it builds
on, and Verify that work against the chain."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bounties.models import PublishPolicy
from bounties.services.challenges import challenge_close_now
from bounties.services.clues import clue_create
from governance.models import ChallengeResults
from governance.services.commitments import commitment_batches_create
from governance.services.trust import trust_chain_advance
from tests.bounties.source_fixtures import project_files, zip_bytes
from tests.browser.conftest import InjectedWallet
from tests.factories import UserFactory
from tests.governance.trust_support import (
    TrustChain,
    chain_settings,
    deployment_row,
    publish_challenge,
    send_queued,
    trust_chain,
)
from tests.governance.verification_support import THIRTY_ONE_DAYS, scored_submission_with_files

__all__ = ["chain_settings", "deployment_row", "trust_chain"]  # fixtures used by name


@pytest.fixture
def site(live_server: Any, transactional_db: None, chain_settings: TrustChain) -> str:
    return str(live_server.url)


@pytest.fixture
def wallet(chain_settings: TrustChain) -> InjectedWallet:
    return InjectedWallet(
        rpc_url=chain_settings.anvil.rpc_url,
        chain_id=chain_settings.client.chain_id,
        account=chain_settings.accounts[1].address,
    )


@pytest.fixture
def lineage(chain_settings: TrustChain, deployment_row: Any) -> dict[str, Any]:
    """A closed, attested challenge where "Wide MLP" builds on a clue that builds on "Small MLP"."""
    chain = chain_settings
    challenge = publish_challenge(publish_policy=PublishPolicy.IMMEDIATELY)
    send_queued(chain)
    trust_chain_advance()
    small = scored_submission_with_files(
        challenge, seed=1, private_score=0.8, archive=zip_bytes(project_files()), title="Small MLP", public_score=0.78,
        source_license="MIT",
    )  # fmt: skip
    clue = clue_create(
        challenge=challenge,
        author=UserFactory.create(username="cy"),
        title="Scale the pixels",
        writeup="Dividing by 16 helps the small MLP.",
        builds_on_submission_ids=[small.pk],
    )
    wide_files = {**project_files(), "src/wide.py": b"WIDTH = 512\n"}
    wide = scored_submission_with_files(
        challenge, seed=2, private_score=0.9, archive=zip_bytes(wide_files), title="Wide MLP", public_score=0.86,
        source_license="Apache-2.0",
    )  # fmt: skip
    wide.builds_on_clues.set([clue])
    commitment_batches_create()
    send_queued(chain)
    challenge_close_now(challenge=challenge)
    chain.chain.advance(THIRTY_ONE_DAYS)
    trust_chain_advance()
    send_queued(chain)
    assert ChallengeResults.objects.get(challenge=challenge).attest_transaction is not None
    return {"challenge": challenge, "small": small, "clue": clue, "wide": wide}


def test_browse_code_follow_the_lineage_and_verify(
    site: str, lineage: dict[str, Any], page: Any, screenshot: Any
) -> None:
    wide, clue, small = lineage["wide"], lineage["clue"], lineage["small"]
    page.goto(site + reverse("bounties:submission-detail", args=[wide.pk]))
    assert "Apache-2.0" in page.locator(".source-code-panel").inner_text()
    screenshot("published-submission")

    page.get_by_role("link", name="Browse code").click()
    page.wait_for_url(site + reverse("bounties:source-browse", args=[wide.pk]))
    page.locator(".source-tree").get_by_role("link", name="wide.py").click()
    page.wait_for_url(site + reverse("bounties:source-file", args=[wide.pk, "src/wide.py"]))
    assert page.locator(".highlight").inner_text().strip().endswith("WIDTH = 512")
    screenshot("code")

    page.goto(site + reverse("bounties:submission-detail", args=[wide.pk]))
    page.get_by_role("link", name="See the whole lineage of this challenge").click()
    page.wait_for_url(site + reverse("bounties:challenge-lineage", args=[lineage["challenge"].slug]))
    assert page.locator("svg.lineage a.lineage-node").count() == 3
    screenshot("lineage")

    page.locator(f'svg.lineage a[data-work="clue-{clue.pk}"]').click()  # what Wide MLP builds on
    page.wait_for_url(site + reverse("bounties:clue-detail", args=[clue.pk]))
    page.locator('[data-citations="builds-on"] a', has_text="Small MLP").click()  # and what the clue cites
    page.wait_for_url(site + reverse("bounties:submission-detail", args=[small.pk]))
    screenshot("cited-work")

    page.locator("#verify-button").click()
    page.wait_for_selector("#verdict")
    assert page.locator("#verdict").inner_text().startswith("Everything holds.")
    assert page.locator("tr.check-fails").count() == 0
    assert page.locator("tr.check-holds").count() == 8
    screenshot("verified")

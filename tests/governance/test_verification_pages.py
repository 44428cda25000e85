"""The Verify page lists each check with holds / does not hold and why; submission and clue pages show
the evidence and link to it; the public evidence API gives what an outside verifier needs."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from governance.models import ChallengeResults, ClueCommitment, SubmissionCommitment
from tests.governance.test_verification import forge_signature, swap_proof, tamper_model_file
from tests.governance.trust_support import chain_settings, deployment_row, trust_chain
from tests.governance.verification_support import HonestWorld, honest

pytestmark = pytest.mark.django_db
__all__ = ["chain_settings", "deployment_row", "honest", "trust_chain"]  # fixtures used by name


def row_outcomes(page: str) -> dict[str, str]:
    """Each check row's id and its outcome class, as the page renders them."""
    rows = re.findall(r'<tr class="check check-([a-z_]+)" id="check-([a-z0-9_-]+)">', page)
    return {key: outcome for outcome, key in rows}


def test_the_verify_page_says_everything_holds_for_honest_work(honest: HonestWorld, client: Client) -> None:
    page = client.get(reverse("governance:verify-submission", args=[honest.submission.pk])).content.decode()

    assert "<strong>Everything holds.</strong>" in page
    assert row_outcomes(page) == {
        "filemodel0": "holds",
        "filesource1": "holds",
        "content_hash": "holds",
        "inclusion_proof": "holds",
        "root_on_chain": "holds",
        "results_hash": "holds",
        "ranked": "holds",
        "signatures": "holds",
    }
    clue_page = client.get(reverse("governance:verify-clue", args=[honest.clue.pk])).content.decode()
    assert "<strong>Everything holds.</strong>" in clue_page
    assert set(row_outcomes(clue_page).values()) == {"holds"} and len(row_outcomes(clue_page)) == 4


@pytest.mark.parametrize(
    ("tamper", "failing_row"),
    [(tamper_model_file, "filemodel0"), (swap_proof, "inclusion_proof"), (forge_signature, "signatures")],
)
def test_the_verify_page_shows_what_does_not_hold_and_why(
    honest: HonestWorld, client: Client, tamper: object, failing_row: str
) -> None:
    tamper(honest)  # type: ignore[operator]

    page = client.get(reverse("governance:verify-submission", args=[honest.submission.pk])).content.decode()

    assert "<strong>Something does not hold:</strong>" in page
    assert row_outcomes(page)[failing_row] == "fails"
    assert "does not hold" in page


def test_submission_and_clue_pages_show_the_evidence_and_the_verify_button(
    honest: HonestWorld, client: Client
) -> None:
    page = client.get(reverse("bounties:submission-detail", args=[honest.submission.pk])).content.decode()
    results = ChallengeResults.objects.get(challenge=honest.challenge)
    verify_url = reverse("governance:verify-submission", args=[honest.submission.pk])
    assert f'id="verify-button" href="{verify_url}"' in page
    assert results.results_hash in page and results.attest_transaction.tx_hash in page  # type: ignore[union-attr]
    assert all(signer in page for signer in results.signers)

    clue_page = client.get(reverse("bounties:clue-detail", args=[honest.clue.pk])).content.decode()
    commitment = ClueCommitment.objects.select_related("batch__commit_transaction").get(clue=honest.clue)
    assert honest.clue.content_hash in clue_page and commitment.batch.root in clue_page
    assert commitment.batch.commit_transaction.tx_hash in clue_page  # type: ignore[union-attr]
    assert f'href="{reverse("governance:verify-clue", args=[honest.clue.pk])}"' in clue_page
    # The clue shares the submission's batch: one commit proves both.
    assert commitment.batch == SubmissionCommitment.objects.get(submission=honest.submission).batch


def test_the_evidence_api_gives_hashes_urls_proof_escrow_and_signatures(
    honest: HonestWorld, client: Client
) -> None:
    answer = client.get(reverse("api:verification-submission", args=[honest.submission.pk])).json()

    commitment = SubmissionCommitment.objects.select_related("batch__commit_transaction").get(
        submission=honest.submission
    )
    results = ChallengeResults.objects.get(challenge=honest.challenge)
    assert answer["content_hash"] == honest.submission.content_hash
    assert answer["author_id"] == honest.submission.contributor_id
    assert [(f["role"], f["sha256"]) for f in answer["files"]] == [
        ("model", honest.submission.model_artifact.sha256),
        ("source", honest.submission.source_artifact.sha256),  # type: ignore[union-attr]
    ]
    assert answer["files"][0]["url"] == "http://testserver" + reverse(
        "bounties:submission-file", args=[honest.submission.pk, "model"]
    )
    assert answer["escrow"] == {
        "chain_id": 31337,
        "address": honest.chain.deployment.escrow,
        "challenge_id": 1,
    }
    assert answer["commitment"]["batch_root"] == commitment.batch.root
    assert answer["commitment"]["proof"] == commitment.proof
    assert answer["commitment"]["committer"] == honest.chain.relayer.address
    assert (answer["results"]["signers"], answer["results"]["signatures"]) == (
        results.signers,
        results.signatures,
    )
    assert client.get(reverse("api:verification-submission", args=[999999])).status_code == 404
    clue = client.get(reverse("api:verification-clue", args=[honest.clue.pk])).json()
    assert (clue["kind"], clue["results"], clue["content_hash"]) == ("clue", None, honest.clue.content_hash)

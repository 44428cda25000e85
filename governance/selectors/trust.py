"""What the challenge and submission pages show of the trust chain, read from the database only.

Pages never wait for the node: every value here is a stored record or an outbox row's state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bounties.models import Challenge, HiddenDataset, Submission
from governance.models import ChallengeOnChain, ChallengeResults, SubmissionCommitment
from governance.selectors.trust_results import challenge_attestation
from governance.selectors.trust_spec import challenge_spec, spec_fingerprint


@dataclass(frozen=True)
class ChallengeTrust:
    """The challenge page's trust section: the committed spec, and the attested final results."""

    on_chain: ChallengeOnChain | None
    spec_document_pretty: str  # the committed document, indented for reading (hash the canonical bytes)
    spec_still_matches: bool | None  # do today's rules and test set hash to the committed value?
    results: ChallengeResults | None


def challenge_trust(*, challenge: Challenge) -> ChallengeTrust:
    """The trust section of `challenge`'s page, in at most three queries."""
    on_chain = (
        ChallengeOnChain.objects.filter(challenge=challenge).select_related("create_transaction").first()
    )
    if on_chain is None:
        return ChallengeTrust(on_chain=None, spec_document_pretty="", spec_still_matches=None, results=None)
    dataset = HiddenDataset.objects.filter(challenge=challenge).first()
    still_matches = dataset is not None and _spec_still_matches(challenge, dataset, on_chain)
    return ChallengeTrust(
        on_chain=on_chain,
        spec_document_pretty=json.dumps(json.loads(on_chain.spec_document), indent=2, sort_keys=True),
        spec_still_matches=still_matches,
        results=challenge_attestation(challenge=challenge),
    )


def submission_commitment(*, submission: Submission) -> SubmissionCommitment | None:
    """The submission's batch, inclusion proof and commit transaction, or None before it is batched."""
    return (
        SubmissionCommitment.objects.filter(submission=submission)
        .select_related("batch__commit_transaction", "batch__challenge_on_chain")
        .first()
    )


def _spec_still_matches(challenge: Challenge, dataset: HiddenDataset, on_chain: ChallengeOnChain) -> bool:
    # The fingerprint taken at publish answers without rebuilding the spec, which imports torch: a web
    # process that never checked an organizer's settings does not load it for a page view.
    if on_chain.rules_fingerprint and spec_fingerprint(challenge=challenge, dataset=dataset) == (
        on_chain.rules_fingerprint
    ):
        return True
    return challenge_spec(challenge=challenge, dataset=dataset).spec_hash_hex == on_chain.spec_hash

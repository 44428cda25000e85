"""The chain part of the demo, moved forward by `chain_node --demo-story` once the contracts are deployed.

In order: the three challenges created in the escrow and funded; the worker's scores awaited; every
submission committed; the earlier rounds closed and attested; round 1's prizes proposed, voted, executed
and claimed; round 2's proposal submitted and left open for votes. Every step checks the database and the
chain first, so a finished story sends nothing and an interrupted one goes on from where it stopped.
"""

from __future__ import annotations

import enum

from bounties.demo_names import DEMO_SLUG
from bounties.models import Challenge
from governance.chain.client import ChainClient
from governance.demo import cast, chain_trust, chain_votes, plan
from governance.demo.waiting import DemoStuck, Log
from governance.models import ChainDeployment, OutgoingTransaction
from governance.selectors.deployment import current_deployment
from governance.services.connection import chain_client

CHAIN_RESET = (
    "The local chain was reset (its state file is new) while the database still holds the demo story told "
    "on the old chain: the funding, votes and payouts went with that chain. The site works on with what the "
    "database holds; to see the whole story again, stop `make run`, delete var/ and start it again."
)
NOT_SEEDED = "The demo's work is not in the database yet: `manage.py seed_demo_story` seeds it."


class StoryOutcome(enum.StrEnum):
    TOLD = "told"
    NOT_SEEDED = "not seeded"
    CHAIN_RESET = "chain reset"


def demo_story_run(*, log: Log) -> StoryOutcome:
    """Move the chain part of the demo as far as it goes. Raises DemoRefused, DemoStuck."""
    cast.demo_allowed_check()
    deployment = current_deployment()
    if deployment is None:
        raise DemoStuck("the contracts are not deployed on the local chain")
    slugs = [DEMO_SLUG, *(planned.slug for planned in plan.ROUNDS)]
    challenges = {c.slug: c for c in Challenge.objects.filter(slug__in=slugs)}
    if len(challenges) < len(slugs):
        log(NOT_SEEDED)
        return StoryOutcome.NOT_SEEDED
    if told_on_a_replaced_chain(list(challenges.values())):
        log(CHAIN_RESET)
        return StoryOutcome.CHAIN_RESET
    client = chain_client()
    # The members sign with their own development keys, their nonces from the node (not the platform's).
    member_client = ChainClient(client.w3, expected_chain_id=client.chain_id)
    ordered = [challenges[slug] for slug in slugs]
    rounds = ordered[1:]
    escrow_ids = chain_trust.escrow_ids_ensure(ordered, client=client)
    chain_trust.pools_fund(ordered, escrow_ids, deployment=deployment, client=member_client, log=log)
    chain_trust.scores_wait(ordered, log=log)
    chain_trust.commitments_ensure(ordered)
    chain_trust.rounds_close_and_attest(rounds, client=client, log=log)
    paid = chain_votes.proposal_submitted(
        challenges[plan.ROUND_PAID], deployment=deployment, client=client, log=log
    )
    chain_votes.proposal_paid_out(paid, client=client, member_client=member_client, log=log)
    # Last: the clock moves no more after this proposal opens, so its whole voting period is left.
    voting = chain_votes.proposal_submitted(
        challenges[plan.ROUND_VOTING], deployment=deployment, client=client, log=log
    )
    chain_votes.proposal_open_for_votes(voting, client=client, member_client=member_client, log=log)
    return StoryOutcome.TOLD


def told_on_a_replaced_chain(challenges: list[Challenge]) -> bool:
    """True when a demo challenge's escrow creation went to a deployment that has since been replaced."""
    replaced = ChainDeployment.objects.filter(replaced_at__isnull=False).values_list("pk", flat=True)
    purposes = [f"challenge-create:{pk}:{challenge.pk}" for pk in replaced for challenge in challenges]
    return OutgoingTransaction.objects.filter(purpose__in=purposes).exists()

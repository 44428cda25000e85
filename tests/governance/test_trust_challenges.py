"""Publishing a challenge commits its spec hash to the escrow: queued once, mined, id learnt, shown."""

from __future__ import annotations

import json

import pytest
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse

from bounties.models import HiddenDataset
from bounties.services.challenge_settings import challenge_settings_of
from bounties.services.challenges import challenge_update
from governance.chain.anvil import AnvilProcess
from governance.chain.escrow import PrizeEscrow
from governance.models import ChainDeployment, ChallengeOnChain, OutgoingTransaction
from governance.selectors import trust_spec
from governance.selectors.trust_spec import challenge_spec
from governance.services.challenges import challenge_on_chain_open
from governance.services.deployment import DeployOutcome, chain_deployment_ensure
from governance.services.trust import trust_chain_advance
from tests.factories import ChallengeFactory, HiddenDatasetFactory
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


UNREACHABLE_NODE = "http://127.0.0.1:9"  # the discard port: nothing answers JSON-RPC there


def test_publish_queues_create_challenge_once_and_the_escrow_stores_the_spec_hash(
    chain_settings: TrustChain, deployment_row: ChainDeployment
) -> None:
    challenge = publish_challenge()
    record = ChallengeOnChain.objects.get(challenge=challenge)
    expected = challenge_spec(challenge=challenge, dataset=HiddenDataset.objects.get(challenge=challenge))
    assert record.spec_hash == expected.spec_hash_hex
    assert record.spec_document.encode() == expected.canonical

    challenge_on_chain_open(challenge=challenge)  # again: nothing new
    trust_chain_advance()
    (row,) = OutgoingTransaction.objects.all()
    assert (row.purpose, row.function, row.status) == (
        f"challenge-create:{deployment_row.pk}:{challenge.pk}",
        "createChallenge",
        "queued",
    )
    assert record.escrow_challenge_id is None

    send_queued(chain_settings)
    trust_chain_advance()

    record.refresh_from_db()
    assert record.escrow_challenge_id == chain_settings.escrow.challenge_count() == 1
    on_chain = chain_settings.escrow.challenge(1)
    assert "0x" + on_chain.spec_hash.hex() == expected.spec_hash_hex
    assert on_chain.submission_deadline == int(challenge.ends_at.timestamp())
    assert OutgoingTransaction.objects.count() == 1


def test_the_spec_hash_changes_exactly_when_the_rules_or_the_hidden_set_change() -> None:
    challenge = ChallengeFactory.create()
    dataset = HiddenDatasetFactory.create(challenge=challenge, split_seed="a-secret-seed")
    first = challenge_spec(challenge=challenge, dataset=dataset)
    assert challenge_spec(challenge=challenge, dataset=dataset) == first
    assert b"a-secret-seed" not in first.canonical  # only its sha256

    challenge.title, challenge.daily_submission_limit, challenge.prize_pool = "Renamed", 1, 7
    assert challenge_spec(challenge=challenge, dataset=dataset).spec_hash == first.spec_hash

    changes: list[tuple[str, object]] = [
        ("metric", "macro_f1"),
        ("output_spec", {"shape": [12]}),
        ("input_spec", {"shape": [64], "dtype": "float64"}),
    ]
    for field, value in changes:
        changed = ChallengeFactory.build(**{**_fields(challenge), field: value})
        assert challenge_spec(challenge=changed, dataset=dataset).spec_hash != first.spec_hash, field
    dataset_changes: list[tuple[str, object]] = [
        ("sha256", "f" * 64),
        ("split_seed", "another-seed"),
        ("public_fraction", 0.5),
    ]
    for field, value in dataset_changes:
        other = HiddenDatasetFactory.build(**{**_dataset_fields(dataset), field: value})
        assert challenge_spec(challenge=challenge, dataset=other).spec_hash != first.spec_hash, field


def _fields(challenge: object) -> dict[str, object]:
    names = [
        "slug",
        "metric",
        "input_spec",
        "output_spec",
        "architectures",
        "starts_at",
        "ends_at",
        "organizer",
    ]
    return {name: getattr(challenge, name) for name in names}


def _dataset_fields(dataset: HiddenDataset) -> dict[str, object]:
    names = ["sha256", "split_seed", "public_fraction", "n_rows", "n_public", "challenge"]
    return {name: getattr(dataset, name) for name in names}


def test_without_a_deployment_publish_records_the_spec_and_queues_once_one_exists(
    settings: LazySettings,
) -> None:
    settings.CHAIN_RPC_URL = UNREACHABLE_NODE
    challenge = publish_challenge()
    record = ChallengeOnChain.objects.get(challenge=challenge)
    assert record.create_transaction is None
    assert not OutgoingTransaction.objects.exists()

    trust_chain_advance()  # no deployment, no node: nothing happens, nothing fails
    assert not OutgoingTransaction.objects.exists()

    ChainDeployment.objects.create(
        chain_id=settings.CHAIN_ID, token="0x" + "10" * 20, timelock="0x" + "11" * 20,
        governor="0x" + "12" * 20, escrow="0x" + "e5" * 20, prize_token="0x" + "10" * 20,
        guardian="0x" + "13" * 20, first_block=1,
    )  # fmt: skip
    trust_chain_advance()
    trust_chain_advance()
    record.refresh_from_db()
    (row,) = OutgoingTransaction.objects.all()
    assert record.create_transaction == row and row.status == "queued"


def test_with_the_chain_down_publishing_works_and_the_row_waits(
    deployment_row: ChainDeployment, settings: LazySettings
) -> None:
    settings.CHAIN_RPC_URL = UNREACHABLE_NODE
    challenge = publish_challenge()
    assert challenge.published_at is not None

    trust_chain_advance()

    record = ChallengeOnChain.objects.get(challenge=challenge)
    assert record.create_transaction is not None and record.create_transaction.status == "queued"
    assert record.escrow_challenge_id is None


def test_the_challenge_page_shows_the_spec_hash_and_what_it_commits_to(
    chain_settings: TrustChain, deployment_row: ChainDeployment, client: Client
) -> None:
    challenge = publish_challenge()
    url = reverse("bounties:challenge-detail", args=[challenge.slug])
    waiting = client.get(url).content.decode()
    record = ChallengeOnChain.objects.get(challenge=challenge)
    assert record.spec_hash in waiting and "Waiting to be sent" in waiting

    send_queued(chain_settings)
    trust_chain_advance()
    page = client.get(url).content.decode()

    row = OutgoingTransaction.objects.get()
    assert record.spec_hash in page and row.tx_hash in page and f"block <strong>{row.block_number}" in page
    assert "Escrow challenge <strong>#1</strong>" in page
    assert "still hash to this value" in page
    dataset = HiddenDataset.objects.get(challenge=challenge)
    assert dataset.sha256 in page and dataset.split_seed not in page
    assert json.loads(record.spec_document)["hidden_test_set"]["sha256"] == dataset.sha256


def test_the_page_says_so_when_todays_rules_no_longer_hash_to_the_committed_value(
    deployment_row: ChainDeployment, client: Client
) -> None:
    challenge = publish_challenge()
    settings_now = challenge_settings_of(challenge)
    challenge_update(challenge=challenge, settings=settings_now)  # unchanged rules: still matches
    assert (
        "still hash to this value"
        in client.get(reverse("bounties:challenge-detail", args=[challenge.slug])).content.decode()
    )

    HiddenDataset.objects.filter(challenge=challenge).update(sha256="0" * 64)  # behind the services' back
    page = client.get(reverse("bounties:challenge-detail", args=[challenge.slug])).content.decode()
    assert "no longer hash to this value" in page


def test_after_a_chain_reset_the_challenge_is_created_again_in_the_new_escrow(
    chain_settings: TrustChain, deployment_row: ChainDeployment, settings: LazySettings
) -> None:
    challenge = publish_challenge()
    send_queued(chain_settings)
    trust_chain_advance()
    record = ChallengeOnChain.objects.get(challenge=challenge)
    old_row = record.create_transaction
    assert old_row is not None and record.escrow_challenge_id == 1

    fresh = AnvilProcess(accounts=20)  # the node restarted without its state: same chain id, no contracts
    fresh_client = fresh.start()
    try:
        settings.CHAIN_RPC_URL = fresh.rpc_url
        settings.DEPLOYER_PRIVATE_KEY = "0x" + bytes(chain_settings.accounts[0].key).hex()
        redeployed = chain_deployment_ensure(demo_members=False)
        assert redeployed.outcome == DeployOutcome.REDEPLOYED
        new_deployment = redeployed.deployment

        trust_chain_advance()  # forgets the creation in the replaced escrow and queues it in the new one
        record.refresh_from_db()
        row = record.create_transaction
        assert row is not None and row.pk != old_row.pk and record.escrow_challenge_id is None
        assert (row.deployment_id, row.purpose, row.status) == (
            new_deployment.pk,
            f"challenge-create:{new_deployment.pk}:{challenge.pk}",
            "queued",
        )
        send_queued(chain_settings)
        trust_chain_advance()

        record.refresh_from_db()
        new_escrow = PrizeEscrow(fresh_client, new_deployment.escrow)
        assert record.escrow_challenge_id == new_escrow.challenge_count() == 1
        assert "0x" + new_escrow.challenge(1).spec_hash.hex() == record.spec_hash
        old_row.refresh_from_db()
        assert old_row.status == "mined" and OutgoingTransaction.objects.count() == 2
    finally:
        fresh.stop()


def test_the_challenge_page_checks_the_spec_without_rebuilding_it(
    deployment_row: ChainDeployment, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rebuilding the spec fills in architecture defaults from the registry, which imports torch; the page
    # compares the fingerprint taken at publish instead, and rebuilds only when the inputs changed.
    challenge = publish_challenge()
    assert ChallengeOnChain.objects.get(challenge=challenge).rules_fingerprint

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the page rebuilt the spec")

    monkeypatch.setattr(trust_spec, "canonical_architectures", refuse)
    page = client.get(reverse("bounties:challenge-detail", args=[challenge.slug])).content.decode()
    assert "still hash to this value" in page

    HiddenDataset.objects.filter(challenge=challenge).update(n_rows=7)  # the inputs changed: rebuilt
    with pytest.raises(AssertionError, match="rebuilt the spec"):
        client.get(reverse("bounties:challenge-detail", args=[challenge.slug]))

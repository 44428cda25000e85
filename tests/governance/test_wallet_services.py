"""Linking a wallet and signing in with it: the nonce's life, the account rules, and what is not changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

from governance.models import SignInNonce, WalletLink
from governance.services.wallets import (
    LINK_STATEMENT,
    MESSAGES,
    NONCE_LIFETIME,
    SIGN_IN_STATEMENT,
    WalletRefused,
    wallet_link,
    wallet_message_for,
    wallet_nonce_issue,
    wallet_sign_in,
    wallet_unlink,
)
from governance.wallets.siwe import SiweExpectation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EXPECTED = SiweExpectation(domain="clueboard.test", origin="https://clueboard.test", chain_id=31337)
ALICE_KEY = Account.from_key("0x" + "a1" * 32)
BOB_KEY = Account.from_key("0x" + "b0" * 32)


def signed(
    account: LocalAccount,
    *,
    expected: SiweExpectation = EXPECTED,
    nonce: SignInNonce | None = None,
    statement: str = SIGN_IN_STATEMENT,
) -> dict[str, Any]:
    """A sign-in message (or with LINK_STATEMENT, a link one) from the server, signed by `account`."""
    nonce = nonce or wallet_nonce_issue()
    text = wallet_message_for(nonce=nonce, address=account.address, expected=expected, statement=statement)
    signature = "0x" + bytes(account.sign_message(encode_defunct(text=text)).signature).hex()
    return {"text": text, "signature": signature, "expected": EXPECTED}


def linking(account: LocalAccount, **kwargs: Any) -> dict[str, Any]:
    return signed(account, statement=LINK_STATEMENT, **kwargs)


def refused(call: Any, **kwargs: Any) -> str:
    with pytest.raises(WalletRefused) as caught:
        call(**kwargs)
    assert caught.value.message == MESSAGES[caught.value.code]
    return caught.value.code


@pytest.fixture
def alice() -> Any:
    return UserFactory.create(username="alice")


@pytest.fixture
def bob() -> Any:
    return UserFactory.create(username="bob")


def test_a_nonce_is_long_alphanumeric_unique_and_expires_after_its_lifetime() -> None:
    first, second = wallet_nonce_issue(), wallet_nonce_issue()

    assert first.value != second.value
    assert len(first.value) >= 16 and first.value.isalnum()
    assert first.expires_at - first.created_at == pytest.approx(NONCE_LIFETIME, abs=timedelta(seconds=1))
    assert first.used_at is None


def test_old_expired_nonces_are_cleared_when_a_new_one_is_issued() -> None:
    stale = wallet_nonce_issue(now=timezone.now() - timedelta(days=1))

    wallet_nonce_issue()

    assert not SignInNonce.objects.filter(pk=stale.pk).exists()


def test_linking_stores_the_checksummed_address_the_message_and_consumes_the_nonce(alice: Any) -> None:
    proof = linking(ALICE_KEY)

    link = wallet_link(user=alice, **proof)

    assert (link.user, link.address, link.message, link.signature) == (
        alice,
        ALICE_KEY.address,
        proof["text"],
        proof["signature"],
    )
    assert SignInNonce.objects.get().used_at is not None


def test_signing_in_with_a_linked_wallet_returns_its_account(alice: Any) -> None:
    wallet_link(user=alice, **linking(ALICE_KEY))

    assert wallet_sign_in(**signed(ALICE_KEY)) == alice


def test_a_replayed_message_is_refused_the_second_time(alice: Any) -> None:
    wallet_link(user=alice, **linking(ALICE_KEY))
    proof = signed(ALICE_KEY)
    wallet_sign_in(**proof)

    assert refused(wallet_sign_in, **proof) == "nonce_used"


def test_an_unknown_nonce_is_refused(alice: Any) -> None:
    wallet_link(user=alice, **linking(ALICE_KEY))
    never_issued = SignInNonce(value="NeverIssuedByTheServer42", expires_at=timezone.now() + NONCE_LIFETIME)

    assert refused(wallet_sign_in, **signed(ALICE_KEY, nonce=never_issued)) == "nonce_unknown"


def test_an_expired_nonce_is_refused_even_inside_a_longer_message(alice: Any) -> None:
    wallet_link(user=alice, **linking(ALICE_KEY))
    nonce = wallet_nonce_issue()
    proof = signed(ALICE_KEY, nonce=nonce)
    # The message's own expiry passes too (it equals the nonce's); the nonce row alone is tested here.
    SignInNonce.objects.filter(pk=nonce.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert refused(wallet_sign_in, **proof) == "nonce_unknown"


def test_a_wrong_chain_is_refused_and_the_nonce_stays_usable(alice: Any) -> None:
    nonce = wallet_nonce_issue()
    other_chain = SiweExpectation(domain=EXPECTED.domain, origin=EXPECTED.origin, chain_id=1)

    assert (
        refused(wallet_link, user=alice, **linking(ALICE_KEY, expected=other_chain, nonce=nonce)) == "chain"
    )
    assert SignInNonce.objects.get(pk=nonce.pk).used_at is None
    assert wallet_link(user=alice, **linking(ALICE_KEY, nonce=nonce)).address == ALICE_KEY.address


def test_a_message_signed_by_another_key_is_refused_and_burns_nothing(alice: Any) -> None:
    wallet_link(user=alice, **linking(ALICE_KEY))
    proof = signed(ALICE_KEY)
    forged = signed(BOB_KEY)["signature"]  # bob's key over another text: recovers neither address

    assert refused(wallet_sign_in, **{**proof, "signature": forged}) == "signature"
    assert SignInNonce.objects.filter(used_at__isnull=True).count() == 2  # neither proof's nonce used


def test_a_signature_by_another_key_over_the_same_text_is_refused(alice: Any) -> None:
    wallet_link(user=alice, **linking(ALICE_KEY))
    proof = signed(ALICE_KEY)
    bobs = "0x" + bytes(BOB_KEY.sign_message(encode_defunct(text=proof["text"])).signature).hex()

    assert refused(wallet_sign_in, **{**proof, "signature": bobs}) == "signature"


def test_an_address_linked_to_another_account_cannot_be_linked_again(alice: Any, bob: Any) -> None:
    wallet_link(user=alice, **linking(ALICE_KEY))
    proof = linking(ALICE_KEY)

    assert refused(wallet_link, user=bob, **proof) == "address_taken"
    assert list(WalletLink.objects.values_list("user", flat=True)) == [alice.pk]
    assert SignInNonce.objects.get(value=proof["text"].split("Nonce: ")[1].split("\n")[0]).used_at is None


def test_an_account_links_one_address_at_most(alice: Any) -> None:
    wallet_link(user=alice, **linking(ALICE_KEY))

    assert refused(wallet_link, user=alice, **linking(BOB_KEY)) == "account_has_wallet"
    assert list(WalletLink.objects.values_list("address", flat=True)) == [ALICE_KEY.address]


def test_an_unlinked_wallet_cannot_sign_in() -> None:
    assert refused(wallet_sign_in, **signed(BOB_KEY)) == "no_account"


def test_an_account_with_an_unverified_email_cannot_sign_in_with_its_wallet() -> None:
    unverified = UserFactory.create(username="carol", email_verified=False)
    wallet_link(user=unverified, **linking(ALICE_KEY))
    proof = signed(ALICE_KEY)

    assert refused(wallet_sign_in, **proof) == "email_unverified"
    assert SignInNonce.objects.filter(used_at__isnull=True).count() == 1


def test_an_inactive_account_cannot_sign_in_with_its_wallet(alice: Any) -> None:
    wallet_link(user=alice, **linking(ALICE_KEY))
    alice.is_active = False
    alice.save(update_fields=["is_active"])

    assert refused(wallet_sign_in, **signed(ALICE_KEY)) == "inactive"


def test_unlinking_frees_the_address_for_another_account(alice: Any, bob: Any) -> None:
    wallet_link(user=alice, **linking(ALICE_KEY))

    wallet_unlink(user=alice)
    relinked = wallet_link(user=bob, **linking(ALICE_KEY))

    assert relinked.user == bob
    assert refused(wallet_unlink, user=alice) == "no_wallet"
    assert refused(wallet_sign_in, **signed(BOB_KEY)) == "no_account"


def test_a_message_signed_to_link_does_not_sign_in_and_the_reverse(alice: Any) -> None:
    wallet_link(user=alice, **linking(ALICE_KEY))
    bob = UserFactory.create(username="bob")

    assert refused(wallet_sign_in, **linking(ALICE_KEY)) == "wrong_action"
    assert refused(wallet_link, user=bob, **signed(BOB_KEY)) == "wrong_action"
    assert SignInNonce.objects.filter(used_at__isnull=True).count() == 2

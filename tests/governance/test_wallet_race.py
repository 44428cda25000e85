"""Two submissions of one signed message at the same moment: the conditional update lets one through."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from eth_account import Account
from eth_account.messages import encode_defunct

from governance.models import SignInNonce
from governance.services.wallets import (
    LINK_STATEMENT,
    SIGN_IN_STATEMENT,
    WalletRefused,
    wallet_link,
    wallet_message_for,
    wallet_nonce_issue,
    wallet_sign_in,
)
from governance.wallets.siwe import SiweExpectation
from tests.factories import UserFactory

EXPECTED = SiweExpectation(domain="clueboard.test", origin="https://clueboard.test", chain_id=31337)
WALLET = Account.from_key("0x" + "a1" * 32)


def signed(statement: str) -> dict[str, Any]:
    text = wallet_message_for(
        nonce=wallet_nonce_issue(), address=WALLET.address, expected=EXPECTED, statement=statement
    )
    signature = "0x" + bytes(WALLET.sign_message(encode_defunct(text=text)).signature).hex()
    return {"text": text, "signature": signature, "expected": EXPECTED}


@pytest.mark.django_db(transaction=True)
def test_racing_sign_ins_with_one_message_let_exactly_one_through() -> None:
    alice = UserFactory.create(username="alice")
    wallet_link(user=alice, **signed(LINK_STATEMENT))
    proof = signed(SIGN_IN_STATEMENT)
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def attempt() -> None:
        start.wait()
        try:
            outcomes.append(f"user {wallet_sign_in(**proof).pk}")
        except WalletRefused as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == sorted([f"user {alice.pk}", "nonce_used", "nonce_used", "nonce_used"])
    assert SignInNonce.objects.filter(used_at__isnull=True).count() == 0

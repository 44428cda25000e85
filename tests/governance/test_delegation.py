"""Delegation by signature, relayed: checked before any gas, then the delegate holds the votes."""

from __future__ import annotations

from typing import Any

import pytest
from eth_account.signers.local import LocalAccount

from governance.chain.client import ChainClient
from governance.chain.eip712 import sign_typed_data
from governance.models import ChainDeployment, OutgoingTransaction, RelayedDelegation
from governance.services import delegation
from governance.services.delegation import delegation_relay, delegation_typed_data, signed_delegation_parse
from governance.services.relaying import RelayRefused
from tests.contracts.helpers import MEMBER_STAKE, Dao
from tests.governance.dao_fixtures import *  # noqa: F403
from tests.governance.dao_fixtures import send_outbox_row

pytestmark = pytest.mark.django_db


def signed(
    deployment: ChainDeployment,
    holder: LocalAccount,
    delegatee: str,
    *,
    signer: LocalAccount | None = None,
    **message: Any,
) -> delegation.SignedDelegation:
    document = delegation_typed_data(deployment=deployment, delegator=holder.address, delegatee=delegatee)
    document["message"] |= message
    signature = sign_typed_data(signer or holder, document)
    body = {
        "delegator": holder.address,
        "delegatee": delegatee,
        "nonce": str(document["message"]["nonce"]),
        "expiry": document["message"]["expiry"],
        "signature": "0x" + signature.hex(),
    }
    return signed_delegation_parse(body)


def test_a_signed_delegation_is_relayed_and_moves_the_votes(
    dao: Dao, deployment: ChainDeployment, client: ChainClient
) -> None:
    holder, delegate = dao.actors.members[3], dao.actors.members[0]
    request = signed(deployment, holder, delegate.address)

    row = delegation_relay(deployment=deployment, signed=request)
    assert delegation_relay(deployment=deployment, signed=request).pk == row.pk
    assert (row.outgoing.function, row.delegatee) == ("delegateBySig", delegate.address)
    send_outbox_row(client, row.outgoing, dao.actors.relayer)

    assert dao.token.delegates(holder.address) == delegate.address
    assert dao.token.get_votes(delegate.address) == 2 * MEMBER_STAKE
    assert dao.token.get_votes(holder.address) == 0
    # The used nonce signed again (another expiry, so another signature) is refused.
    old = signed(deployment, holder, dao.actors.members[1].address, nonce=0, expiry=request.expiry + 1)
    with pytest.raises(RelayRefused) as replayed:
        delegation_relay(deployment=deployment, signed=old)
    assert replayed.value.message == delegation.STALE_NONCE
    assert RelayedDelegation.objects.count() == 1


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("forged", delegation.FORGED),
        ("expired", delegation.EXPIRED),
        ("nonce", delegation.STALE_NONCE),
        ("empty", delegation.NO_TOKENS),
        ("already", delegation.ALREADY),
    ],
)
def test_refused_delegations_spend_nothing(
    dao: Dao, deployment: ChainDeployment, client: ChainClient, case: str, message: str
) -> None:
    holder, delegate = dao.actors.members[3], dao.actors.members[0].address
    now = client.latest_timestamp()
    request = {
        "forged": lambda: signed(deployment, holder, delegate, signer=dao.actors.members[4]),
        "expired": lambda: signed(deployment, holder, delegate, expiry=now + 10),
        "nonce": lambda: signed(deployment, holder, delegate, nonce=7),
        "empty": lambda: signed(deployment, dao.actors.outsider, delegate),
        "already": lambda: signed(deployment, holder, holder.address),
    }[case]()
    relayer_nonce = client.pending_nonce(dao.actors.relayer.address)

    with pytest.raises(RelayRefused) as refused:
        delegation_relay(deployment=deployment, signed=request)
    assert refused.value.message == message
    assert not RelayedDelegation.objects.exists() and not OutgoingTransaction.objects.exists()
    assert client.pending_nonce(dao.actors.relayer.address) == relayer_nonce

"""The ballot endpoints: typed data to sign, then the signed ballot relayed, refusals as fixed messages."""

from __future__ import annotations

import pytest
from eth_account import Account
from rest_framework.test import APIClient

from governance.chain.eip712 import sign_typed_data
from governance.models import ChainDeployment, OutgoingTransaction, RelayedBallot
from governance.services import ballots
from tests.contracts.helpers import Dao
from tests.factories import UserFactory
from tests.governance.dao_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def _post_signed(api: APIClient, proposal_id: int, voter: object, support: int) -> object:
    address = voter.address  # type: ignore[attr-defined]
    base = f"/api/v1/governance/proposals/{proposal_id}/"
    typed = api.get(base + "ballot-typed-data/", {"voter": address, "support": support, "reason": "why not"})
    assert typed.status_code == 200, typed.content
    document = typed.json()
    signature = sign_typed_data(voter, document)  # type: ignore[arg-type]
    body = {
        "voter": address,
        "support": support,
        "reason": "why not",
        "nonce": str(document["message"]["nonce"]),
        "signature": "0x" + signature.hex(),
    }
    return api.post(base + "ballots/", body, format="json")


def test_a_signed_in_member_relays_a_ballot_and_a_second_one_gets_the_fixed_message(
    dao: Dao, deployment: ChainDeployment, open_proposal: int
) -> None:
    api = APIClient()
    voter = dao.actors.members[2]
    assert _post_signed(api, open_proposal, voter, 1).status_code in (401, 403)  # type: ignore[attr-defined]

    api.force_authenticate(UserFactory.create())
    created = _post_signed(api, open_proposal, voter, 1)
    assert created.status_code == 201, created.content  # type: ignore[attr-defined]
    assert created.json()["status"] == "relaying"  # type: ignore[attr-defined]
    assert created.json()["transaction"]["function"] == "castVoteWithReasonAndParamsBySig"  # type: ignore[attr-defined]

    again = _post_signed(api, open_proposal, voter, 0)
    assert again.status_code == 409  # type: ignore[attr-defined]
    assert again.json() == {"detail": ballots.ALREADY_VOTED, "code": "relay_refused"}  # type: ignore[attr-defined]
    assert RelayedBallot.objects.count() == 1 and OutgoingTransaction.objects.count() == 1


def test_a_zero_power_ballot_through_the_api_is_refused_and_nothing_is_stored(
    dao: Dao, deployment: ChainDeployment, open_proposal: int
) -> None:
    api = APIClient()
    api.force_authenticate(UserFactory.create())

    refused = _post_signed(api, open_proposal, Account.create(), 1)

    assert refused.status_code == 409  # type: ignore[attr-defined]
    assert refused.json()["detail"] == ballots.NO_POWER  # type: ignore[attr-defined]
    assert not RelayedBallot.objects.exists() and not OutgoingTransaction.objects.exists()


def test_a_malformed_ballot_names_its_field(deployment: ChainDeployment, open_proposal: int) -> None:
    api = APIClient()
    api.force_authenticate(UserFactory.create())
    response = api.post(
        f"/api/v1/governance/proposals/{open_proposal}/ballots/",
        {"voter": "nobody", "support": 1, "nonce": "0", "signature": "0x00"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "voter"


def test_the_typed_data_gives_its_uint256_values_as_decimal_strings(
    dao: Dao, deployment: ChainDeployment, open_proposal: int
) -> None:
    voter = dao.actors.members[2].address
    typed = APIClient().get(
        f"/api/v1/governance/proposals/{open_proposal}/ballot-typed-data/", {"voter": voter}
    )

    # A proposal id is a hash: past 2^53, where a JSON number would lose digits in the browser.
    assert open_proposal > 2**53
    assert typed.json()["message"] == {
        "proposalId": str(open_proposal),
        "support": 1,
        "voter": voter,
        "nonce": str(dao.governor.ballot_nonce(voter=voter, proposal_id=open_proposal)),
    }

"""The EIP-4361 verifier alone (no database): the strict parser, and every check with its fixed message."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

from governance.wallets.siwe import (
    MESSAGES,
    SiweExpectation,
    SiweMessage,
    SiweRefused,
    siwe_message_text,
    siwe_parse,
    siwe_signer,
    siwe_verify,
)

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
EXPECTED = SiweExpectation(domain="clueboard.test", origin="https://clueboard.test", chain_id=31337)
# The example of EIP-4361 itself, byte for byte.
EIP_EXAMPLE = (
    "example.com wants you to sign in with your Ethereum account:\n"
    "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2\n"
    "\n"
    "I accept the ExampleOrg Terms of Service: https://example.com/tos\n"
    "\n"
    "URI: https://example.com/login\n"
    "Version: 1\n"
    "Chain ID: 1\n"
    "Nonce: 32891756\n"
    "Issued At: 2021-09-30T16:25:24Z\n"
    "Resources:\n"
    "- ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/\n"
    "- https://example.com/my-web2-claim.json"
)


@pytest.fixture(scope="module")
def signer() -> LocalAccount:
    return Account.from_key("0x" + "11" * 32)


@pytest.fixture(scope="module")
def other() -> LocalAccount:
    return Account.from_key("0x" + "22" * 32)


def message_for(account: LocalAccount, **changes: object) -> SiweMessage:
    base = SiweMessage(
        domain="clueboard.test",
        address=account.address,
        statement="Sign in to Clueboard with this wallet.",
        uri="https://clueboard.test/",
        version="1",
        chain_id=31337,
        nonce="abcDEF0123456789xyzXYZ01",
        issued_at=NOW - timedelta(seconds=5),
        expiration_time=NOW + timedelta(minutes=5),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def sign(account: LocalAccount, text: str) -> str:
    return "0x" + bytes(account.sign_message(encode_defunct(text=text)).signature).hex()


def refusal(text: str, signature: str, *, now: datetime = NOW) -> str:
    with pytest.raises(SiweRefused) as caught:
        siwe_verify(text=text, signature=signature, expected=EXPECTED, now=now)
    assert str(caught.value) == MESSAGES[caught.value.code]
    return caught.value.code


def test_the_eips_example_parses_into_every_field_and_prints_back_identically() -> None:
    message = siwe_parse(EIP_EXAMPLE)

    assert message == SiweMessage(
        domain="example.com",
        address="0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
        statement="I accept the ExampleOrg Terms of Service: https://example.com/tos",
        uri="https://example.com/login",
        version="1",
        chain_id=1,
        nonce="32891756",
        issued_at=datetime(2021, 9, 30, 16, 25, 24, tzinfo=UTC),
        resources=(
            "ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/",
            "https://example.com/my-web2-claim.json",
        ),
    )
    assert siwe_message_text(message) == EIP_EXAMPLE


def test_optional_fields_and_a_missing_statement_round_trip(signer: LocalAccount) -> None:
    message = message_for(
        signer,
        statement=None,
        scheme="https",
        not_before=NOW - timedelta(minutes=1),
        request_id="req-7",
    )
    text = siwe_message_text(message)

    assert "\n\n\nURI: " in text  # no statement: address, blank, blank, fields (EIP-4361 ABNF)
    assert text.startswith("https://clueboard.test wants you")
    assert siwe_parse(text) == message


def test_a_good_message_verifies_and_returns_the_parsed_value(signer: LocalAccount) -> None:
    message = message_for(signer)
    text = siwe_message_text(message)

    assert siwe_verify(text=text, signature=sign(signer, text), expected=EXPECTED, now=NOW) == message


def test_a_signature_by_another_key_is_refused(signer: LocalAccount, other: LocalAccount) -> None:
    text = siwe_message_text(message_for(signer))

    assert refusal(text, sign(other, text)) == "signature"


def test_a_signature_over_other_text_is_refused(signer: LocalAccount) -> None:
    text = siwe_message_text(message_for(signer))
    tampered = text.replace("Chain ID: 31337", "Chain ID: 31337").replace("Nonce: abc", "Nonce: abd")

    assert refusal(tampered, sign(signer, text)) == "signature"


@pytest.mark.parametrize("signature", ["", "0x", "0x" + "00" * 65, "0x" + "zz" * 65, "0x" + "ab" * 64, None])
def test_garbage_signatures_are_refused_without_an_exception(signer: LocalAccount, signature: object) -> None:
    text = siwe_message_text(message_for(signer))

    assert siwe_signer(text=text, signature=signature) is None  # type: ignore[arg-type]
    assert refusal(text, signature) == "signature"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"chain_id": 1}, "chain"),
        ({"domain": "evil.test"}, "domain"),
        ({"scheme": "http"}, "domain"),  # the right host, but not over this site's scheme
        ({"uri": "https://evil.test/"}, "uri"),
        ({"uri": "http://clueboard.test/"}, "uri"),
        ({"uri": "https://clueboard.test:8443/"}, "uri"),
        ({"expiration_time": NOW}, "expired"),
        ({"expiration_time": NOW - timedelta(seconds=1)}, "expired"),
        ({"not_before": NOW + timedelta(seconds=1)}, "not_yet_valid"),
        ({"issued_at": NOW + timedelta(minutes=5)}, "issued_in_future"),
    ],
)
def test_each_rule_refuses_with_its_own_message(
    signer: LocalAccount, changes: dict[str, object], code: str
) -> None:
    text = siwe_message_text(message_for(signer, **changes))

    assert refusal(text, sign(signer, text)) == code


def test_a_little_clock_skew_is_tolerated(signer: LocalAccount) -> None:
    text = siwe_message_text(message_for(signer, issued_at=NOW + timedelta(seconds=30)))

    assert (
        siwe_verify(text=text, signature=sign(signer, text), expected=EXPECTED, now=NOW).address
        == signer.address
    )


def test_a_version_other_than_1_is_refused(signer: LocalAccount) -> None:
    text = siwe_message_text(message_for(signer, version="2"))

    assert refusal(text, sign(signer, text)) == "version"


def _good_text() -> str:
    return siwe_message_text(message_for(Account.from_key("0x" + "11" * 32), not_before=NOW, request_id="r1"))


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: "",
        lambda t: t.replace(" wants you to sign in with your Ethereum account:", " wants you to sign in:"),
        lambda t: t.replace("\n", "\r\n"),
        lambda t: t.replace("Version: 1\n", ""),  # a required field missing
        lambda t: t.replace("URI: ", "Uri: "),
        lambda t: t.replace("Chain ID: 31337", "Chain ID: 0x7a69"),
        lambda t: t.replace("Chain ID: 31337", "Chain ID: 031337"),
        lambda t: t.replace("Nonce: abcDEF0123456789xyzXYZ01", "Nonce: short"),
        lambda t: t.replace("Nonce: abcDEF0123456789xyzXYZ01", "Nonce: has-dashes-in-it"),
        lambda t: t.replace("Issued At: 2026-11-27T11:59:55Z", "Issued At: 2026-11-27 11:59:55"),
        lambda t: t.replace("Issued At: 2026-11-27T11:59:55Z", "Issued At: 2026-11-27T11:59:55"),  # no zone
        lambda t: t.replace("Issued At: 2026-11-27T11:59:55Z", "Issued At: 2026-13-27T11:59:55Z"),
        lambda t: t.replace("URI: https://clueboard.test/", "URI: not a uri"),
        lambda t: t.replace(
            "0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A", "0x19e7e376e7c213b7e7e7e46cc70a5dd086daff2a"
        ),
        lambda t: t.replace("0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A", "0x19e7e376"),
        lambda t: t.replace("Not Before: ", "Request ID: r0\nNot Before: "),  # fields out of order
        lambda t: t + "\nExtra: field",
        lambda t: t + "\nResources:\nnot-a-list-item",
        lambda t: t + "\n",
        lambda t: t.replace("\n\nSign in", "\nSign in"),  # the blank line after the address missing
        lambda t: t.replace("wallet.\n\n", "wallet.\nsecond line\n\n"),  # a statement on two lines
        lambda t: t + "\nResources:\n- " + "a" * 5000,  # longer than any honest message
    ],
)
def test_malformed_messages_are_refused_as_malformed(mangle: object) -> None:
    text = mangle(_good_text())  # type: ignore[operator]

    with pytest.raises(SiweRefused) as caught:
        siwe_parse(text)

    assert caught.value.code == "malformed"
    assert caught.value.message == MESSAGES["malformed"]


def test_the_mangle_cases_start_from_a_message_that_parses() -> None:
    """The malformed cases above change one thing each: the text they start from is valid."""
    text = _good_text()

    assert "0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A" in text and "Issued At: 2026-11-27T11:59:55Z" in text
    assert siwe_parse(text).request_id == "r1"

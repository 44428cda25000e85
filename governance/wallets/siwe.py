"""Sign-In with Ethereum (EIP-4361): a strict parser of the message text and the checks on it.

Trust boundary: the message text and the signature come from a browser and a wallet. They are parsed here
into a small typed value and checked against what the server expects (its own host, origin and chain);
every refusal carries a message chosen from the fixed set below. Nothing here imports Django, so the
rules can be tested alone; the nonce's storage (exists, unused, unexpired, consumed) is the caller's.

The `siwe` package pins web3 < 8 and does not import with the current `abnf`, hence this small verifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import is_checksum_address

# What the user is told for each refusal; the server picks the text, never the client.
MESSAGES = {
    "malformed": "The sign-in message is not a valid Sign-In with Ethereum message.",
    "version": "Only version 1 of Sign-In with Ethereum is supported.",
    "domain": "The sign-in message was made for another site.",
    "uri": "The sign-in message names another address than this site.",
    "chain": "The sign-in message was signed for another chain: switch your wallet to this site's chain.",
    "expired": "The sign-in message has expired: please sign in again.",
    "not_yet_valid": "The sign-in message is not valid yet.",
    "issued_in_future": "The sign-in message was issued in the future: check your computer's clock.",
    "signature": "The signature does not match the address in the sign-in message.",
    "nonce_unknown": "This sign-in request is unknown or has expired: please try again.",
    "nonce_used": "This sign-in request was already used: please try again.",
}
MAX_MESSAGE_CHARS = 4096  # the longest honest message is far shorter; refuse work on anything larger
_HEADER = re.compile(
    r"^(?:(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*)://)?(?P<domain>[^\s/?#]+) "
    r"wants you to sign in with your Ethereum account:$"
)
_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_NONCE = re.compile(r"^[a-zA-Z0-9]{8,}$")
_CHAIN_ID = re.compile(r"^[1-9][0-9]{0,18}$")
_SIGNATURE = re.compile(r"^0x[0-9a-fA-F]{130}$")
# RFC 3339 date-time: a full date, a time with optional fraction, and an explicit offset.
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")
# The statement may hold any printable characters but no line break (EIP-4361: reserved/unreserved/space).
_STATEMENT = re.compile(r"^[^\n\r]+$")
_REQUIRED_FIELDS = ("URI", "Version", "Chain ID", "Nonce", "Issued At")
_OPTIONAL_FIELDS = ("Expiration Time", "Not Before", "Request ID")


class SiweRefused(Exception):
    """The message or its signature was refused; `code` names the rule and `message` is for the user."""

    def __init__(self, code: str) -> None:
        super().__init__(MESSAGES[code])
        self.code = code
        self.message = MESSAGES[code]


@dataclass(frozen=True)
class SiweMessage:
    """A parsed EIP-4361 message; `address` is checksummed and the times are timezone-aware."""

    domain: str
    address: str
    statement: str | None
    uri: str
    version: str
    chain_id: int
    nonce: str
    issued_at: datetime
    scheme: str | None = None
    expiration_time: datetime | None = None
    not_before: datetime | None = None
    request_id: str | None = None
    resources: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiweExpectation:
    """What the server requires: its own host (`domain`), origin (`scheme://host`) and chain id."""

    domain: str
    origin: str
    chain_id: int
    clock_skew: timedelta = timedelta(seconds=60)


def siwe_message_text(message: SiweMessage) -> str:
    """The EIP-4361 text of `message`, as a wallet shows and signs it (the inverse of the parser)."""
    prefix = f"{message.scheme}://" if message.scheme else ""
    lines = [
        f"{prefix}{message.domain} wants you to sign in with your Ethereum account:",
        message.address,
        "",
    ]
    # EIP-4361: address LF LF [statement LF] LF; without a statement, two blank lines.
    lines += [message.statement, ""] if message.statement is not None else [""]
    lines += [
        f"URI: {message.uri}",
        f"Version: {message.version}",
        f"Chain ID: {message.chain_id}",
        f"Nonce: {message.nonce}",
        f"Issued At: {_format_time(message.issued_at)}",
    ]
    if message.expiration_time is not None:
        lines.append(f"Expiration Time: {_format_time(message.expiration_time)}")
    if message.not_before is not None:
        lines.append(f"Not Before: {_format_time(message.not_before)}")
    if message.request_id is not None:
        lines.append(f"Request ID: {message.request_id}")
    if message.resources:
        lines += ["Resources:", *(f"- {resource}" for resource in message.resources)]
    return "\n".join(lines)


def siwe_parse(text: str) -> SiweMessage:
    """Parse EIP-4361 text strictly: every line in its place, nothing extra.

    Raises SiweRefused("malformed") for anything else, SiweRefused("version") for a version other than 1.
    """
    if not isinstance(text, str) or len(text) > MAX_MESSAGE_CHARS or "\r" in text:
        raise SiweRefused("malformed")
    lines = text.split("\n")
    header = _HEADER.match(lines[0])
    if header is None or len(lines) < 9 or not _ADDRESS.match(lines[1]) or lines[2] != "":
        raise SiweRefused("malformed")
    if not is_checksum_address(lines[1]):
        raise SiweRefused("malformed")  # EIP-4361 requires the EIP-55 spelling
    statement, rest = _split_statement(lines[3:])
    fields, resources = _parse_fields(rest)
    if fields["Version"] != "1":
        raise SiweRefused("version")
    if not _CHAIN_ID.match(fields["Chain ID"]) or not _NONCE.match(fields["Nonce"]):
        raise SiweRefused("malformed")
    if not _is_uri(fields["URI"]) or not all(_is_uri(resource) for resource in resources):
        raise SiweRefused("malformed")
    return SiweMessage(
        domain=header["domain"],
        scheme=header["scheme"],
        address=lines[1],
        statement=statement,
        uri=fields["URI"],
        version=fields["Version"],
        chain_id=int(fields["Chain ID"]),
        nonce=fields["Nonce"],
        issued_at=_parse_time(fields["Issued At"]),
        expiration_time=_parse_time(fields["Expiration Time"]) if "Expiration Time" in fields else None,
        not_before=_parse_time(fields["Not Before"]) if "Not Before" in fields else None,
        request_id=fields.get("Request ID"),
        resources=tuple(resources),
    )


def _split_statement(lines: list[str]) -> tuple[str | None, list[str]]:
    """After the address and its blank line: either a blank line (no statement) or statement + blank."""
    if lines[0] == "":
        return None, lines[1:]
    if _STATEMENT.match(lines[0]) and len(lines) > 1 and lines[1] == "":
        return lines[0], lines[2:]
    raise SiweRefused("malformed")


def _parse_fields(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """The `Name: value` lines in the EIP's order (optional ones may be left out), then any resources."""
    fields: dict[str, str] = {}
    position = 0
    for name in (*_REQUIRED_FIELDS, *_OPTIONAL_FIELDS):
        line = lines[position] if position < len(lines) else None
        if line is not None and line.startswith(f"{name}: ") and len(line) > len(name) + 2:
            fields[name] = line[len(name) + 2 :]
            position += 1
        elif name in _REQUIRED_FIELDS:
            raise SiweRefused("malformed")
    rest = lines[position:]
    if not rest:
        return fields, []
    if rest[0] != "Resources:" or not all(line.startswith("- ") and len(line) > 2 for line in rest[1:]):
        raise SiweRefused("malformed")
    return fields, [line[2:] for line in rest[1:]]


def _is_uri(value: str) -> bool:
    """An absolute URI (RFC 3986 scheme, no whitespace): what EIP-4361 asks of `URI` and resources."""
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$", value))


def _parse_time(value: str) -> datetime:
    if not _DATETIME.match(value):
        raise SiweRefused("malformed")
    try:
        return datetime.fromisoformat(value)
    except ValueError as error:  # e.g. month 13: the shape was right, the date is not
        raise SiweRefused("malformed") from error


def _format_time(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def siwe_verify(*, text: str, signature: str, expected: SiweExpectation, now: datetime) -> SiweMessage:
    """Parse `text` and check it against `expected` at `now`, then check the EIP-191 signature.

    The nonce is not checked here (it lives in the caller's storage): check and consume it after this
    returns. Raises SiweRefused with the first rule that failed.
    """
    message = siwe_parse(text)
    if message.domain != expected.domain:
        raise SiweRefused("domain")
    if message.scheme is not None and f"{message.scheme}://{message.domain}" != expected.origin:
        raise SiweRefused("domain")
    parts = urlsplit(message.uri)
    if f"{parts.scheme}://{parts.netloc}" != expected.origin:
        raise SiweRefused("uri")
    if message.chain_id != expected.chain_id:
        raise SiweRefused("chain")
    if message.expiration_time is not None and now >= message.expiration_time:
        raise SiweRefused("expired")
    if message.not_before is not None and now < message.not_before:
        raise SiweRefused("not_yet_valid")
    if message.issued_at > now + expected.clock_skew:
        raise SiweRefused("issued_in_future")
    if siwe_signer(text=text, signature=signature) != message.address:
        raise SiweRefused("signature")
    return message


def siwe_signer(*, text: str, signature: str) -> str | None:
    """The checksummed address whose key signed `text` with personal_sign (EIP-191), or None."""
    if not isinstance(signature, str) or not _SIGNATURE.match(signature):
        return None
    try:
        return str(Account.recover_message(encode_defunct(text=text), signature=signature))
    except Exception:  # a signature off the curve or with a bad v: any failure means "not signed"
        return None

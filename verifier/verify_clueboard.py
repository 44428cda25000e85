#!/usr/bin/env python3
"""Verify a Clueboard submission or clue from public data only: the site's published files and evidence
API, and any node of the chain. Needs only the standard library and web3 (with eth_account).

    python verify_clueboard.py --site https://clueboard.example --rpc https://node.example submission 42
    python verify_clueboard.py --site ... --rpc ... --escrow 0xEscrow... --json clue 7

It trusts nothing the site says: it downloads the files and hashes them, recomputes the content hash,
walks the inclusion proof to the batch root, asks the escrow ON CHAIN whether the committer recorded that
root, downloads the final leaderboard and compares its keccak256 with the results hash the escrow holds,
and checks every evaluator signature against the evaluator set the escrow holds now. Pin the escrow's
address with --escrow (from the DAO's deployment), or the site could name a contract of its own.

This is a second, independent implementation of the platform's checks (the platform's own is
governance/services/verification.py); the two are tested against each other. Exit status: 0 when every
check holds, 1 when one does not, 2 when none fails but one cannot be checked yet.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from web3 import Web3

HOLDS, FAILS, NOT_YET, UNCHECKED, NOT_APPLICABLE = (
    "holds",
    "does not hold",
    "not yet",
    "cannot be checked now",
    "not applicable",
)
ATTESTED_STATES = (3, 4, 5)  # PrizeEscrow.State: Attested, Awarded, Finalized
ERC1271_MAGIC_VALUE = bytes.fromhex("1626ba7e")
TIMEOUT = 30
_B32, _U256, _ADDR = "bytes32", "uint256", "address"


def _fn(name: str, inputs: list[str], outputs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "function",
        "name": name,
        "stateMutability": "view",
        "inputs": [{"name": f"a{i}", "type": t} for i, t in enumerate(inputs)],
        "outputs": outputs,
    }


def _out(*types: str) -> list[dict[str, Any]]:
    return [{"name": f"o{i}", "type": t} for i, t in enumerate(types)]


_CHALLENGE_FIELDS = [_B32, _B32, *["uint128"] * 5, *["uint40"] * 3, "uint8", "uint128", "uint64", "uint32"]
ESCROW_ABI = [
    _fn("committedAt", [_U256, _ADDR, _B32], _out(_U256)),
    _fn("stateOf", [_U256], _out("uint8")),
    _fn("evaluators", [], _out("address[]")),
    _fn("evaluatorThreshold", [], _out("uint32")),
    _fn("getChallenge", [_U256], [{"name": "c", "type": "tuple", "components": _out(*_CHALLENGE_FIELDS)}]),
    _fn("eip712Domain", [], _out("bytes1", "string", "string", _U256, _ADDR, _B32, "uint256[]")),
]
WALLET_ABI = [_fn("isValidSignature", [_B32, "bytes"], _out("bytes4"))]


@dataclass(frozen=True)
class Check:
    key: str
    title: str
    outcome: str
    why: str


# ---------------------------------------------------------------- fetching public data


def _same_origin(url: str, site: str) -> str:
    """Only fetch from the site itself: the evidence names the URLs, and it is not trusted."""
    target, origin = urllib.parse.urlsplit(url), urllib.parse.urlsplit(site)
    if (target.scheme, target.netloc) != (origin.scheme, origin.netloc):
        raise ValueError(f"{url} is not on {site}")
    return url


def fetch_sha256(url: str) -> str:
    digest = hashlib.sha256()
    with urllib.request.urlopen(url, timeout=TIMEOUT) as answer:  # noqa: S310 (same-origin http(s) only)
        for chunk in iter(lambda: answer.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch_bytes(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as answer:  # noqa: S310
        return bytes(answer.read())


def fetch_evidence(site: str, kind: str, pk: int) -> dict[str, Any]:
    url = f"{site.rstrip('/')}/api/v1/governance/verification/{kind}s/{pk}/"
    evidence: dict[str, Any] = json.loads(fetch_bytes(url))
    return evidence


# ---------------------------------------------------------------- hashes (recomputed here, not read)


def _canonical_sha256(document: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def content_hash_of(evidence: dict[str, Any], file_hashes: list[str]) -> str:
    """The content hash of what is published, from the downloaded files' sha256 (in the evidence's order)."""
    writeup_sha256 = hashlib.sha256(evidence["writeup"].encode()).hexdigest()
    if evidence["kind"] == "clue":
        return _canonical_sha256(
            {
                "kind": "clue",
                "challenge": evidence["challenge"],
                "author": evidence["author_id"],
                "title": evidence["title"],
                "writeup_sha256": writeup_sha256,
                "code_url": evidence["code_url"],
                "attachments_sha256": sorted(file_hashes),
            }
        )
    by_role = {f["role"]: h for f, h in zip(evidence["files"], file_hashes, strict=True)}
    return _canonical_sha256(
        {
            "challenge": evidence["challenge"],
            "contributor": evidence["author_id"],
            "model_sha256": by_role.get("model"),
            "source_sha256": by_role.get("source"),
            "writeup_sha256": writeup_sha256,
        }
    )


def merkle_root_of(content_hash: bytes, proof: list[bytes]) -> bytes:
    """OpenZeppelin MerkleProof: leaf keccak256(keccak256(abi.encode(bytes32))), pairs hashed sorted."""
    node = bytes(Web3.keccak(Web3.keccak(content_hash)))
    for sibling in proof:
        node = bytes(Web3.keccak(min(node, sibling) + max(node, sibling)))
    return node


def _hex32(value: str) -> bytes:
    raw = bytes.fromhex(value.removeprefix("0x"))
    if len(raw) != 32:
        raise ValueError("not 32 bytes")
    return raw


# ---------------------------------------------------------------- the checks


def file_and_hash_checks(evidence: dict[str, Any], site: str) -> list[Check]:
    checks, hashes = [], []
    for index, published in enumerate(evidence["files"]):
        key, title = (
            f"file:{published['role']}:{index}",
            f"File {published['filename']} ({published['role']})",
        )
        try:
            actual = fetch_sha256(_same_origin(published["url"], site))
        except (OSError, ValueError):
            checks.append(Check(key, title, FAILS, "The file could not be downloaded from the site."))
            hashes.append("missing")
            continue
        hashes.append(actual)
        if actual != published["sha256"]:
            why = f"Its bytes hash to {actual}, not to the recorded sha256 {published['sha256']}."
            checks.append(Check(key, title, FAILS, why))
        else:
            checks.append(Check(key, title, HOLDS, f"Its bytes hash to the recorded sha256 {actual}."))
    title = "Content hash recomputed from the published files and text"
    recomputed = content_hash_of(evidence, hashes)
    if recomputed != evidence["content_hash"]:
        recorded = evidence["content_hash"]
        why = f"What is published hashes to {recomputed}, not to the recorded content hash {recorded}."
        checks.append(Check("content_hash", title, FAILS, why))
    else:
        checks.append(
            Check("content_hash", title, HOLDS, f"What is published hashes to the recorded {recomputed}.")
        )
    return checks


def proof_check(evidence: dict[str, Any]) -> Check:
    key, title = "inclusion_proof", "Inclusion proof leads from the content hash to the batch root"
    commitment = evidence["commitment"]
    if commitment is None:
        return Check(key, title, NOT_YET, "Not in a committed batch yet.")
    try:
        root = merkle_root_of(_hex32(evidence["content_hash"]), [_hex32(n) for n in commitment["proof"]])
        holds = root == _hex32(commitment["batch_root"])
    except ValueError:
        holds = False
    if not holds:
        steps, root = len(commitment["proof"]), commitment["batch_root"]
        why = f"Hashing the content hash with the {steps} proof nodes does not give the root {root}."
        return Check(key, title, FAILS, why)
    return Check(
        key,
        title,
        HOLDS,
        f"The {len(commitment['proof'])} proof nodes lead to the root {commitment['batch_root']}.",
    )


def root_check(evidence: dict[str, Any], escrow: Any) -> Check:
    key, title = "root_on_chain", "Batch root recorded on chain"
    commitment, on_chain = evidence["commitment"], evidence["escrow"]
    if commitment is None or not commitment["mined"]:
        return Check(key, title, NOT_YET, "The batch's commit transaction is not mined yet.")
    committer = Web3.to_checksum_address(commitment["committer"])
    when = escrow.functions.committedAt(
        on_chain["challenge_id"], committer, _hex32(commitment["batch_root"])
    ).call()
    if when == 0:
        root, challenge_id = commitment["batch_root"], on_chain["challenge_id"]
        why = f"The escrow {escrow.address} holds no root {root} from {committer} "
        why += f"for challenge #{challenge_id}."
        return Check(key, title, FAILS, why)
    return Check(
        key,
        title,
        HOLDS,
        f"The escrow {escrow.address} recorded this root from {committer} at unix time {when}.",
    )


def results_checks(evidence: dict[str, Any], escrow: Any, site: str) -> list[Check]:
    names = [
        ("results_hash", "Final leaderboard hashes to the results hash attested on chain"),
        ("ranked", "Submission and score in the attested final leaderboard"),
        ("signatures", "Evaluators' signatures, checked against the escrow's evaluators"),
    ]
    results = evidence["results"]
    if not evidence["challenge_closed"] or results is None or not results["attested"]:
        return [Check(k, t, NOT_YET, "The final results are not attested on chain yet.") for k, t in names]
    challenge_id = evidence["escrow"]["challenge_id"]
    record = escrow.functions.getChallenge(challenge_id).call()
    document = fetch_bytes(_same_origin(results["document_url"], site))
    on_chain_hash = "0x" + bytes(record[1]).hex()
    document_hash = "0x" + bytes(Web3.keccak(document)).hex()
    state = escrow.functions.stateOf(challenge_id).call()
    if state not in ATTESTED_STATES or document_hash != on_chain_hash:
        why = f"The final leaderboard hashes to {document_hash}; the escrow holds {on_chain_hash} ({state=})."
        first = Check(*names[0], FAILS, why)
    else:
        first = Check(
            *names[0], HOLDS, f"The final leaderboard hashes to {on_chain_hash}, as the escrow holds."
        )
    return [first, _ranked(evidence, document, names[1]), _signatures(evidence, escrow, record, names[2])]


def _ranked(evidence: dict[str, Any], document: bytes, name: tuple[str, str]) -> Check:
    try:
        ranking = json.loads(document)["ranking"]
        entry = next((row for row in ranking if row.get("submission_id") == evidence["id"]), None)
    except (ValueError, KeyError, TypeError, AttributeError):
        return Check(*name, FAILS, "The final leaderboard is not the published format.")
    if entry is None:
        return Check(
            *name, NOT_APPLICABLE, "Not ranked in the final leaderboard, so no score of it is attested."
        )
    if entry.get("submission_hash") != "0x" + evidence["content_hash"]:
        return Check(
            *name,
            FAILS,
            f"The leaderboard ranks it under the hash {entry.get('submission_hash')}, not its content hash.",
        )
    why = (
        f"Ranked {entry.get('rank')} with private score {entry.get('private_score')} under its content hash."
    )
    return Check(*name, HOLDS, why)


def _signatures(evidence: dict[str, Any], escrow: Any, record: Any, name: tuple[str, str]) -> Check:
    results, challenge_id = evidence["results"], evidence["escrow"]["challenge_id"]
    _fields, d_name, d_version, chain_id, contract, _salt, _ext = escrow.functions.eip712Domain().call()
    document = {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            "ResultsAttestation": [
                {"name": "challengeId", "type": "uint256"},
                {"name": "round", "type": "uint32"},
                {"name": "resultsHash", "type": "bytes32"},
                {"name": "specHash", "type": "bytes32"},
            ],
        },
        "primaryType": "ResultsAttestation",
        "domain": {"name": d_name, "version": d_version, "chainId": chain_id, "verifyingContract": contract},
        "message": {
            "challengeId": challenge_id,
            "round": results["escrow_round"] or 0,
            "resultsHash": _hex32(results["results_hash"]),
            "specHash": bytes(record[0]),
        },
    }
    evaluators = {Web3.to_checksum_address(a) for a in escrow.functions.evaluators().call()}
    threshold = escrow.functions.evaluatorThreshold().call()
    problems, valid = [], set()
    for signer, signature in zip(results["signers"], results["signatures"], strict=False):
        signer = Web3.to_checksum_address(signer)
        if signer not in evaluators:
            problems.append(f"{signer} is not one of the escrow's evaluators")
        elif not _signed_by(escrow.w3, document, signer, signature):
            problems.append(f"the signature named for {signer} is not that evaluator's")
        else:
            valid.add(signer)
    if problems or len(valid) < threshold:
        problems.append(f"{len(valid)} valid of the {threshold} the escrow requires")
        sentence = "; ".join(problems)
        return Check(*name, FAILS, sentence[0].upper() + sentence[1:] + ".")
    return Check(
        *name,
        HOLDS,
        f"{len(valid)} evaluators of the escrow signed (it requires {threshold}): "
        + ", ".join(sorted(valid))
        + ".",
    )


def _signed_by(w3: Web3, document: dict[str, Any], named: str, signature: str) -> bool:
    signer = Web3.to_checksum_address(named)
    try:
        raw = bytes.fromhex(signature.removeprefix("0x"))
        message = encode_typed_data(full_message=document)
        if len(w3.eth.get_code(signer)) > 0:  # an ERC-1271 wallet answers for itself
            digest = Web3.keccak(b"\x19" + message.version + message.header + message.body)
            answer = (
                w3.eth.contract(address=signer, abi=WALLET_ABI).functions.isValidSignature(digest, raw).call()
            )
            return bytes(answer) == ERC1271_MAGIC_VALUE
        return bool(Account.recover_message(message, signature=raw) == signer)
    except Exception:  # a malformed signature or a reverting wallet: not a valid signature
        return False


# ---------------------------------------------------------------- running it


def chain_checks(evidence: dict[str, Any], rpc: str, escrow_pin: str | None, site: str) -> list[Check]:
    keys = [("root_on_chain", "Batch root recorded on chain")]
    if evidence["kind"] == "submission":
        keys += [
            ("results_hash", "Final leaderboard hashes to the results hash attested on chain"),
            ("ranked", "Submission and score in the attested final leaderboard"),
            ("signatures", "Evaluators' signatures, checked against the escrow's evaluators"),
        ]
    on_chain = evidence["escrow"]
    if on_chain is None:
        return [Check(k, t, NOT_YET, "The challenge is not in the escrow yet.") for k, t in keys]
    if escrow_pin and Web3.to_checksum_address(escrow_pin) != Web3.to_checksum_address(on_chain["address"]):
        why = f"The site names the escrow {on_chain['address']}, not the pinned {escrow_pin}."
        return [Check(k, t, FAILS, why) for k, t in keys]
    try:
        w3 = Web3(Web3.HTTPProvider(rpc, request_kwargs={"timeout": TIMEOUT}))
        if w3.eth.chain_id != on_chain["chain_id"]:
            why = f"The node serves chain {w3.eth.chain_id}; the escrow is on chain {on_chain['chain_id']}."
            return [Check(k, t, FAILS, why) for k, t in keys]
        escrow = w3.eth.contract(address=Web3.to_checksum_address(on_chain["address"]), abi=ESCROW_ABI)
        checks = [root_check(evidence, escrow)]
        if evidence["kind"] == "submission":
            checks += results_checks(evidence, escrow, site)
        return checks
    except OSError:
        return [
            Check(k, t, UNCHECKED, "The chain could not be reached, so this was not checked.")
            for k, t in keys
        ]


def verify(site: str, rpc: str, kind: str, pk: int, escrow_pin: str | None = None) -> list[Check]:
    evidence = fetch_evidence(site, kind, pk)
    checks = file_and_hash_checks(evidence, site)
    checks.append(proof_check(evidence))
    return checks + chain_checks(evidence, rpc, escrow_pin, site)


def exit_code(checks: list[Check]) -> int:
    if all(c.outcome in (HOLDS, NOT_APPLICABLE) for c in checks):
        return 0
    return 1 if any(c.outcome == FAILS for c in checks) else 2


def main(argv: list[str] | None = None, write: Callable[[str], Any] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", required=True, help="The Clueboard site, e.g. https://clueboard.example")
    parser.add_argument("--rpc", required=True, help="A JSON-RPC URL of the chain the escrow lives on.")
    parser.add_argument("--escrow", help="The PrizeEscrow address you trust (from the DAO's deployment).")
    parser.add_argument("--json", action="store_true", help="Print the checks as JSON.")
    parser.add_argument("kind", choices=["submission", "clue"])
    parser.add_argument("id", type=int)
    args = parser.parse_args(argv)
    try:
        checks = verify(args.site, args.rpc, args.kind, args.id, args.escrow)
    except (OSError, ValueError, KeyError) as error:
        write(f"Cannot read the evidence of {args.kind} #{args.id} from {args.site}: {error}")
        return 2
    code = exit_code(checks)
    if args.json:
        write(
            json.dumps(
                {"kind": args.kind, "id": args.id, "holds": code == 0, "checks": [asdict(c) for c in checks]},
                indent=2,
            )
        )
    else:
        for check in checks:
            write(f"[{check.outcome.upper()}] {check.title}: {check.why}")
        write(
            "Everything holds."
            if code == 0
            else "Something does not hold."
            if code == 1
            else "Not everything can be checked yet."
        )
    return code


if __name__ == "__main__":
    sys.exit(main())

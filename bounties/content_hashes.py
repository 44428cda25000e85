"""The content hashes of submissions and clues: the one owner of what each hash binds.

A content hash is sha256 of canonical JSON (sorted keys, no spaces). The hashes are what the platform
commits on chain in Merkle batches, so anyone holding the published files can recompute them. A clue's
document carries `"kind": "clue"` and keys no submission document has: the two can never hash to the
same value, so a clue's commitment cannot be passed off as a submission's (the leaf domain of clues).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

CLUE_KIND = "clue"


def _sha256_of_json(document: dict[str, object]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def text_sha256(text: str) -> str:
    """sha256 of a write-up's UTF-8 bytes, as the content hashes bind it."""
    return hashlib.sha256(text.encode()).hexdigest()


def submission_content_hash(
    *, challenge_slug: str, contributor_id: int, model_sha256: str, source_sha256: str | None, writeup: str
) -> str:
    """The hex content hash of a submission: its challenge, contributor, files and write-up."""
    return _sha256_of_json(
        {
            "challenge": challenge_slug,
            "contributor": contributor_id,
            "model_sha256": model_sha256,
            "source_sha256": source_sha256,
            "writeup_sha256": text_sha256(writeup),
        }
    )


def clue_content_hash(
    *,
    challenge_slug: str,
    author_id: int,
    title: str,
    writeup: str,
    code_url: str,
    attachment_sha256s: Iterable[str],
) -> str:
    """The hex content hash of a clue: its challenge, author, published text and files (in any order)."""
    return _sha256_of_json(
        {
            "kind": CLUE_KIND,
            "challenge": challenge_slug,
            "author": author_id,
            "title": title,
            "writeup_sha256": text_sha256(writeup),
            "code_url": code_url,
            "attachments_sha256": sorted(attachment_sha256s),
        }
    )

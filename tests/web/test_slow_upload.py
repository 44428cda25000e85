"""One slow upload must not lock the site: while its bytes trickle in, other pages read and write.

On SQLite a write transaction holds the whole database's lock; an upload read inside one (a request-wide
transaction, say) would stall every other request until it timed out. Runs on PostgreSQL too in CI.
"""

from __future__ import annotations

import socket
import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from rest_framework.authtoken.models import Token

from bounties.models import Clue, Submission
from tests.factories import ChallengeFactory, HiddenDatasetFactory, UserFactory, safetensors_bytes

pytestmark = pytest.mark.django_db(transaction=True)

OTHER_REQUEST_TIMEOUT = 10  # far below the 20 s that a request waits for SQLite's lock before failing


def multipart_body(
    fields: dict[str, str], file_field: str, filename: str, content: bytes
) -> tuple[str, bytes]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


class TricklingUpload:
    """An API upload whose body is sent in two halves, the second only when the test says so."""

    def __init__(self, base_url: str, token: str, content_type: str, body: bytes) -> None:
        address = urlsplit(base_url)
        self.socket = socket.create_connection((address.hostname, address.port), timeout=60)
        head = (
            f"POST /api/v1/submissions/ HTTP/1.1\r\nHost: {address.netloc}\r\n"
            f"Authorization: Token {token}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        self.rest = body[len(body) // 2 :]
        self.socket.sendall(head.encode() + body[: len(body) // 2])

    def finish(self) -> int:
        self.socket.sendall(self.rest)
        answer = b""
        while chunk := self.socket.recv(65536):
            answer += chunk
        self.socket.close()
        return int(answer.split(b" ", 2)[1])


def test_other_pages_answer_while_an_upload_trickles_in(live_server: Any) -> None:
    HiddenDatasetFactory.create(challenge=ChallengeFactory.create(slug="digits"))
    uploader = Token.objects.create(user=UserFactory.create(username="slow")).key
    other = Token.objects.create(user=UserFactory.create(username="quick")).key
    content_type, body = multipart_body(
        {"challenge": "digits", "title": "slow"}, "model_file", "model.safetensors", safetensors_bytes()
    )

    upload = TricklingUpload(live_server.url, uploader, content_type, body)
    try:
        page = requests.get(f"{live_server.url}/challenges/digits/", timeout=OTHER_REQUEST_TIMEOUT)
        listing = requests.get(f"{live_server.url}/api/v1/submissions/", timeout=OTHER_REQUEST_TIMEOUT)
        clue = requests.post(
            f"{live_server.url}/api/v1/clues/",
            files={
                "challenge": (None, "digits"),
                "title": (None, "Meanwhile"),
                "writeup": (None, "A write while the upload waits."),
            },
            headers={"Authorization": f"Token {other}"},
            timeout=OTHER_REQUEST_TIMEOUT,
        )
    finally:
        upload_status = upload.finish()

    assert (page.status_code, listing.status_code, clue.status_code) == (200, 200, 201)
    assert upload_status == 201
    assert Submission.objects.filter(title="slow").count() == 1
    assert Clue.objects.filter(title="Meanwhile").count() == 1

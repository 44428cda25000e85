"""Submission limits hold under real concurrent HTTP requests on PostgreSQL."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from rest_framework.authtoken.models import Token

from bounties.models import Submission
from tests.factories import ChallengeFactory, UserFactory, safetensors_bytes

CONCURRENT_REQUESTS = 20
DAILY_LIMIT = 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submits_never_exceed_the_limit(live_server: Any) -> None:
    challenge = ChallengeFactory.create(daily_submission_limit=DAILY_LIMIT)
    contributors = [UserFactory.create(), UserFactory.create()]
    tokens = [Token.objects.create(user=user).key for user in contributors]
    start_together = threading.Barrier(CONCURRENT_REQUESTS)
    model_bytes = safetensors_bytes()

    def submit(index: int) -> tuple[int, int]:
        who = index % len(contributors)
        start_together.wait(timeout=30)
        response = requests.post(
            f"{live_server.url}/api/v1/submissions/",
            headers={"Authorization": f"Token {tokens[who]}"},
            data={"challenge": challenge.slug, "title": f"try {index}"},
            files={"model_file": ("model.safetensors", model_bytes)},
            timeout=120,
        )
        return who, response.status_code

    with ThreadPoolExecutor(max_workers=CONCURRENT_REQUESTS) as pool:
        outcomes = list(pool.map(submit, range(CONCURRENT_REQUESTS)))

    assert Counter(code for _, code in outcomes) == {
        201: 2 * DAILY_LIMIT,
        429: CONCURRENT_REQUESTS - 2 * DAILY_LIMIT,
    }
    for who, user in enumerate(contributors):
        assert Counter(code for w, code in outcomes if w == who)[201] == DAILY_LIMIT
        assert Submission.objects.filter(challenge=challenge, contributor=user).count() == DAILY_LIMIT

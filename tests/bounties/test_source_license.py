"""A submission's source license: from the fixed OSI list, taken by the service, the form and the API, and
the one prize-eligibility rule that reads it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bounties.errors import ApplicationError
from bounties.licenses import OSI_LICENSES, license_choices
from bounties.models import Submission
from bounties.selectors import prize_eligibility as rule
from bounties.services.submissions import LICENSE_WITHOUT_SOURCE, UNKNOWN_LICENSE, submission_create
from governance.selectors import trust_results
from governance.services import prize_inputs
from tests.factories import (
    ArtifactFactory,
    ChallengeFactory,
    ScoredSubmissionFactory,
    SubmissionFactory,
    UserFactory,
    model_upload,
    source_zip_upload,
)

pytestmark = pytest.mark.django_db


def submit(**kwargs: Any) -> Submission:
    return submission_create(
        challenge=ChallengeFactory.create(),
        contributor=UserFactory.create(),
        model_file=model_upload(),
        **kwargs,
    )


def test_the_service_stores_the_license_and_the_submission_is_prize_eligible() -> None:
    submission = submit(source_archive=source_zip_upload(), source_license="Apache-2.0")
    submission.refresh_from_db()
    assert submission.source_license == "Apache-2.0"
    assert rule.prize_eligibility(submission) == rule.PrizeEligibility(eligible=True, reason=rule.ELIGIBLE)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"source_archive": "zip", "source_license": "WTFPL"}, UNKNOWN_LICENSE),  # not OSI-approved
        ({"source_archive": "zip", "source_license": "mit"}, UNKNOWN_LICENSE),  # SPDX ids are exact
        ({"source_license": "MIT"}, LICENSE_WITHOUT_SOURCE),
    ],
)
def test_a_license_off_the_list_or_without_source_is_refused(fields: dict[str, str], message: str) -> None:
    if fields.pop("source_archive", None):
        fields["source_archive"] = source_zip_upload()  # type: ignore[assignment]
    with pytest.raises(ApplicationError) as raised:
        submit(**fields)
    assert (raised.value.message, raised.value.field) == (message, "source_license")
    assert not Submission.objects.exists()


def test_eligibility_needs_a_source_and_a_listed_license() -> None:
    artifact = ArtifactFactory.create()
    cases = {
        "none": SubmissionFactory.build(source_artifact=None, source_license=""),
        "unlicensed": SubmissionFactory.build(source_artifact=artifact, source_license=""),
        "unlisted": SubmissionFactory.build(source_artifact=artifact, source_license="WTFPL"),
        "licensed": SubmissionFactory.build(source_artifact=artifact, source_license="GPL-3.0-or-later"),
    }
    assert {name: rule.prize_eligibility(s).reason for name, s in cases.items()} == {
        "none": rule.NO_SOURCE,
        "unlicensed": rule.NO_LICENSE,
        "unlisted": rule.NO_LICENSE,
        "licensed": rule.ELIGIBLE,
    }


def test_the_form_offers_the_list_and_takes_a_license(client: Client) -> None:
    challenge, user = ChallengeFactory.create(), UserFactory.create()
    client.force_login(user)
    url = reverse("bounties:submission-create", args=[challenge.slug])
    html = client.get(url).content.decode()
    assert html.count("<option value=") == len(OSI_LICENSES) + 1
    assert '<option value="MPL-2.0">MPL-2.0: Mozilla Public License 2.0</option>' in html
    response = client.post(
        url, {"model_file": model_upload(), "source_archive": source_zip_upload(), "source_license": "MIT"}
    )
    assert response.status_code == 302
    assert Submission.objects.get().source_license == "MIT"
    refused = client.post(url, {"model_file": model_upload(), "source_license": "MIT"})
    assert refused.context["form"].errors == {"source_license": [LICENSE_WITHOUT_SOURCE]}
    unlisted = client.post(url, {"model_file": model_upload(), "source_license": "WTFPL"})
    assert unlisted.context["form"].errors == {"source_license": [UNKNOWN_LICENSE]}


def test_the_api_takes_the_license_and_shows_it_with_the_eligibility() -> None:
    ChallengeFactory.create(slug="digits")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=UserFactory.create()).key}")
    fields = {"challenge": "digits", "model_file": model_upload(), "source_archive": source_zip_upload()}
    created = client.post(
        "/api/v1/submissions/", {**fields, "source_license": "BSD-3-Clause"}, format="multipart"
    )
    assert created.status_code == 201
    assert (created.json()["source_license"], created.json()["prize_eligible"]) == ("BSD-3-Clause", True)
    detail = client.get(f"/api/v1/submissions/{created.json()['id']}/").json()
    assert (detail["source_license"], detail["prize_eligible"]) == ("BSD-3-Clause", True)
    refused = client.post(
        "/api/v1/submissions/",
        {**fields, "source_archive": source_zip_upload(), "source_license": "WTFPL"},
        format="multipart",
    )
    assert refused.status_code == 400
    assert UNKNOWN_LICENSE in json.dumps(refused.json())
    assert "WTFPL" not in json.dumps(refused.json())  # fixed text: the input is not echoed
    assert Submission.objects.count() == 1


def test_the_license_list_has_one_owner_shared_by_form_and_api() -> None:
    assert [spdx for spdx, _ in license_choices()] == list(OSI_LICENSES)
    assert license_choices(blank_label="none")[0] == ("", "none")


def test_prize_drafting_skips_ranked_contributors_whose_submission_is_not_eligible(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    challenge = ChallengeFactory.create()
    first = ScoredSubmissionFactory.create(challenge=challenge)  # ranked first, no source
    second = ScoredSubmissionFactory.create(challenge=challenge, open_source=True)
    third = ScoredSubmissionFactory.create(challenge=challenge, open_source=True, source_license="")
    ranking = [
        {"rank": rank, "contributor_id": s.contributor_id, "submission_id": s.pk}
        for rank, s in enumerate((first, second, third), start=1)
    ]
    document = json.dumps({"ranking": ranking}).encode()
    # The frozen document belongs to the trust chain; drafting reads it through prize_inputs.
    monkeypatch.setattr(trust_results, "final_leaderboard_document", lambda challenge: document)

    leaderboard = prize_inputs.final_leaderboard_document(challenge)

    assert leaderboard.ranking == (second.contributor_id,)
    assert leaderboard.canonical_json == document

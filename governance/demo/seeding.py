"""The database part of the demo: its people, the two earlier rounds, and every contributor's real work.

Runs before the processes start (`manage.py seed_demo_story`): models are trained here with the starter
script and submitted through `submission_create`, so they wait in the broker until the worker scores them.
Each piece is looked up first (a submission by challenge, contributor and title; a clue by challenge, author
and title), so a second run adds nothing and an interrupted one adds only what is missing.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from bounties.demo import (
    STARTER_SCRIPT,
    TRAIN_FILENAME,
    demo_settings,
    digits_challenge_publish,
    seed_demo_challenge,
)
from bounties.demo_names import DEMO_BASELINE, DEMO_SLUG
from bounties.models import Challenge, Clue, PublishPolicy, Submission
from bounties.services.artifacts import artifact_path
from bounties.services.clues import clue_create
from bounties.services.submissions import submission_create
from governance.chain.deploy import TOKEN_UNIT
from governance.demo import cast, plan
from starter import digits_starter

Log = Callable[[str], None]
# The baselines that seed_demo queues, placed on the challenge's first day.
BASELINE_DAYS = (0.1, 0.2)
ONNX_EXPORTERS = ("kofi", "ravi")  # the others submit safetensors weights for the registered `mlp`


@dataclass(frozen=True)
class SeedReport:
    created_submissions: int
    created_clues: int
    created_rounds: int

    @property
    def created_anything(self) -> bool:
        return bool(self.created_submissions or self.created_clues or self.created_rounds)


def demo_seed(*, log: Log) -> SeedReport:
    """Make whatever of the demo's people, rounds, clues and submissions is missing."""
    cast.demo_allowed_check()
    for person in cast.PEOPLE:
        cast.demo_person_ensure(person)
    digits, _ = seed_demo_challenge()
    organizer = digits.organizer
    created_rounds = 0
    challenges = {DEMO_SLUG: digits}
    for planned in plan.ROUNDS:
        challenges[planned.slug], created = _round_ensure(planned, organizer)
        created_rounds += created
        if created:
            log(f"Created the earlier round '{planned.slug}'.")
    _backdate_baselines(digits)
    work: list[plan.PlannedSubmission | plan.PlannedClue] = [*plan.SUBMISSIONS, *plan.CLUES]
    created_submissions = created_clues = 0
    # In each challenge's own order of days: a citation needs the cited work to exist, and to be earlier.
    for item in sorted(work, key=lambda item: (item.challenge, item.day)):
        challenge = challenges[item.challenge]
        if isinstance(item, plan.PlannedClue):
            created_clues += _clue_ensure(challenge, item)
        else:
            made = _submission_ensure(challenge, item)
            created_submissions += made
            if made:
                log(f"Trained and submitted '{item.title}' by {item.contributor} to {challenge.slug}.")
    return SeedReport(created_submissions, created_clues, created_rounds)


@transaction.atomic  # created, given its data and published whole, or not at all (a Ctrl-C half way)
def _round_ensure(planned: plan.PlannedRound, organizer: Any) -> tuple[Challenge, bool]:
    existing = Challenge.objects.filter(slug=planned.slug).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    settings = replace(
        demo_settings(),
        slug=planned.slug,
        title=planned.title,
        summary=planned.summary,
        starts_at=now - timedelta(days=planned.opened_days_ago),
        ends_at=now + plan.ROUND_OPEN_FOR,
        prize_pool=planned.prize_tokens * TOKEN_UNIT,
        publish_policy=PublishPolicy.IMMEDIATELY,
    )
    challenge, _ = digits_challenge_publish(organizer=organizer, settings=settings)
    return challenge, True


def _at(challenge: Challenge, day: float) -> Any:
    # Never in the future: a challenge seeded by an older version opened only minutes before.
    return min(challenge.starts_at + timedelta(days=day), timezone.now())


def _backdate_baselines(challenge: Challenge) -> None:
    baselines = Submission.objects.filter(challenge=challenge, contributor__username=DEMO_BASELINE)
    for submission, day in zip(baselines.order_by("pk"), BASELINE_DAYS, strict=False):
        Submission.objects.filter(pk=submission.pk).update(created_at=_at(challenge, day))


def _clue_ensure(challenge: Challenge, item: plan.PlannedClue) -> int:
    author = cast.demo_person_ensure(_person(item.author))
    clue = Clue.objects.filter(challenge=challenge, author=author, title=item.title).first()
    created = clue is None
    if clue is None:
        clue = clue_create(
            challenge=challenge,
            author=author,
            title=item.title,
            writeup=item.writeup,
            builds_on_submission_ids=_submission_ids(challenge, item.builds_on_submissions),
        )
    Clue.objects.filter(pk=clue.pk).update(created_at=_at(challenge, item.day))
    return int(created)


def _submission_ensure(challenge: Challenge, item: plan.PlannedSubmission) -> int:
    contributor = cast.demo_person_ensure(_person(item.contributor))
    submission = Submission.objects.filter(
        challenge=challenge, contributor=contributor, title=item.title
    ).first()
    created = submission is None
    if submission is None:
        model_file = _trained_model(challenge, item)
        submission = submission_create(
            challenge=challenge,
            contributor=contributor,
            model_file=model_file,
            source_archive=_source_archive(item),
            source_license=item.source_license,
            title=item.title,
            writeup=item.writeup,
            builds_on_submission_ids=_submission_ids(challenge, item.builds_on_submissions),
            builds_on_clue_ids=list(
                Clue.objects.filter(challenge=challenge, title__in=item.builds_on_clues).values_list(
                    "pk", flat=True
                )
            ),
        )
    Submission.objects.filter(pk=submission.pk).update(created_at=_at(challenge, item.day))
    return int(created)


def _person(username: str) -> cast.DemoPerson:
    return next(person for person in cast.PEOPLE if person.username == username)


def _submission_ids(challenge: Challenge, titles: tuple[str, ...]) -> list[int]:
    return list(Submission.objects.filter(challenge=challenge, title__in=titles).values_list("pk", flat=True))


def _training_split(challenge: Challenge) -> tuple[np.ndarray, np.ndarray]:
    """The challenge's public training split, as a contributor downloads it from the Data tab."""
    resource = challenge.resources.get(filename=TRAIN_FILENAME)
    return digits_starter.load_split(artifact_path(resource.artifact))


def _trained_model(challenge: Challenge, item: plan.PlannedSubmission) -> SimpleUploadedFile:
    inputs, labels = _training_split(challenge)
    if item.rows is not None:
        inputs, labels = inputs[: item.rows], labels[: item.rows]
    model = digits_starter.train(inputs, labels, epochs=item.epochs, seed=item.seed)
    with tempfile.TemporaryDirectory() as folder:
        weights, graph = digits_starter.export(model, Path(folder))
        path = graph if item.contributor in ONNX_EXPORTERS else weights
        return SimpleUploadedFile(path.name, path.read_bytes())


def _source_archive(item: plan.PlannedSubmission) -> SimpleUploadedFile:
    """The code that made the model: the starter script, the run's settings and how to repeat it."""
    config = {"epochs": item.epochs, "seed": item.seed, "rows": item.rows}
    readme = (
        f"# {item.title}\n\n{item.writeup}\n\n"
        f"Train with `python train.py {TRAIN_FILENAME} --epochs {item.epochs}` "
        f"(seed {item.seed}, {'all rows' if item.rows is None else f'the first {item.rows} rows'}).\n"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", readme)
        archive.writestr("train.py", STARTER_SCRIPT.read_bytes())
        archive.writestr("config.json", json.dumps(config, indent=2) + "\n")
    return SimpleUploadedFile(f"{item.contributor}-source.zip", buffer.getvalue())

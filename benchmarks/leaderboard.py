"""Pages at scale: a challenge with 100,000 scored submissions from 5,000 contributors, against a trivial view.

    .venv/bin/python benchmarks/leaderboard.py [--submissions 100000] [--contributors 5000] [--rounds 5]

Builds a temporary SQLite database (removed at the end) and fills it with bulk_create. Every page goes
through Django's test Client (URL routing and the whole middleware stack, the API's rate limits counting,
anonymous requests from 250 addresses).
The trivial view is the site's own empty page (the base layout with an empty content block); a bare
HttpResponse is timed too, as a second reference.

The goal is about the challenge page, the API leaderboard and a contributor profile as readers who are not
signed in get them: from what is kept for them until a score lands (clueboard/reader_pages.py). Printed
beside them: the same pages right after a score lands ('cold': every query paid) and signed in (rendered
for one person), each against the trivial view of the same kind.
It counts each page's queries with 1,000 submissions and again with the full number, then times the pages
side by side, in a rotated order each round (each warm page several times), and prints each page's
median, its ratio against the trivial view and its queries. Goal: each ratio at most 2. `--profile` prints where the slowest page spends its time.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.django_setup import django_in

SMALL = 1_000
BATCH = 5_000
GOAL = 2.0
PROFILE_OWNER = "bench0"


def _setup_django(root: Path) -> None:
    django_in(root)
    from django.conf import settings
    from django.urls import include, path

    # The site's URLs plus the trivial view, served from this module.
    global urlpatterns
    urlpatterns = [
        path("bench-trivial/", _trivial_view),
        path("bench-bare/", _bare_view),
        path("", include("clueboard.urls")),
    ]
    settings.ROOT_URLCONF = __name__


urlpatterns: list = []


EMPTY_PAGE = '{% extends "base.html" %}{% block title %}Empty{% endblock %}{% block content %}{% endblock %}'
_empty_page: list = []  # compiled once, as the site's cached template loader keeps its templates


def _trivial_view(request):
    """The site's own empty page: the base layout (nav, the user and session, static tags, every context
    processor, the chain status included) with an empty content block. Every page of the site pays this."""
    from django.http import HttpResponse
    from django.template import engines

    if not _empty_page:
        _empty_page.append(engines["django"].from_string(EMPTY_PAGE))
    return HttpResponse(_empty_page[0].render({}, request))


def _bare_view(request):
    """A bare HttpResponse: routing and middleware alone, printed as a second reference."""
    from django.http import HttpResponse

    return HttpResponse("ok")


def _challenge(organizer):
    """The field values of tests/factories.py's ChallengeFactory: open and published."""
    from django.utils import timezone

    from bounties.models import Challenge, ModelFormat
    from evaluation.scoring.metrics import Metric

    now = timezone.now()
    return Challenge.objects.create(
        slug="bench", title="Benchmark challenge", summary="Classify the digits.",
        description="# Rules\n\nBe *kind*.", organizer=organizer, metric=Metric.ACCURACY,
        input_spec={"shape": [64], "dtype": "float32"}, output_spec={"shape": [10]},
        accepted_formats=[ModelFormat.SAFETENSORS, ModelFormat.ONNX],
        architectures={"mlp": {"in_features": 64, "hidden": 16, "depth": 1, "n_outputs": 10}},
        starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=30),
        daily_submission_limit=5, total_submission_limit=100, prize_pool=1000 * 10**18,
        published_at=now - timedelta(days=2),
    )  # fmt: skip


def _contributors(count: int) -> list:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    user_model = get_user_model()
    password = make_password("correct horse battery staple")
    rows = [
        user_model(username=f"bench{n}", email=f"bench{n}@example.org", password=password)
        for n in range(count)
    ]
    user_model.objects.bulk_create(rows, batch_size=BATCH)
    return list(user_model.objects.filter(username__startswith="bench").order_by("id"))


def _fill(challenge, contributors: list, artifact, first: int, last: int) -> None:
    """Scored submissions first..last-1, round robin over the contributors (ScoredSubmissionFactory's
    fields), a minute apart in time, with seeded scores."""
    from django.utils import timezone

    from bounties.models import ModelFormat, Submission, SubmissionStatus

    scores = random.Random(first)
    start = timezone.now() - timedelta(days=1)
    for lo in range(first, last, BATCH):
        rows = []
        for n in range(lo, min(last, lo + BATCH)):
            at = start - timedelta(minutes=n)
            rows.append(
                Submission(
                    challenge=challenge,
                    contributor=contributors[n % len(contributors)],
                    model_format=ModelFormat.SAFETENSORS,
                    model_artifact=artifact,
                    model_filename="model.safetensors",
                    title=f"Attempt {n}",
                    writeup="Tried a **small MLP**.",
                    content_hash=f"{n:064x}",
                    status=SubmissionStatus.SCORED,
                    public_score=scores.random(),
                    private_score=scores.random(),
                    created_at=at,
                    finished_at=at,
                )
            )
        Submission.objects.bulk_create(rows, batch_size=BATCH)


def _best_submissions() -> None:
    """bulk_create bypasses the scoring service that keeps each contributor's best submission: rebuild the
    table as migration 0009 does for the submissions scored before it existed."""
    import importlib

    from django.apps import apps

    from bounties.models import BestSubmission

    BestSubmission.objects.all().delete()
    importlib.import_module("bounties.migrations.0009_leaderboard_indexes").backfill_best_submissions(
        apps, None
    )


def _statistics(analyze: bool) -> None:
    """Without statistics SQLite picks the index with the most equal columns; ANALYZE shows the plans that
    a database with statistics would get."""
    from django.db import connection

    if analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class Page(NamedTuple):
    url: str
    cold: bool = False  # first make the challenge's cached pages unreachable, as a score landing does
    signed_in: bool = False  # as PROFILE_OWNER, signed in: nothing of the page is shared with others
    goal: bool = False  # one of the three pages the goal is about, as most readers get them


# The goal's three pages are timed as readers who are not signed in get them, served from what is kept for
# them (clueboard/reader_pages.py). Printed beside them, not in the goal: the same pages right after a score
# lands (nothing kept yet: every query is paid) and the pages signed in (rendered for one person each time),
# each against the trivial view of the same kind.
PAGES = {
    "trivial": Page("/bench-trivial/"),
    "bare response": Page("/bench-bare/"),
    "challenge page": Page("/challenges/bench/", goal=True),
    "API leaderboard": Page("/api/v1/challenges/bench/leaderboard/", goal=True),
    "profile page": Page(f"/u/{PROFILE_OWNER}/", goal=True),
    "challenge cold": Page("/challenges/bench/", cold=True),
    "API cold": Page("/api/v1/challenges/bench/leaderboard/", cold=True),
    "trivial signed in": Page("/bench-trivial/", signed_in=True),
    "challenge signed in": Page("/challenges/bench/", signed_in=True),
    "API signed in": Page("/api/v1/challenges/bench/leaderboard/", signed_in=True),
    "profile signed in": Page(f"/u/{PROFILE_OWNER}/", signed_in=True),
}
REFERENCES = ("trivial", "bare response", "trivial signed in")
SKIPPED: set[str] = set()
CHALLENGE_IDS: list[int] = []
CLIENTS: dict[bool, Any] = {}  # signed in or not: a test Client each
READER_ADDRESSES = [0]


def _pages() -> dict[str, Page]:
    return {name: page for name, page in PAGES.items() if name not in SKIPPED}


def _reader_address() -> str:
    """Anonymous requests come from many addresses, as a page's readers do: the API's rate limit (120 a
    minute per address) counts each, at its usual cost, and refuses none of the benchmark's."""
    READER_ADDRESSES[0] += 1
    return f"192.0.2.{READER_ADDRESSES[0] % 250 + 1}"  # TEST-NET-1


def _get(page: Page, prime: bool = True) -> float:
    client = CLIENTS[page.signed_in]
    if page.cold:
        from bounties.leaderboard_version import leaderboard_changed

        leaderboard_changed(CHALLENGE_IDS[0])
    elif prime:
        client.get(page.url, REMOTE_ADDR=_reader_address())  # warm: what this page keeps is there
    started = time.perf_counter()
    response = client.get(page.url, REMOTE_ADDR=_reader_address())
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, f"{page.url}: {response.status_code}"
    return elapsed


def _query_counts() -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, page in _pages().items():
        _get(page)  # primed: a warm page's count is that of a page served from what is kept
        with CaptureQueriesContext(connection) as queries:
            _get(page, prime=False)
        counts[name] = len(queries.captured_queries)
    return counts


def _timings(rounds: int, repeats: int) -> dict[str, list[float]]:
    pages = list(_pages().items())
    times: dict[str, list[float]] = {name: [] for name, _ in pages}
    for _name, page in pages:
        _get(page)  # warm-up: templates, URL resolver, SQLite's page cache
    for round_number in range(rounds):
        # Rotate (and every other round reverse) the order, so that no page always runs first or last.
        shift = round_number % len(pages)
        order = pages[shift:] + pages[:shift]
        if round_number % 2:
            order.reverse()
        this_round: dict[str, list[float]] = {name: [] for name, _ in order}
        # A request takes about a millisecond: each warm page is timed `repeats` times a round, interleaved
        # with the others, so that one stall of the machine moves no median. A cold one is timed once.
        for repeat in range(repeats):
            for name, page in order:
                if not (page.cold and repeat):
                    this_round[name].append(_get(page))
        for name, values in this_round.items():
            times[name].extend(values)
        line = " ".join(
            f"{name}={statistics.median(values) * 1000:.1f}ms" for name, values in this_round.items()
        )
        print(f"  round {round_number + 1}: {line}")
    return times


def _report(
    times: dict[str, list[float]], small: dict[str, int], full: dict[str, int], sizes: tuple[int, int]
) -> None:
    medians = {name: statistics.median(values) for name, values in times.items()}
    bare = medians["bare response"]
    worst = 0.0
    print(f"{'page':<20}{'median':>10}{'ratio':>9}{'vs bare':>9}  queries at {sizes[0]:,} / {sizes[1]:,}")
    for name, median in medians.items():
        page = PAGES[name]
        trivial = medians["trivial signed in" if page.signed_in else "trivial"]
        ratio = median / trivial
        constant = "constant" if small[name] == full[name] else "NOT constant"
        if page.goal:
            worst = max(worst, ratio)
            verdict = "  goal met" if ratio <= GOAL else f"  (misses the goal of {GOAL:.0f}x)"
        else:
            verdict = "" if name in REFERENCES else "  (information)"
        print(
            f"{name:<20}{median * 1000:>8.1f}ms{ratio:>8.1f}x{median / bare:>8.1f}x"
            f"  {small[name]} / {full[name]} {constant}{verdict}"
        )
    print(
        f"goal: each of the three pages at most {GOAL:.0f}x the trivial view (the base layout, empty), as "
        "readers who are not signed in get them; 'cold' rows follow a score landing (nothing kept yet), "
        "'signed in' rows are rendered for one person, against the trivial view signed in"
    )
    print(f"ratio={worst:.2f}")


def _profile(times: dict[str, list[float]]) -> None:
    import cProfile
    import pstats

    slowest = max(
        (name for name in times if name not in REFERENCES), key=lambda k: statistics.median(times[k])
    )
    print(f"profile of one {slowest} request:")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        profiler.runcall(_get, _pages()[slowest])
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    print("its slowest queries:")
    for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]:
        sql = query["sql"] or ""
        picked = sql.find("(SELECT")  # a correlated subquery, where there is one, says the most
        print(
            f"  {float(query['time']):.3f}s  {sql[:60]} ... {sql[picked : picked + 160] if picked > 0 else ''}"
        )


def _run(
    submissions: int, contributors: int, rounds: int, repeats: int, profile: bool, analyze: bool
) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bounties.models import Artifact

    started = time.perf_counter()
    people = _contributors(contributors)
    organizer = get_user_model().objects.create(username="organizer", email="organizer@example.org")
    challenge = _challenge(organizer)
    CHALLENGE_IDS.append(challenge.pk)
    artifact = Artifact.objects.create(sha256="0" * 64, size_bytes=100)
    CLIENTS[False] = Client()
    CLIENTS[True] = Client()
    CLIENTS[True].force_login(people[0])  # PROFILE_OWNER
    small = min(SMALL, submissions)
    _fill(challenge, people, artifact, 0, small)
    _best_submissions()
    _statistics(analyze)
    small_counts = _query_counts()
    _fill(challenge, people, artifact, small, submissions)
    _best_submissions()
    _statistics(analyze)
    print(
        f"filled {submissions:,} scored submissions from {len(people):,} contributors "
        f"in {time.perf_counter() - started:.1f}s" + (", then ANALYZE" if analyze else "")
    )
    full_counts = _query_counts()
    times = _timings(rounds, repeats)
    _report(times, small_counts, full_counts, (small, submissions))
    if profile:
        _profile(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--contributors", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=10, help="times each warm page is timed a round")
    parser.add_argument("--profile", action="store_true", help="print where the slowest page spends its time")
    parser.add_argument(
        "--analyze", action="store_true", help="run SQLite's ANALYZE after each fill (the site never does)"
    )
    parser.add_argument(
        "--skip",
        default="",
        help='pages left out, comma-separated, e.g. "challenge cold" (the two references stay)',
    )
    options = parser.parse_args()
    SKIPPED.update(name.strip() for name in options.skip.split(",") if name.strip())
    if SKIPPED - set(PAGES) or SKIPPED & set(REFERENCES):
        parser.error(f"--skip takes some of {[name for name in PAGES if name not in REFERENCES]}")
    root = Path(tempfile.mkdtemp(prefix="clueboard-leaderboard-bench-"))
    try:
        _setup_django(root)
        _run(
            options.submissions,
            options.contributors,
            options.rounds,
            options.repeats,
            options.profile,
            options.analyze,
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

"""A challenge's lineage: its published submissions and clues and who built on whom, as plain values.

Six queries whatever the size of the challenge: the works of each kind, then the four citation tables.
Only citable work (bounties.selectors.citations) appears, so the graph tells nothing a viewer may not see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from bounties.lineage_graph import LineageNode
from bounties.models import Challenge, Clue, Submission
from bounties.selectors.citations import citable_clues, citable_submissions
from bounties.shares import Work


@dataclass(frozen=True)
class Lineage:
    challenge: Challenge
    nodes: dict[Work, LineageNode]
    cites: dict[Work, list[Work]] = field(default_factory=dict)  # citing work -> cited works, by id

    @property
    def authors(self) -> dict[Work, int]:
        return {work: node.author_id for work, node in self.nodes.items()}


def challenge_lineage(*, challenge: Challenge) -> Lineage:
    """The citable works of `challenge` and the citations between them (both ends citable)."""
    nodes = {node.work: node for node in _submission_nodes(challenge) + _clue_nodes(challenge)}
    cites: dict[Work, list[Work]] = defaultdict(list)
    for citing, cited in _edges(challenge):
        if citing in nodes and cited in nodes:
            cites[citing].append(cited)
    return Lineage(challenge, nodes, {work: sorted(cited) for work, cited in cites.items()})


def _submission_nodes(challenge: Challenge) -> list[LineageNode]:
    return [
        LineageNode(
            Work("submission", s.pk),
            s.title or f"Submission #{s.pk}",
            s.contributor_id,
            s.contributor.username,
            s.created_at,
            s.public_score,
        )
        for s in citable_submissions().filter(challenge=challenge).order_by("created_at", "id")
    ]


def _clue_nodes(challenge: Challenge) -> list[LineageNode]:
    return [
        LineageNode(Work("clue", c.pk), c.title, c.author_id, c.author.username, c.created_at, None)
        for c in citable_clues().filter(challenge=challenge).order_by("created_at", "id")
    ]


def _edges(challenge: Challenge) -> list[tuple[Work, Work]]:
    tables: list[tuple[Any, str, str, str, str]] = [
        (
            Submission.builds_on_submissions.through,
            "submission",
            "from_submission",
            "submission",
            "to_submission",
        ),
        (Submission.builds_on_clues.through, "submission", "submission", "clue", "clue"),
        (Clue.builds_on_submissions.through, "clue", "clue", "submission", "submission"),
        (Clue.builds_on_clues.through, "clue", "from_clue", "clue", "to_clue"),
    ]
    edges: list[tuple[Work, Work]] = []
    for through, citing_kind, citing_field, cited_kind, cited_field in tables:
        rows = through.objects.filter(**{f"{citing_field}__challenge": challenge}).values_list(
            f"{citing_field}_id", f"{cited_field}_id"
        )
        edges += [(Work(citing_kind, a), Work(cited_kind, b)) for a, b in rows]
    return edges

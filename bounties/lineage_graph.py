"""Where each work of a challenge's lineage is drawn: pure geometry, no Django, the same input the same picture.

Time runs left to right (one column per work, in order of creation), scored submissions stand at the
height of their public score (better higher), and clues and unscored submissions sit in a band below.
A line joins each work to each work it cites, and a step line traces the best score so far.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bounties.shares import Work

STEP = 64  # horizontal distance between columns
PAD_LEFT, PAD_RIGHT, TOP = 72, 32, 28
PLOT_HEIGHT = 220
BAND_Y = TOP + PLOT_HEIGHT + 52  # the row of clues and unscored submissions
HEIGHT = BAND_Y + 64  # room under the band for the citations between clues, which bow downwards
MIN_WIDTH = 480
RADIUS = 9


@dataclass(frozen=True)
class LineageNode:
    work: Work
    title: str
    author_id: int
    author: str
    created_at: datetime
    score: float | None  # a submission's public score; None for clues and unscored submissions


@dataclass(frozen=True)
class PlacedNode:
    node: LineageNode
    x: int
    y: int
    sets_record: bool  # its score is the best so far when it was made

    @property
    def kind(self) -> str:
        return self.node.work.kind


@dataclass(frozen=True)
class Edge:
    """A citation drawn as a curve from the citing work (x1, y1) to the cited one (x2, y2), off both rims."""

    x1: float
    y1: float
    x2: float
    y2: float
    path: str  # SVG path data: a quadratic curve, so lines between works in a row do not run over others


@dataclass(frozen=True)
class LineagePicture:
    width: int
    height: int
    nodes: tuple[PlacedNode, ...]
    edges: tuple[Edge, ...]
    record_path: str  # SVG path data of the best-score-so-far steps; "" without scored submissions
    best_label: str
    worst_label: str
    # Where the axis labels and the line above the clue band go, for the template.
    best_y: int = TOP + 4
    worst_y: int = TOP + PLOT_HEIGHT + 4
    divider_y: int = TOP + PLOT_HEIGHT + 26
    band_label_y: int = BAND_Y + 4
    plot_left: int = PAD_LEFT - 8


def lineage_picture(
    *, nodes: Sequence[LineageNode], cites: Mapping[Work, Sequence[Work]], higher_is_better: bool
) -> LineagePicture:
    """Place `nodes` and the citations between them; see the module docstring for the layout."""
    ordered = sorted(nodes, key=lambda n: (n.created_at, n.work))
    scores = [n.score for n in ordered if n.score is not None]
    best = (max if higher_is_better else min)(scores, default=None)
    worst = (min if higher_is_better else max)(scores, default=None)
    placed = _place(ordered, best, worst, higher_is_better)
    at = {p.node.work: p for p in placed}
    edges = tuple(
        _edge(at[citing], at[cited])
        for citing in sorted(cites)
        if citing in at
        for cited in sorted(cites[citing])
        if cited in at
    )
    return LineagePicture(
        width=max(MIN_WIDTH, PAD_LEFT + STEP * len(ordered) + PAD_RIGHT),
        height=HEIGHT,
        nodes=tuple(placed),
        edges=edges,
        record_path=_record_path([p for p in placed if p.sets_record]),
        best_label="" if best is None else f"{best:.4g}",
        # One score only: its one label sits beside the marks, halfway up, instead of at both ends.
        worst_label="" if worst is None or worst == best else f"{worst:.4g}",
        best_y=TOP + 4 + (PLOT_HEIGHT // 2 if best is not None and best == worst else 0),
    )


def _place(
    ordered: Sequence[LineageNode], best: float | None, worst: float | None, higher_is_better: bool
) -> list[PlacedNode]:
    placed: list[PlacedNode] = []
    record: float | None = None
    for index, node in enumerate(ordered):
        x = PAD_LEFT + STEP * index + STEP // 2
        if node.score is None or best is None or worst is None:
            placed.append(PlacedNode(node, x, BAND_Y, sets_record=False))
            continue
        span = best - worst
        height = 0.5 if span == 0 else (node.score - worst) / span  # 1 at the best score, 0 at the worst
        is_record = record is None or (node.score > record if higher_is_better else node.score < record)
        record = node.score if is_record else record
        placed.append(PlacedNode(node, x, round(TOP + PLOT_HEIGHT * (1 - height)), sets_record=is_record))
    return placed


def _edge(citing: PlacedNode, cited: PlacedNode) -> Edge:
    dx, dy = cited.x - citing.x, cited.y - citing.y
    # Between two works of the band the curve passes under it, clear of the works between; elsewhere it
    # turns slightly, always the same way, so a citation and its reverse never draw the same line.
    in_band = citing.y == cited.y == BAND_Y
    bend = (0.0, min(80.0, 30 + abs(dx) / 6)) if in_band else (dy * 0.12, -dx * 0.12)
    control = ((citing.x + cited.x) / 2 + bend[0], (citing.y + cited.y) / 2 + bend[1])
    x1, y1 = _off_rim(citing, control)
    x2, y2 = _off_rim(cited, control)
    path = f"M {x1} {y1} Q {round(control[0], 1)} {round(control[1], 1)} {x2} {y2}"
    return Edge(x1, y1, x2, y2, path)


def _off_rim(node: PlacedNode, towards: tuple[float, float]) -> tuple[float, float]:
    # Stop short of the mark, towards the curve's control point, so the arrow head shows.
    dx, dy = towards[0] - node.x, towards[1] - node.y
    length = max(math.hypot(dx, dy), 1.0)
    gap = RADIUS + 3
    return round(node.x + dx / length * gap, 1), round(node.y + dy / length * gap, 1)


def _record_path(records: Sequence[PlacedNode]) -> str:
    if not records:
        return ""
    steps = [f"M {records[0].x} {records[0].y}"]
    steps += [f"H {record.x} V {record.y}" for record in records[1:]]
    return " ".join(steps)

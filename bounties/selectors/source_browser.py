"""Reading a submission's published source archive: its file tree and one file's bytes, from the stored archive.

Nothing is extracted to disk: entries are read from the archive through `bounties.services.archives`, whose
checks run again on every read (an archive stored before a check existed gets it too). Callers check that
the viewer may see the submission (`bounties.selectors.submissions.submission_get_for_viewer`).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import dataclass
from typing import IO

from django.conf import settings

from bounties.errors import InvalidUpload, NotFound
from bounties.models import Submission
from bounties.services.archive_rules import ArchiveEntry
from bounties.services.archives import read_entry, reading_errors_refused, walk_archive
from bounties.services.artifacts import artifact_path

README_NAMES = ("readme.md", "readme.markdown", "readme.txt", "readme.rst", "readme")
MISSING = "The source archive is missing from storage."


@dataclass(frozen=True)
class TreeRow:
    path: str
    name: str
    depth: int
    is_dir: bool
    size: int


@dataclass(frozen=True)
class SourceTree:
    rows: list[TreeRow]
    readme_path: str | None
    refusal: str | None = None  # why the archive cannot be browsed, in fixed words


@dataclass(frozen=True)
class SourceFile:
    path: str
    size: int
    data: bytes  # at most MAX_SOURCE_VIEW_BYTES
    truncated: bool


def source_tree(*, submission: Submission) -> SourceTree:
    """The archive's folders and files in tree order (folders first), and its top-level README if any."""
    try:
        entries = [entry for entry, _ in _walk(submission)]
    except InvalidUpload as refused:
        return SourceTree(rows=[], readme_path=None, refusal=refused.message)
    return SourceTree(rows=_tree_rows(entries), readme_path=_readme(entries))


def source_file(*, submission: Submission, path: str) -> SourceFile:
    """The first MAX_SOURCE_VIEW_BYTES of one file; raises NotFound for a path that is not a file in it."""
    limit = settings.MAX_SOURCE_VIEW_BYTES
    try:
        with closing(_walk(submission)) as walk:  # closes the stored file as soon as the entry is read
            for entry, open_entry in walk:
                if entry.path == path and open_entry is not None:
                    with reading_errors_refused(), open_entry() as stream:
                        data = read_entry(stream, entry.size, limit=limit)
                    return SourceFile(path=path, size=entry.size, data=data, truncated=entry.size > limit)
    except InvalidUpload as refused:
        raise NotFound(refused.message) from refused
    raise NotFound(f"There is no file '{path[:200]}' in this source archive.")


def _walk(submission: Submission) -> Generator[tuple[ArchiveEntry, Callable[[], IO[bytes]] | None]]:
    artifact = submission.source_artifact
    if artifact is None:
        raise NotFound("This submission has no source archive.")
    path = artifact_path(artifact)
    if not path.is_file():
        raise InvalidUpload(MISSING)
    with path.open("rb") as handle:
        yield from walk_archive(
            handle=handle, filename=submission.source_filename, archive_bytes=artifact.size_bytes
        )


def _tree_rows(entries: list[ArchiveEntry]) -> list[TreeRow]:
    """Rows for every file and folder, folders implied by file paths included (zips often omit them)."""
    files = {entry.path: entry.size for entry in entries if not entry.is_dir}
    folders = {entry.path for entry in entries if entry.is_dir}
    for file_path in files:
        parts = file_path.split("/")
        folders.update("/".join(parts[:i]) for i in range(1, len(parts)))
    folders -= files.keys()
    # Within a folder, its subfolders come before its files, each group by name.
    keyed = [(_sort_key(p, is_dir=True), p, True) for p in folders]
    keyed += [(_sort_key(p, is_dir=False), p, False) for p in files]
    return [
        TreeRow(
            path=path,
            name=path.rsplit("/", 1)[-1],
            depth=path.count("/"),
            is_dir=is_dir,
            size=0 if is_dir else files[path],
        )
        for _, path, is_dir in sorted(keyed)
    ]


def _sort_key(path: str, *, is_dir: bool) -> tuple[tuple[int, str], ...]:
    parts = path.split("/")
    # Every ancestor is a folder (0); the last part is a folder (0) or a file (1).
    return (*((0, part.lower()) for part in parts[:-1]), (0 if is_dir else 1, parts[-1].lower()))


def _readme(entries: list[ArchiveEntry]) -> str | None:
    top_level = {
        entry.path.lower(): entry.path for entry in entries if not entry.is_dir and "/" not in entry.path
    }
    return next((top_level[name] for name in README_NAMES if name in top_level), None)

"""The rules a source archive's entries must follow, and the fixed reason given for each refusal.

Trust boundary: an entry's name, type and size come from the archive's uploader; they are checked here
before anything else reads them (`bounties.services.archives` walks the archive and calls these checks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

from bounties.errors import InvalidUpload

FIELD = "source_archive"
UNREADABLE = "The source archive is not a readable archive."
EMPTY = "The source archive is empty."
UNSAFE_PATH = "The source archive holds a path that is absolute or leaves the archive (/, C:\\, \\ or ..)."
LINK_OR_DEVICE = (
    "The source archive holds a link or a device file: only plain files and folders are accepted."
)
NAME_NOT_UTF8 = "The source archive holds a file name that is not valid UTF-8 or holds control characters."
DUPLICATE_PATH = "The source archive holds the same path twice."
NESTED_ARCHIVE = "The source archive holds another archive: put the sources themselves in one archive."
TOO_MANY_FILES = "The source archive holds more than {count} files: keep sources, not data, in it."
ENTRY_TOO_LARGE = (
    "A file in the source archive unpacks to more than {size}: keep sources, not data or checkpoints, in it."
)
TOTAL_TOO_LARGE = (
    "The source archive unpacks to more than {size} in all: keep sources, not data or checkpoints, in it."
)
COMPRESSION_BOMB = (
    "The source archive is compressed more than {ratio} to 1: it looks like a decompression bomb."
)

# Small text compresses well past any sane ratio (a 100 KiB file of spaces); a bomb needs bulk.
RATIO_FLOOR_BYTES = 1024 * 1024
NESTED_SUFFIXES = (
    ".zip",
    ".tar",
    ".tgz",
    ".gz",
    ".bz2",
    ".xz",
    ".zst",
    ".7z",
    ".rar",
    ".whl",
    ".jar",
    ".egg",
)
NESTED_MAGIC = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\x1f\x8b\x08",  # gzip, deflated
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\x28\xb5\x2f\xfd",  # zstandard
)
TAR_MAGIC_OFFSET = 257  # "ustar" in a tar header
DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ArchiveEntry:
    path: str  # checked: relative, "/"-separated, no "..", valid UTF-8
    size: int
    is_dir: bool


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int
    max_entry_bytes: int
    max_total_bytes: int
    max_ratio: int

    @classmethod
    def from_settings(cls) -> ArchiveLimits:
        return cls(
            max_entries=settings.MAX_SOURCE_ARCHIVE_MEMBERS,
            max_entry_bytes=settings.MAX_SOURCE_ENTRY_BYTES,
            max_total_bytes=settings.MAX_SOURCE_EXPANDED_BYTES,
            max_ratio=settings.MAX_SOURCE_COMPRESSION_RATIO,
        )


def refuse(reason: str) -> InvalidUpload:
    return InvalidUpload(reason, field=FIELD)


def check_content(entry: ArchiveEntry, data: bytes) -> None:
    if entry.path.lower().endswith(NESTED_SUFFIXES) or data.startswith(NESTED_MAGIC):
        raise refuse(NESTED_ARCHIVE)
    if data[:3] == b"BZh" and data[4:10] == b"1AY&SY":  # bzip2: "BZh", a level digit, a block header
        raise refuse(NESTED_ARCHIVE)
    if data[TAR_MAGIC_OFFSET : TAR_MAGIC_OFFSET + 5] == b"ustar":
        raise refuse(NESTED_ARCHIVE)


class EntryTotals:
    """Counts entries and bytes against the limits as the walk goes."""

    def __init__(self, limits: ArchiveLimits, archive_bytes: int) -> None:
        self.limits = limits
        self.archive_bytes = max(archive_bytes, 1)
        self.entries = 0
        self.expanded = 0
        self.paths: set[str] = set()

    def add(self, entry: ArchiveEntry, compressed: int | None) -> None:
        limits = self.limits
        self.entries += 1
        if self.entries > limits.max_entries:
            raise refuse(TOO_MANY_FILES.format(count=limits.max_entries))
        if entry.path in self.paths:
            raise refuse(DUPLICATE_PATH)
        self.paths.add(entry.path)
        if entry.size > limits.max_entry_bytes:
            raise refuse(ENTRY_TOO_LARGE.format(size=mib(limits.max_entry_bytes)))
        self.expanded += entry.size
        if self.expanded > limits.max_total_bytes:
            raise refuse(TOTAL_TOO_LARGE.format(size=mib(limits.max_total_bytes)))
        if compressed is not None:
            self.check_ratio(entry.size, compressed)
        self.check_ratio(self.expanded, self.archive_bytes)

    def check_ratio(self, expanded: int, compressed: int) -> None:
        if expanded > RATIO_FLOOR_BYTES and expanded > self.limits.max_ratio * max(compressed, 1):
            raise refuse(COMPRESSION_BOMB.format(ratio=self.limits.max_ratio))


def checked_path(raw: bytes) -> str:
    """The entry's name as a relative "/"-separated path ("" for "." itself); raises InvalidUpload for an
    unsafe or non-UTF-8 name."""
    try:
        name = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse(NAME_NOT_UTF8) from exc
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        raise refuse(NAME_NOT_UTF8)
    if "\\" in name or name.startswith("/") or DRIVE.match(name):
        raise refuse(UNSAFE_PATH)
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise refuse(UNSAFE_PATH)
    return "/".join(parts)


def mib(n_bytes: int) -> str:
    """A size as people read it in a refusal."""
    return f"{n_bytes / (1024 * 1024):.0f} MiB" if n_bytes >= 1024 * 1024 else f"{n_bytes} bytes"

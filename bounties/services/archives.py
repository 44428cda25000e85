"""Checking a source archive's entries: what may be stored, and later shown, from a zip or tar archive.

Trust boundary: an archive's names, types and sizes come from its uploader. Each entry is checked from its
header, and its bytes are read (never extracted to disk, never run) with reads bounded by what the header
declared, so a header that lies is caught. Every refusal carries one of the fixed reasons below.
"""

from __future__ import annotations

import gzip
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, BinaryIO

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
READ_CHUNK = 64 * 1024
HEAD_BYTES = 512  # enough to see an archive's magic bytes, a tar's included
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
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!",
)
TAR_MAGIC_OFFSET = 257  # "ustar" in a tar header
DRIVE = re.compile(r"^[A-Za-z]:")
READ_ERRORS = (
    zipfile.BadZipFile,
    tarfile.TarError,
    OSError,
    EOFError,
    zlib.error,
    RuntimeError,
    NotImplementedError,
)


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


def is_zip_name(filename: str) -> bool:
    return filename.lower().endswith(".zip")


def check_archive_entries(*, handle: BinaryIO, filename: str, archive_bytes: int) -> list[ArchiveEntry]:
    """Check every entry of an archive and read each file's bytes once, bounded; returns the entries.

    Raises InvalidUpload with one of this module's reasons.
    """
    entries: list[ArchiveEntry] = []
    for entry, open_entry in walk_archive(handle=handle, filename=filename, archive_bytes=archive_bytes):
        entries.append(entry)
        if open_entry is not None:
            with reading_errors_refused(), open_entry() as stream:
                _check_content(entry, scan_entry(stream, entry.size))
    if not entries:
        raise refuse(EMPTY)
    return entries


def walk_archive(
    *, handle: BinaryIO, filename: str, archive_bytes: int, limits: ArchiveLimits | None = None
) -> Iterator[tuple[ArchiveEntry, Callable[[], IO[bytes]] | None]]:
    """Checked entries, each with an opener for a file's bytes (None for a folder), in archive order.

    Open an entry before asking for the next one: a tar is read as one stream. Raises InvalidUpload.
    """
    limits = limits or ArchiveLimits.from_settings()
    handle.seek(0)
    with reading_errors_refused():
        if is_zip_name(filename):
            yield from _walk_zip(handle, archive_bytes, limits)
        else:
            yield from _walk_tar(handle, archive_bytes, limits)


@contextmanager
def reading_errors_refused() -> Iterator[None]:
    """The errors of the zip, tar and gzip readers, as the fixed reasons (the readers' texts are not shown)."""
    try:
        yield
    except UnicodeDecodeError as exc:  # a zip flagged as UTF-8 whose names are not
        raise refuse(NAME_NOT_UTF8) from exc
    except READ_ERRORS as exc:
        raise refuse(UNREADABLE) from exc


def read_entry(stream: IO[bytes], declared_size: int, *, limit: int) -> bytes:
    """Up to `limit` bytes of an entry, never reading past its declared size. Raises InvalidUpload."""
    wanted = min(limit, declared_size)
    data = bytearray()
    while len(data) < wanted and (chunk := stream.read(min(READ_CHUNK, wanted - len(data)))):
        data += chunk
    if len(data) < wanted:  # shorter than its header said
        raise refuse(UNREADABLE)
    return bytes(data)


def scan_entry(stream: IO[bytes], declared_size: int) -> bytes:
    """Read a whole entry in bounded chunks, checking it holds exactly its declared size; its first bytes."""
    head = read_entry(stream, declared_size, limit=HEAD_BYTES)
    remaining = declared_size - len(head)
    while remaining > 0 and (chunk := stream.read(min(READ_CHUNK, remaining))):
        remaining -= len(chunk)
    if remaining > 0 or stream.read(1):  # shorter or longer than its header said
        raise refuse(UNREADABLE)
    return head


def _check_content(entry: ArchiveEntry, data: bytes) -> None:
    if entry.path.lower().endswith(NESTED_SUFFIXES) or data.startswith(NESTED_MAGIC):
        raise refuse(NESTED_ARCHIVE)
    if data[TAR_MAGIC_OFFSET : TAR_MAGIC_OFFSET + 5] == b"ustar":
        raise refuse(NESTED_ARCHIVE)


class _Totals:
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
            raise refuse(ENTRY_TOO_LARGE.format(size=_mib(limits.max_entry_bytes)))
        self.expanded += entry.size
        if self.expanded > limits.max_total_bytes:
            raise refuse(TOTAL_TOO_LARGE.format(size=_mib(limits.max_total_bytes)))
        if compressed is not None:
            self.check_ratio(entry.size, compressed)
        self.check_ratio(self.expanded, self.archive_bytes)

    def check_ratio(self, expanded: int, compressed: int) -> None:
        if expanded > RATIO_FLOOR_BYTES and expanded > self.limits.max_ratio * max(compressed, 1):
            raise refuse(COMPRESSION_BOMB.format(ratio=self.limits.max_ratio))


def checked_path(raw: bytes) -> str:
    """The entry's name as a relative "/"-separated path; raises InvalidUpload for an unsafe or non-UTF-8 name."""
    try:
        name = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse(NAME_NOT_UTF8) from exc
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        raise refuse(NAME_NOT_UTF8)
    if "\\" in name or name.startswith("/") or DRIVE.match(name):
        raise refuse(UNSAFE_PATH)
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if not parts or ".." in parts:
        raise refuse(UNSAFE_PATH)
    return "/".join(parts)


def _walk_zip(
    handle: BinaryIO, archive_bytes: int, limits: ArchiveLimits
) -> Iterator[tuple[ArchiveEntry, Callable[[], IO[bytes]] | None]]:
    with zipfile.ZipFile(handle) as archive:
        totals = _Totals(limits, archive_bytes)
        infos = archive.infolist()
        checked = []
        for info in infos:  # every header first, from the central directory, before any byte is inflated
            entry = _zip_entry(info)
            totals.add(entry, None if entry.is_dir else info.compress_size)
            checked.append((entry, info))
        for entry, info in checked:
            yield entry, (None if entry.is_dir else _zip_opener(archive, info))


def _zip_opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], IO[bytes]]:
    return lambda: archive.open(info)


def _zip_entry(info: zipfile.ZipInfo) -> ArchiveEntry:
    # The Unix mode bits, where a zip tool wrote them; no file type at all is a plain file (Python writes that).
    if stat.S_IFMT(info.external_attr >> 16) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise refuse(LINK_OR_DEVICE)
    # zipfile decodes names not flagged as UTF-8 as cp437, which never fails: get the bytes back.
    utf8_flagged = bool(info.flag_bits & 0x800)
    raw = info.orig_filename.encode("utf-8" if utf8_flagged else "cp437")
    path = checked_path(raw)
    is_dir = info.orig_filename.endswith("/")
    return ArchiveEntry(path=path, size=0 if is_dir else info.file_size, is_dir=is_dir)


def _walk_tar(
    handle: BinaryIO, archive_bytes: int, limits: ArchiveLimits
) -> Iterator[tuple[ArchiveEntry, Callable[[], IO[bytes]] | None]]:
    head = handle.read(2)
    handle.seek(0)
    stream: BinaryIO = handle
    if head == b"\x1f\x8b":
        stream = _GuardedGzip(handle, limits)  # type: ignore[assignment]
    totals = _Totals(limits, archive_bytes)
    # Stream mode reads the archive once, front to back: nothing seeks on the attacker's offsets.
    with tarfile.open(fileobj=stream, mode="r|", encoding="utf-8", errors="surrogateescape") as archive:
        for member in archive:
            entry = _tar_entry(member)
            totals.add(entry, None)
            yield entry, (None if entry.is_dir else _tar_opener(archive, member))


def _tar_opener(archive: tarfile.TarFile, member: tarfile.TarInfo) -> Callable[[], IO[bytes]]:
    def open_member() -> IO[bytes]:
        stream = archive.extractfile(member)
        if stream is None:
            raise refuse(LINK_OR_DEVICE)
        return stream

    return open_member


def _tar_entry(member: tarfile.TarInfo) -> ArchiveEntry:
    if not (member.isreg() or member.isdir()) or member.issparse():
        raise refuse(LINK_OR_DEVICE)
    path = checked_path(member.name.encode("utf-8", errors="surrogateescape"))
    return ArchiveEntry(path=path, size=0 if member.isdir() else member.size, is_dir=member.isdir())


class _GuardedGzip:
    """A gzip stream that stops once it inflates past the total cap or the compression-ratio cap.

    Tar headers add 512 bytes or more per entry on top of the files' bytes, hence the allowance.
    """

    def __init__(self, compressed: BinaryIO, limits: ArchiveLimits) -> None:
        self._compressed = compressed
        self._inflated = gzip.GzipFile(fileobj=compressed, mode="rb")
        self._limits = limits
        self._cap = limits.max_total_bytes + 4096 * (limits.max_entries + 1)
        self.expanded = 0

    def read(self, size: int = -1) -> bytes:
        wanted = READ_CHUNK if size is None or size < 0 else min(size, READ_CHUNK)
        data = self._inflated.read(wanted)
        self.expanded += len(data)
        if self.expanded > self._cap:
            raise refuse(TOTAL_TOO_LARGE.format(size=_mib(self._limits.max_total_bytes)))
        consumed = max(self._compressed.tell(), 1)
        if self.expanded > RATIO_FLOOR_BYTES and self.expanded > self._limits.max_ratio * consumed:
            raise refuse(COMPRESSION_BOMB.format(ratio=self._limits.max_ratio))
        return data

    def close(self) -> None:
        self._inflated.close()


def _mib(n_bytes: int) -> str:
    return f"{n_bytes / (1024 * 1024):.0f} MiB" if n_bytes >= 1024 * 1024 else f"{n_bytes} bytes"

"""Walking a source archive's entries, checked: what may be stored, and later shown, from a zip or tar archive.

Trust boundary: an archive's names, types and sizes come from its uploader. Each entry is checked from its
header (the rules of `bounties.services.archive_rules`), and its bytes are read (never extracted to disk,
never run) with reads bounded by what the header declared, so a header that lies is caught. Every refusal
carries one of the fixed reasons of `archive_rules`.
"""

from __future__ import annotations

import gzip
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, BinaryIO

from bounties.services.archive_rules import (
    COMPRESSION_BOMB,
    EMPTY,
    LINK_OR_DEVICE,
    NAME_NOT_UTF8,
    RATIO_FLOOR_BYTES,
    TOTAL_TOO_LARGE,
    UNREADABLE,
    UNSAFE_PATH,
    ArchiveEntry,
    ArchiveLimits,
    EntryTotals,
    check_content,
    checked_path,
    mib,
    refuse,
)

READ_CHUNK = 64 * 1024
HEAD_BYTES = 512  # enough to see an archive's magic bytes, a tar's included
READ_ERRORS = (
    zipfile.BadZipFile,
    tarfile.TarError,
    OSError,
    EOFError,
    zlib.error,
    RuntimeError,
    NotImplementedError,
)


def is_zip_name(filename: str) -> bool:
    return filename.lower().endswith(".zip")


def check_archive_entries(*, handle: BinaryIO, filename: str, archive_bytes: int) -> list[ArchiveEntry]:
    """Check every entry of an archive and read each file's bytes once, bounded; returns the entries.

    Raises InvalidUpload with one of the reasons of `bounties.services.archive_rules`.
    """
    entries: list[ArchiveEntry] = []
    for entry, open_entry in walk_archive(handle=handle, filename=filename, archive_bytes=archive_bytes):
        entries.append(entry)
        if open_entry is not None:
            with reading_errors_refused(), open_entry() as stream:
                check_content(entry, scan_entry(stream, entry.size))
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


def _walk_zip(
    handle: BinaryIO, archive_bytes: int, limits: ArchiveLimits
) -> Iterator[tuple[ArchiveEntry, Callable[[], IO[bytes]] | None]]:
    with zipfile.ZipFile(handle) as archive:
        totals = EntryTotals(limits, archive_bytes)
        infos = archive.infolist()
        checked = []
        for info in infos:  # every header first, from the central directory, before any byte is inflated
            entry = _zip_entry(info)
            if entry is None:
                continue
            totals.add(entry, None if entry.is_dir else info.compress_size)
            checked.append((entry, info))
        for entry, info in checked:
            yield entry, (None if entry.is_dir else _zip_opener(archive, info))


def _zip_opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], IO[bytes]]:
    return lambda: archive.open(info)


def _zip_entry(info: zipfile.ZipInfo) -> ArchiveEntry | None:
    """The checked entry, or None for the archive's own root folder ("./")."""
    # The Unix mode bits, where a zip tool wrote them; no file type at all is a plain file (Python writes that).
    if stat.S_IFMT(info.external_attr >> 16) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise refuse(LINK_OR_DEVICE)
    # zipfile decodes names not flagged as UTF-8 as cp437, which never fails: get the bytes back.
    utf8_flagged = bool(info.flag_bits & 0x800)
    raw = info.orig_filename.encode("utf-8" if utf8_flagged else "cp437")
    path = checked_path(raw)
    is_dir = info.orig_filename.endswith("/")
    if not path:
        _refuse_unless_folder(is_dir=is_dir)
        return None
    return ArchiveEntry(path=path, size=0 if is_dir else info.file_size, is_dir=is_dir)


def _walk_tar(
    handle: BinaryIO, archive_bytes: int, limits: ArchiveLimits
) -> Iterator[tuple[ArchiveEntry, Callable[[], IO[bytes]] | None]]:
    head = handle.read(2)
    handle.seek(0)
    stream: BinaryIO = handle
    if head == b"\x1f\x8b":
        stream = _GuardedGzip(handle, limits)  # type: ignore[assignment]
    totals = EntryTotals(limits, archive_bytes)
    # Stream mode reads the archive once, front to back: nothing seeks on the attacker's offsets.
    with tarfile.open(fileobj=stream, mode="r|", encoding="utf-8", errors="surrogateescape") as archive:
        for member in archive:
            entry = _tar_entry(member)
            if entry is None:
                continue
            totals.add(entry, None)
            yield entry, (None if entry.is_dir else _tar_opener(archive, member))


def _tar_opener(archive: tarfile.TarFile, member: tarfile.TarInfo) -> Callable[[], IO[bytes]]:
    def open_member() -> IO[bytes]:
        stream = archive.extractfile(member)
        if stream is None:
            raise refuse(LINK_OR_DEVICE)
        return stream

    return open_member


def _tar_entry(member: tarfile.TarInfo) -> ArchiveEntry | None:
    """The checked entry, or None for the archive's own root folder ("./", which `tar -C dir .` writes)."""
    if not (member.isreg() or member.isdir()) or member.issparse():
        raise refuse(LINK_OR_DEVICE)
    path = checked_path(member.name.encode("utf-8", errors="surrogateescape"))
    if not path:
        _refuse_unless_folder(is_dir=member.isdir())
        return None
    return ArchiveEntry(path=path, size=0 if member.isdir() else member.size, is_dir=member.isdir())


def _refuse_unless_folder(*, is_dir: bool) -> None:
    """A folder named "." or "./" is the archive itself: skipped. A file with no name is refused."""
    if not is_dir:
        raise refuse(UNSAFE_PATH)


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
            raise refuse(TOTAL_TOO_LARGE.format(size=mib(self._limits.max_total_bytes)))
        consumed = max(self._compressed.tell(), 1)
        if self.expanded > RATIO_FLOOR_BYTES and self.expanded > self._limits.max_ratio * consumed:
            raise refuse(COMPRESSION_BOMB.format(ratio=self._limits.max_ratio))
        return data

    def close(self) -> None:
        self._inflated.close()

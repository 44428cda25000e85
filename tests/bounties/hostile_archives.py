"""A corpus of hostile source archives, generated here so that no binary file is committed.

Each builder returns (file name, bytes). `HOSTILE` pairs each with the fixed reason it must be refused for.
"""

from __future__ import annotations

import bz2
import gzip
import io
import os
import stat
import tarfile
import zipfile
from collections.abc import Callable
from typing import Any

from bounties.services import archive_rules as rules

Archive = tuple[str, bytes]


def zip_of(files: dict[str, bytes], name: str = "source.zip") -> Archive:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(zipfile.ZipInfo(path), data, compress_type=zipfile.ZIP_DEFLATED)
    return name, buffer.getvalue()


def tar_of(members: list[tarfile.TarInfo | tuple[str, bytes]], name: str = "source.tar.gz") -> Archive:
    buffer = io.BytesIO()
    compression: dict[str, Any] = {"compresslevel": 9} if name.endswith("gz") else {}
    mode = "w:gz" if compression else "w"
    with tarfile.open(
        fileobj=buffer, mode=mode, encoding="utf-8", errors="surrogateescape", **compression
    ) as archive:  # type: ignore[call-overload]
        for member in members:
            if isinstance(member, tarfile.TarInfo):
                archive.addfile(member)
            else:
                info = tarfile.TarInfo(member[0])
                info.size = len(member[1])
                archive.addfile(info, io.BytesIO(member[1]))
    return name, buffer.getvalue()


def _special(name: str, kind: bytes, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info


def zip_traversal() -> Archive:
    return zip_of({"../x": b"escaped"})


def zip_absolute() -> Archive:
    return zip_of({"/etc/x": b"absolute"})


def zip_windows_drive() -> Archive:
    return zip_of({"C:\\x": b"drive"})


def tar_traversal() -> Archive:
    return tar_of([("src/../../x", b"escaped")])


def tar_symlink() -> Archive:
    return tar_of([("train.py", b"print(1)\n"), _special("passwd", tarfile.SYMTYPE, "/etc/passwd")])


def tar_hardlink() -> Archive:
    return tar_of([("train.py", b"print(1)\n"), _special("shadow", tarfile.LNKTYPE, "/etc/shadow")])


def tar_device() -> Archive:
    return tar_of([_special("null", tarfile.CHRTYPE)], name="source.tar")


def zip_symlink_mode() -> Archive:
    """A zip entry whose Unix mode bits say symlink: unzip would make a link to /etc/passwd."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("passwd")
        info.create_system = 3  # Unix
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, b"/etc/passwd")
    return "source.zip", buffer.getvalue()


def zip_bomb(expanded_bytes: int = 20 * 1024 * 1024) -> Archive:
    """One file of zeros, over a thousand to one: under the size caps, over the ratio cap."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("weights.txt", b"\0" * expanded_bytes)
    return "source.zip", buffer.getvalue()


def tar_gz_bomb(expanded_bytes: int = 20 * 1024 * 1024) -> Archive:
    return tar_of([("weights.txt", b"\0" * expanded_bytes)])


def zip_over_total(entry_bytes: int, entries: int) -> Archive:
    """Incompressible files, each under the per-file cap, that add up past the total cap."""
    return zip_of({f"data/part{i}.bin": os.urandom(entry_bytes) for i in range(entries)})


def zip_many_entries(count: int) -> Archive:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(count):
            archive.writestr(f"f/{i}.py", b"")
    return "source.zip", buffer.getvalue()


def zip_invalid_utf8_name() -> Archive:
    """A name whose bytes are not UTF-8 (written under a placeholder of the same length, then patched)."""
    name, data = zip_of({"bad-XX.py": b"print(1)\n"})
    return name, data.replace(b"bad-XX.py", b"bad-\xff\xfe.py")


def tar_invalid_utf8_name() -> Archive:
    return tar_of([("bad-\udcff\udcfe.py", b"print(1)\n")])


def zip_nested_archive() -> Archive:
    _, inner = zip_of({"train.py": b"print(1)\n"})
    return zip_of({"train.py": b"print(1)\n", "vendor/inner.zip": inner})


def tar_nested_gzip_renamed() -> Archive:
    """A gzip stream named like a text file: refused by its magic bytes, not its name."""
    return tar_of([("notes.txt", gzip.compress(b"hidden"))])


def zip_nested_tar_renamed() -> Archive:
    _, inner_tar = tar_of([("a.py", b"1")], name="inner.tar")
    return zip_of({"docs/notes.txt": inner_tar})


def zip_nested_bzip2_renamed() -> Archive:
    return zip_of({"b.txt": bz2.compress(b"hidden")})


def zip_corrupted() -> Archive:
    """A zip whose file data was altered after writing: its CRC no longer matches."""
    name, data = zip_of({"train.py": b"print('training a model')\n" * 50})
    middle = data.index(b"PK\x01\x02") // 2
    return name, data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


def tar_gz_truncated() -> Archive:
    name, data = tar_of([("train.py", b"print('training')\n" * 2000)])
    return name, data[: len(data) // 2]


HOSTILE: dict[str, tuple[Callable[[], Archive], str]] = {
    "zip-traversal": (zip_traversal, rules.UNSAFE_PATH),
    "zip-absolute": (zip_absolute, rules.UNSAFE_PATH),
    "zip-windows-drive": (zip_windows_drive, rules.UNSAFE_PATH),
    "tar-traversal": (tar_traversal, rules.UNSAFE_PATH),
    "tar-symlink": (tar_symlink, rules.LINK_OR_DEVICE),
    "tar-hardlink": (tar_hardlink, rules.LINK_OR_DEVICE),
    "tar-device": (tar_device, rules.LINK_OR_DEVICE),
    "zip-symlink-mode": (zip_symlink_mode, rules.LINK_OR_DEVICE),
    "zip-bomb": (zip_bomb, rules.COMPRESSION_BOMB.format(ratio=100)),
    "tar-gz-bomb": (tar_gz_bomb, rules.COMPRESSION_BOMB.format(ratio=100)),
    "zip-invalid-utf8-name": (zip_invalid_utf8_name, rules.NAME_NOT_UTF8),
    "tar-invalid-utf8-name": (tar_invalid_utf8_name, rules.NAME_NOT_UTF8),
    "zip-nested-archive": (zip_nested_archive, rules.NESTED_ARCHIVE),
    "tar-nested-gzip": (tar_nested_gzip_renamed, rules.NESTED_ARCHIVE),
    "zip-nested-tar-renamed": (zip_nested_tar_renamed, rules.NESTED_ARCHIVE),
    "zip-nested-bzip2-renamed": (zip_nested_bzip2_renamed, rules.NESTED_ARCHIVE),
    "zip-corrupted": (zip_corrupted, rules.UNREADABLE),
    "tar-gz-truncated": (tar_gz_truncated, rules.UNREADABLE),
}

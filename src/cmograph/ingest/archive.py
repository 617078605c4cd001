"""Zip archives from outside (a REFI-QDA project, a ``.docx`` transcript), read in memory and never unpacked to disk.

Every entry name is checked before anything is read: a name that is absolute (``/tmp/x``, ``C:/x``), holds a
backslash or a ``..`` step, or equals another ignoring case, refuses the whole archive. Only the entries needed are
read, each with caps: what it declares it unpacks to, the ratio of unpacked to packed size, and the bytes actually
unpacked, counted while reading (a declared size can lie), one entry and all of them together. Entries that are not
read (a project's audio and video, say) may be of any size.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cmograph.errors import InputError

MAX_ENTRY_BYTES = 64 * 1024 * 1024  # one entry, unpacked
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # every entry read, unpacked
MAX_RATIO = 200  # unpacked / packed, for an entry that unpacks to more than RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
MAX_ENTRIES = 100_000
_CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


class ArchiveRefused(InputError):
    """An archive that is not a zip, is damaged, or is refused as unsafe; nothing of it is used."""

    page = "commands/import"


@dataclass
class Archive:
    """An open zip archive whose entry names have been checked; entries are found ignoring case."""

    name: str  # as messages name the archive
    zip: zipfile.ZipFile
    entries: dict[str, zipfile.ZipInfo]  # by name, case-folded
    unpacked: int = 0  # bytes read so far, of every entry

    def find(self, name: str) -> zipfile.ZipInfo | None:
        return self.entries.get(name.casefold())

    def read(self, info: zipfile.ZipInfo, limit: int = MAX_ENTRY_BYTES) -> bytes:
        """The unpacked bytes of ``info``, refusing more than ``limit`` bytes (declared or counted) or a ratio that
        marks a zip bomb."""
        what = f"{self.name}: the entry '{info.filename}'"
        if info.file_size > limit:
            raise ArchiveRefused(f"{what} unpacks to {info.file_size:,} bytes, more than the {limit:,} cmograph "
                                 "reads", "this is not a file cmograph reads; nothing was read")
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ArchiveRefused(f"{what} unpacks to {info.file_size // max(info.compress_size, 1):,} times its "
                                 "packed size: a zip bomb", "nothing was read")
        out = bytearray()
        try:
            with self.zip.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    out += chunk
                    self.unpacked += len(chunk)
                    if len(out) > limit:
                        raise ArchiveRefused(f"{what} unpacks to more than the {limit:,} bytes it declares or "
                                             "cmograph reads", "nothing was read")
                    if self.unpacked > MAX_TOTAL_BYTES:
                        raise ArchiveRefused(f"{self.name}: its entries unpack to more than the {MAX_TOTAL_BYTES:,} "
                                             "bytes cmograph reads", "nothing was read")
        except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
            raise ArchiveRefused(f"{what} cannot be unpacked ({' '.join(str(exc).split())[:200]})",
                                 "export the file again") from None
        return bytes(out)


def open_archive(path: Path, name: str | None = None, kind: str = "zip archive", data: bytes | None = None
                 ) -> Archive:
    """``path`` (or ``data`` read from it, or from an entry of another archive) as an :class:`Archive`; raises
    :class:`ArchiveRefused` for a file that is not a zip, is damaged, or whose names or declared sizes are unsafe.
    ``kind`` names what the file should be, in messages."""
    shown = name or path.name
    if data is None and not path.exists():
        raise ArchiveRefused(f"{path}: no such file", "check the path")
    try:
        archive = zipfile.ZipFile(path if data is None else io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise ArchiveRefused(f"{shown}: not a {kind} ({' '.join(str(exc).split())[:200]})",
                             f"export it again as a {kind}") from None
    except OSError as exc:
        raise ArchiveRefused(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        return Archive(shown, archive, _checked(shown, archive.infolist()))
    except ArchiveRefused:
        archive.close()
        raise


def _checked(shown: str, infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    if len(infos) > MAX_ENTRIES:
        raise ArchiveRefused(f"{shown}: {len(infos):,} entries, more than the {MAX_ENTRIES:,} cmograph reads")
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        unsafe = unsafe_name(info.filename)
        if unsafe:
            raise ArchiveRefused(f"{shown}: the entry '{info.filename}' {unsafe}",
                                 "this archive could write outside its folder when unpacked; nothing was read")
        key = info.filename.casefold()
        if key in entries:
            raise ArchiveRefused(f"{shown}: two entries are named '{info.filename}' (ignoring case)",
                                 "an archive with two entries of one name is ambiguous; nothing was read")
        entries[key] = info
    return entries


def unsafe_name(name: str) -> str | None:
    """Why an entry name (or a path inside an archive) is unsafe, or None: absolute, a drive, a backslash, a
    ``..`` step, a control character."""
    if not name:
        return "has no name"
    if name.startswith("/") or _DRIVE.match(name):
        return "is an absolute path"
    if "\\" in name:
        return "holds a backslash"
    if any(part == ".." for part in name.split("/")):
        return "leads out of the archive (..)"
    if any(ord(c) < 32 for c in name):
        return "holds a control character"
    return None

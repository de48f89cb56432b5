"""Mutations of input bytes: each one damages a valid file in a way a loader must refuse.

Every function is deterministic (random ones take a seed), so a failing case can be written
again and looked at.
"""

from __future__ import annotations

import gzip
import io
import random
import zipfile


def cut_mid_token(data: bytes, fraction: float) -> bytes:
    """``data`` cut near ``fraction`` of its length, inside a word (never at a line end)."""
    at = max(1, int(len(data) * fraction))
    while at < len(data) - 1 and not (chr(data[at - 1]).isalnum() and chr(data[at]).isalnum()):
        at += 1
    return data[:at]


def lines_kept(data: bytes, count: int) -> bytes:
    """The first ``count`` lines of ``data`` (with their line ends)."""
    return b"".join(data.splitlines(keepends=True)[:count])


def header_only(data: bytes) -> bytes:
    """Only the first line."""
    return lines_kept(data, 1)


def on_data_lines(data: bytes, change: bytes, *, skip: int = 1) -> bytes:
    """``change`` put after the first byte of every line after the first ``skip``."""
    lines = data.splitlines(keepends=True)
    changed = [line[:1] + change + line[1:] if line.strip() else line for line in lines[skip:]]
    return b"".join(lines[:skip] + changed)


def inserted(data: bytes, fraction: float, piece: bytes) -> bytes:
    """``piece`` inserted at the start of the line nearest ``fraction`` of the file."""
    at = data.rfind(b"\n", 0, int(len(data) * fraction)) + 1
    return data[:at] + piece + data[at:]


def cr_only(data: bytes) -> bytes:
    """Line ends turned into bare CR (classic Mac files)."""
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")


def garbage(seed: int, size: int = 4096) -> bytes:
    """``size`` random bytes."""
    return random.Random(seed).randbytes(size)


def replaced_in_lines(data: bytes, old: bytes, new: bytes, *, skip: int = 1) -> bytes:
    """``old`` replaced by ``new`` in every line after the first ``skip``."""
    lines = data.splitlines(keepends=True)
    return b"".join(lines[:skip] + [line.replace(old, new) for line in lines[skip:]])


def zipped(files: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> bytes:
    """A zip archive of ``files`` (name → content)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def flip_in_member(archive: bytes, member: str) -> bytes:
    """``archive`` with one byte flipped in the middle of ``member``'s stored data."""
    with zipfile.ZipFile(io.BytesIO(archive)) as reader:
        info = reader.getinfo(member)
    name_length = int.from_bytes(
        archive[info.header_offset + 26 : info.header_offset + 28], "little"
    )
    extra_length = int.from_bytes(
        archive[info.header_offset + 28 : info.header_offset + 30], "little"
    )
    start = info.header_offset + 30 + name_length + extra_length
    at = start + info.compress_size // 2
    return archive[:at] + bytes([archive[at] ^ 0x55]) + archive[at + 1 :]


def gzip_bytes(data: bytes) -> bytes:
    """``data`` gzip-compressed."""
    return gzip.compress(data, compresslevel=9)


def gzip_bomb(megabytes: int) -> bytes:
    """A gzip file that expands to ``megabytes`` MiB of newlines (about 1000 times its size)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as out:
        block = b"\n" * (1 << 20)
        for _ in range(megabytes):
            out.write(block)
    return buffer.getvalue()

"""Bytes of an uploaded statement to text, refusing what is not a CSV text. Pure."""

from __future__ import annotations

ENCODINGS = ("utf-8-sig", "utf-16", "cp1252")


class StatementRejected(ValueError):
    """The upload is not a statement we can read; the message says why."""


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def decode_statement(content: bytes, *, max_bytes: int) -> str:
    """The text of `content`: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252.

    Raises StatementRejected for an empty or too large file, or binary content.
    """
    if not content:
        raise StatementRejected("The file is empty")
    if len(content) > max_bytes:
        raise StatementRejected(
            f"The file is {_size(len(content))}; the limit is {_size(max_bytes)}"
        )
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise StatementRejected("The file is not valid UTF-16 text") from exc
    if b"\x00" in content[:65536]:
        raise StatementRejected("The file is not a CSV text file (it holds binary data)")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")

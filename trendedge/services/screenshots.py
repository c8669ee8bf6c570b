"""Journal screenshots: store, list, open and delete the user's image files.

The content decides the type (`domain.images.inspect_image`); the file is stored
under `settings.screenshots_path` with a server-made name (`safe_storage_name`),
never the user's. A row of `screenshots` tracks each file. Files follow their
rows: a file written for a row that is rolled back is removed, and the file of a
deleted row is removed once the deletion is committed (session event hooks), so
every caller of these session-level functions gets that for free.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import event
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.domain.images import ImageInfo, ImageRejected, inspect_image, safe_storage_name
from trendedge.logging import get_logger
from trendedge.models import JournalEntry, Screenshot
from trendedge.services.errors import ConflictError, InvalidInputError, NotFoundError
from trendedge.services.tenancy import get_owned, new_owned, owned_by
from trendedge.settings import get_settings

MAX_PER_ENTRY = 20
"""Most screenshots on one journal entry."""

log = get_logger("trendedge.screenshots")


def storage_root() -> Path:
    """The absolute folder holding every stored screenshot."""
    return get_settings().screenshots_path.resolve()


def file_path(storage_name: str, *, root: Path | None = None) -> Path:
    """Absolute path of a stored file; ValueError if the name would leave the root."""
    base = (root or storage_root()).resolve()
    path = (base / storage_name).resolve()
    if not path.is_relative_to(base):
        raise ValueError(f"storage name {storage_name!r} escapes the screenshot folder")
    return path


def remove_files(storage_names: Iterable[str], *, root: Path | None = None) -> None:
    """Delete stored files; a file already gone is not an error, others are logged."""
    for name in storage_names:
        try:
            file_path(name, root=root).unlink(missing_ok=True)
        except (OSError, ValueError) as exc:
            log.warning("screenshot_remove_failed", storage_name=name, error=type(exc).__name__)


def _on_outcome(session: AsyncSession, *, commit: list[str], rollback: list[str]) -> None:
    """Remove `commit` files after the next commit, or `rollback` files after a rollback."""
    done = False

    def after(names: list[str]):
        def handler(_session: Any) -> None:
            nonlocal done
            if not done:
                done = True
                remove_files(names)

        return handler

    sync = session.sync_session
    event.listen(sync, "after_commit", after(commit), once=True)
    event.listen(sync, "after_rollback", after(rollback), once=True)


def remove_files_on_commit(session: AsyncSession, storage_names: list[str]) -> None:
    """Delete these files once `session` commits (for callers deleting trades or entries)."""
    if storage_names:
        _on_outcome(session, commit=list(storage_names), rollback=[])


def read_upload(stream: BinaryIO, *, filename: str, size: int | None, max_bytes: int) -> bytes:
    """Read an uploaded file, never more than `max_bytes` + 1 bytes into memory.

    Raises ImageRejected('too_large') naming the file and its size when it is larger.
    """
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        total = size if size and size > max_bytes else len(data)
        raise ImageRejected(
            "too_large",
            f"{filename!r} is {total / 1048576:.1f} MB; the limit is {max_bytes / 1048576:.1f} MB.",
        )
    return data


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


async def _inspect(data: bytes, filename: str, max_bytes: int) -> ImageInfo:
    try:
        # Decoding a large image takes a while: keep it off the event loop.
        return await asyncio.to_thread(inspect_image, data, filename=filename, max_bytes=max_bytes)
    except ImageRejected as exc:
        raise InvalidInputError(str(exc), details={"screenshot": str(exc)}) from exc


async def store(
    *,
    session: AsyncSession,
    user_id: int,
    entry_id: int,
    data: bytes,
    filename: str,
    max_bytes: int | None = None,
) -> Screenshot:
    """Validate `data` by content and attach it to the user's journal entry `entry_id`.

    NotFoundError if the entry is not the user's; InvalidInputError (details key
    `screenshot`, message naming the file) for a refused image or a full entry;
    ConflictError when the same image is already on this entry. Nothing is stored
    on any error.
    """
    entry = await get_owned(session, JournalEntry, user_id=user_id, row_id=entry_id)
    limit = max_bytes or get_settings().screenshot_max_bytes
    name = (filename or "upload").strip()[:255] or "upload"
    info = await _inspect(data, name, limit)
    existing = list((await session.exec(_of_entry(user_id, entry_id))).all())
    if len(existing) >= MAX_PER_ENTRY:
        message = f"An entry holds at most {MAX_PER_ENTRY} screenshots."
        raise InvalidInputError(message, details={"screenshot": message})
    # The entry id is part of the digest: the same picture may sit on two entries,
    # each with its own file, and deleting one never touches the other.
    digest = hashlib.sha256(f"entry:{entry.id}:".encode() + data).hexdigest()
    storage_name = safe_storage_name(user_id, digest, info.extension)
    if any(s.storage_name == storage_name for s in existing):
        message = f"{name!r} is already attached to this entry."
        raise ConflictError(message, details={"screenshot": message})
    path = file_path(storage_name)
    await asyncio.to_thread(_write_atomically, path, data)
    shot = new_owned(
        Screenshot,
        user_id=user_id,
        entry_id=entry_id,
        storage_name=storage_name,
        content_type=info.mime_type,
        size_bytes=len(data),
        width=info.width,
        height=info.height,
        original_name=name,
    )
    session.add(shot)
    try:
        await session.flush()
    except BaseException:
        remove_files([storage_name])
        raise
    _on_outcome(session, commit=[], rollback=[storage_name])
    return shot


def _of_entry(user_id: int, entry_id: int):
    return (
        owned_by(Screenshot, user_id=user_id)
        .where(Screenshot.entry_id == entry_id)
        .order_by(col(Screenshot.id))
    )


async def list_for_entry(*, session: AsyncSession, user_id: int, entry_id: int) -> list[Screenshot]:
    """The user's screenshots of one entry, oldest first (empty for another's entry)."""
    return list((await session.exec(_of_entry(user_id, entry_id))).all())


async def open_owned(
    *, session: AsyncSession, user_id: int, screenshot_id: int
) -> tuple[Screenshot, Path]:
    """The user's screenshot row and its file path; NotFoundError otherwise (or if the
    file is missing)."""
    shot = await get_owned(session, Screenshot, user_id=user_id, row_id=screenshot_id)
    path = file_path(shot.storage_name)
    if not path.is_file():
        raise NotFoundError(f"Screenshot {screenshot_id} not found")
    return shot, path


async def delete(*, session: AsyncSession, user_id: int, screenshot_id: int) -> Screenshot:
    """Delete the user's screenshot; its file goes once the deletion commits."""
    shot = await get_owned(session, Screenshot, user_id=user_id, row_id=screenshot_id)
    await session.delete(shot)
    await session.flush()
    remove_files_on_commit(session, [shot.storage_name])
    return shot


async def storage_names_for_entries(
    *, session: AsyncSession, user_id: int, entry_ids: list[int]
) -> list[str]:
    """Stored file names of the user's screenshots on these entries."""
    if not entry_ids:
        return []
    query = owned_by(Screenshot, user_id=user_id).where(col(Screenshot.entry_id).in_(entry_ids))
    return [s.storage_name for s in (await session.exec(query)).all()]

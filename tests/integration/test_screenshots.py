"""Journal screenshots: content-checked uploads, files that follow their rows, and the
owner-only HTTP route on the real running server."""

from __future__ import annotations

import io
import os
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from PIL import Image
from sqlmodel import col, select

from tests.support.journal import image_bytes
from tests.support.trading import make_trader
from tests.support.web_client import session_cookie, signed_in_token
from trendedge.db import session_scope
from trendedge.domain.images import ImageRejected
from trendedge.models import Screenshot
from trendedge.services import journal, screenshots, users
from trendedge.services.errors import ConflictError, InvalidInputError, NotFoundError
from trendedge.settings import get_settings

DAY = date(2025, 3, 14)


def stored_files() -> set[Path]:
    root = get_settings().screenshots_path
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


async def stored_rows() -> list[Screenshot]:
    async with session_scope() as session:
        return list((await session.exec(select(Screenshot).order_by(col(Screenshot.id)))).all())


async def day_entry(user_id: int, day: date = DAY) -> int:
    entry = await journal.save(user_id=user_id, day=day, data={"notes": "screens"})
    assert entry.id is not None
    return entry.id


async def store(user_id: int, entry_id: int, data: bytes, filename: str) -> Screenshot:
    async with session_scope() as session:
        return await screenshots.store(
            session=session, user_id=user_id, entry_id=entry_id, data=data, filename=filename
        )


def oversized_png() -> bytes:
    """A real, uncompressed noise PNG just over 10 MiB."""
    side = 1900
    img = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    img.save(out, format="PNG", compress_level=0)
    data = out.getvalue()
    assert 10 * 1024 * 1024 < len(data) < 11 * 1024 * 1024
    return data


REFUSED = [
    pytest.param(
        b"\x7fELF\x02\x01\x01\x00" + bytes(4088),
        "chart.png",
        "'chart.png' is not a PNG, JPEG or WEBP image",
        id="renamed-elf",
    ),
    pytest.param(
        b"MZ\x90\x00\x03\x00\x00\x00" + bytes(4088),
        "setup.png",
        "'setup.png' is not a PNG, JPEG or WEBP image",
        id="renamed-exe",
    ),
    pytest.param(b"GIF89a" + bytes(64), "anim.png", "is a GIF file", id="gif"),
    pytest.param(
        image_bytes("PNG", (300, 200))[:-40], "cut.png", "'cut.png' is truncated", id="png-cut"
    ),
    pytest.param(
        image_bytes("JPEG", (300, 200))[:200], "cut.jpg", "'cut.jpg' is truncated", id="jpeg-cut"
    ),
    pytest.param(b"", "empty.webp", "'empty.webp' is empty", id="empty"),
]


@pytest.mark.parametrize(("data", "filename", "message"), REFUSED)
async def test_refused_uploads_store_nothing(clean, data: bytes, filename: str, message: str):
    alice = await make_trader("alice")
    entry_id = await day_entry(alice.user_id)
    before = stored_files()
    with pytest.raises(InvalidInputError) as caught:
        await store(alice.user_id, entry_id, data, filename)
    assert message in caught.value.message
    assert caught.value.details == {"screenshot": caught.value.message}
    assert await stored_rows() == []
    assert stored_files() == before


async def test_oversized_image_is_refused_with_its_size(clean) -> None:
    alice = await make_trader("alice")
    entry_id = await day_entry(alice.user_id)
    data = oversized_png()
    before = stored_files()
    with pytest.raises(InvalidInputError) as caught:
        await store(alice.user_id, entry_id, data, "big.png")
    assert "'big.png' is 10.3 MB; the limit is 10.0 MB" in caught.value.message
    # The upload reader stops after limit + 1 bytes and still names the real size.
    with pytest.raises(ImageRejected) as read_refusal:
        screenshots.read_upload(
            io.BytesIO(data), filename="big.png", size=len(data), max_bytes=10 * 1024 * 1024
        )
    assert "'big.png' is 10.3 MB; the limit is 10.0 MB" in str(read_refusal.value)
    assert await stored_rows() == []
    assert stored_files() == before


@pytest.mark.parametrize(
    ("fmt", "mime", "ext"),
    [("PNG", "image/png", "png"), ("JPEG", "image/jpeg", "jpg"), ("WEBP", "image/webp", "webp")],
)
async def test_valid_images_are_stored_under_server_names(clean, fmt, mime, ext) -> None:
    alice = await make_trader("alice")
    entry_id = await day_entry(alice.user_id)
    data = image_bytes(fmt, (64, 40))
    # The user's name is kept for display only; a misleading extension does not matter.
    shot = await store(alice.user_id, entry_id, data, "../../etc/passwd.gif")
    [row] = await stored_rows()
    assert (row.id, row.user_id, row.entry_id) == (shot.id, alice.user_id, entry_id)
    assert (row.content_type, row.width, row.height, row.size_bytes) == (mime, 64, 40, len(data))
    assert row.original_name == "../../etc/passwd.gif"
    assert row.storage_name.startswith(f"u{alice.user_id}/")
    assert row.storage_name.endswith(f".{ext}")
    assert "passwd" not in row.storage_name
    path = screenshots.file_path(row.storage_name)
    assert path.is_relative_to(get_settings().screenshots_path.resolve())
    assert path.read_bytes() == data


async def test_files_follow_their_rows(clean) -> None:
    alice = await make_trader("alice")
    entry_id = await day_entry(alice.user_id)
    other_entry = await day_entry(alice.user_id, date(2025, 3, 15))
    png, jpeg = image_bytes("PNG"), image_bytes("JPEG")
    first = await store(alice.user_id, entry_id, png, "a.png")
    second = await store(alice.user_id, entry_id, jpeg, "b.jpg")
    with pytest.raises(ConflictError) as dup:
        await store(alice.user_id, entry_id, png, "again.png")
    assert "'again.png' is already attached" in dup.value.message
    elsewhere = await store(alice.user_id, other_entry, png, "a.png")  # its own file
    paths = {s.id: screenshots.file_path(s.storage_name) for s in (first, second, elsewhere)}
    assert len(set(paths.values())) == 3

    # A row rolled back takes its freshly written file with it.
    webp = image_bytes("WEBP")
    with pytest.raises(RuntimeError):
        async with session_scope() as session:
            doomed = await screenshots.store(
                session=session, user_id=alice.user_id, entry_id=entry_id, data=webp, filename="w"
            )
            doomed_path = screenshots.file_path(doomed.storage_name)
            assert doomed_path.is_file()
            raise RuntimeError("the caller fails after storing")
    assert not doomed_path.exists()

    async with session_scope() as session:
        assert first.id is not None
        await screenshots.delete(session=session, user_id=alice.user_id, screenshot_id=first.id)
        assert paths[first.id].is_file()  # not before the commit
    assert not paths[first.id].exists()
    assert paths[second.id].is_file() and paths[elsewhere.id].is_file()

    await journal.delete(user_id=alice.user_id, entry_id=entry_id)  # takes `second` along
    assert not paths[second.id].exists()
    assert paths[elsewhere.id].is_file()
    assert [s.id for s in await stored_rows()] == [elsewhere.id]


async def test_another_user_cannot_touch_screenshots(clean) -> None:
    alice = await make_trader("alice")
    bob = await make_trader("bob")
    entry_id = await day_entry(alice.user_id)
    shot = await store(alice.user_id, entry_id, image_bytes("PNG"), "mine.png")
    assert shot.id is not None
    with pytest.raises(NotFoundError):
        await store(bob.user_id, entry_id, image_bytes("JPEG"), "sneaky.jpg")
    async with session_scope() as session:
        assert (
            await screenshots.list_for_entry(
                session=session, user_id=bob.user_id, entry_id=entry_id
            )
            == []
        )
        with pytest.raises(NotFoundError):
            await screenshots.open_owned(
                session=session, user_id=bob.user_id, screenshot_id=shot.id
            )
        with pytest.raises(NotFoundError):
            await screenshots.delete(session=session, user_id=bob.user_id, screenshot_id=shot.id)
    assert [s.id for s in await stored_rows()] == [shot.id]
    assert screenshots.file_path(shot.storage_name).is_file()


# --- over HTTP, on the real server ---------------------------------------------------------


@pytest_asyncio.fixture
async def http(web_app: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=web_app, timeout=30, follow_redirects=False) as client:
        yield client


async def user_id_of(subject: str) -> int:
    async with session_scope() as session:
        user = await users.upsert_oidc_user(
            session=session, issuer="https://issuer.test", subject=subject, email=subject, name=None
        )
    assert user.id is not None
    return user.id


def assert_not_found(response: httpx.Response) -> None:
    assert response.status_code == 404, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details", "request_id", "timestamp"}
    assert error["code"] == "NOT_FOUND"
    assert response.headers["content-type"].startswith("application/json")
    assert "image" not in response.headers["content-type"]


async def test_screenshot_is_served_to_its_owner_only(clean, http: httpx.AsyncClient) -> None:
    alice_cookie = session_cookie(await signed_in_token("alice-shots"))
    bob_cookie = session_cookie(await signed_in_token("bob-shots"))
    alice = await user_id_of("alice-shots")
    entry_id = await day_entry(alice)
    data = image_bytes("WEBP", (50, 30))
    shot = await store(alice, entry_id, data, "chart.png")
    url = f"/api/v1/screenshots/{shot.id}"

    mine = await http.get(url, headers=alice_cookie)
    assert mine.status_code == 200, mine.text
    assert mine.headers["content-type"] == "image/webp"
    assert mine.headers["x-content-type-options"] == "nosniff"
    assert "private" in mine.headers["cache-control"]
    assert mine.content == data

    assert_not_found(await http.get(url, headers=bob_cookie))
    assert_not_found(await http.get(url))
    assert_not_found(await http.get(url, headers=session_cookie("not-a-session")))
    assert_not_found(await http.get(f"/api/v1/screenshots/{shot.id + 1000}", headers=alice_cookie))

    async with session_scope() as session:
        assert shot.id is not None
        await screenshots.delete(session=session, user_id=alice, screenshot_id=shot.id)
    assert_not_found(await http.get(url, headers=alice_cookie))

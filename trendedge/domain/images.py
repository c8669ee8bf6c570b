"""Content-based validation of uploaded journal screenshots (PNG / JPEG / WEBP).

The user's file name is never trusted: the type is decided by the bytes, and the
server stores the file under a name derived from its content hash
(:func:`safe_storage_name`) with the extension returned by :func:`inspect_image`.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Final, Literal

from PIL import Image, ImageFile, UnidentifiedImageError

MAX_BYTES: Final = 10 * 1024 * 1024
"""Largest accepted upload, in bytes (10 MiB)."""

MAX_PIXELS: Final = 40_000_000
"""Largest accepted width * height; decoding costs about 4 bytes per pixel."""

MAX_DIMENSION: Final = 20_000
"""Largest accepted width or height, in pixels."""

ALLOWED_FORMATS: Final[frozenset[str]] = frozenset({"PNG", "JPEG", "WEBP"})
"""Pillow format names accepted for screenshots."""

_MIME_TYPES: Final[dict[str, str]] = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "WEBP": "image/webp",
}
_EXTENSIONS: Final[dict[str, str]] = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}

# The complete IEND chunk (length 0, type, CRC). Pillow ignores IEND's CRC, so a
# PNG cut inside it would otherwise pass; requiring it last also refuses data
# appended after the image (a common polyglot trick).
_PNG_IEND: Final = b"\x00\x00\x00\x00IEND\xaeB`\x82"

# Signatures of formats we recognise but refuse, for a clearer message.
_KNOWN_OTHER: Final[tuple[tuple[bytes, str], ...]] = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"%PDF-", "PDF"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"8BPS", "PSD"),
)

Reason = Literal[
    "too_large",
    "empty",
    "not_an_image",
    "unsupported_format",
    "truncated",
    "too_many_pixels",
]


class ImageRejected(ValueError):
    """An upload that is not an acceptable screenshot.

    `reason` is a stable short code for programs; `str(exc)` is a message for the
    user that names the file.
    """

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason: Reason = reason


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What the content of an accepted image turned out to be.

    `format` is one of :data:`ALLOWED_FORMATS`; `extension` (no dot) is what the
    server should store the file as, whatever name the user gave it.
    """

    format: str
    mime_type: str
    width: int
    height: int
    extension: str


def sniff_format(data: bytes) -> str | None:
    """The allowed format whose magic number `data` starts with, else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _describe_size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"


def inspect_image(
    data: bytes,
    *,
    filename: str,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    max_dimension: int = MAX_DIMENSION,
) -> ImageInfo:
    """Validate `data` as a complete, single-frame PNG, JPEG or WEBP image.

    Checks, in order: size (before any decoding), magic number, header
    dimensions (before decoding pixels), then a full structural check and decode.
    Multi-frame images and PNGs with bytes after their IEND chunk are refused.
    `filename` is used only in messages. Raises :class:`ImageRejected` on any
    refusal; raises RuntimeError if Pillow's global LOAD_TRUNCATED_IMAGES has been
    switched on, since truncation could then not be detected.
    """
    name = repr(filename)
    if len(data) > max_bytes:
        raise ImageRejected(
            "too_large",
            f"{name} is {_describe_size(len(data))}; the limit is {_describe_size(max_bytes)}.",
        )
    if not data:
        raise ImageRejected("empty", f"{name} is empty.")

    fmt = sniff_format(data)
    if fmt is None:
        for magic, other in _KNOWN_OTHER:
            if data.startswith(magic):
                raise ImageRejected(
                    "unsupported_format",
                    f"{name} is a {other} file; only PNG, JPEG and WEBP images are accepted.",
                )
        raise ImageRejected(
            "not_an_image",
            f"{name} is not a PNG, JPEG or WEBP image (its content is not an image).",
        )

    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise RuntimeError(
            "PIL.ImageFile.LOAD_TRUNCATED_IMAGES is enabled; refusing to validate uploads"
        )

    truncated = ImageRejected("truncated", f"{name} is truncated or corrupt ({fmt}).")
    if fmt == "PNG" and not data.endswith(_PNG_IEND):
        raise truncated
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as img:
            width, height = img.size
            _check_dimensions(width, height, name, max_pixels, max_dimension)
            frames = getattr(img, "n_frames", 1)
            if frames != 1:
                raise ImageRejected(
                    "unsupported_format",
                    f"{name} has {frames} frames (animated or multi-picture {fmt}); "
                    "only still images are accepted.",
                )
            img.verify()  # chunk structure and CRCs (PNG); invalidates `img`
        with Image.open(io.BytesIO(data), formats=[fmt]) as img:
            img.load()  # full pixel decode: raises on premature end of data
    except ImageRejected:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageRejected(
            "too_many_pixels", f"{name} declares too many pixels to be decoded safely."
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        # Pillow reports truncation/corruption as OSError ("image file is
        # truncated"), SyntaxError (bad PNG chunks), ValueError or EOFError.
        raise truncated from exc

    return ImageInfo(
        format=fmt,
        mime_type=_MIME_TYPES[fmt],
        width=width,
        height=height,
        extension=_EXTENSIONS[fmt],
    )


def _check_dimensions(
    width: int, height: int, name: str, max_pixels: int, max_dimension: int
) -> None:
    if width <= 0 or height <= 0:
        raise ImageRejected("truncated", f"{name} declares an empty {width}x{height} image.")
    if width > max_dimension or height > max_dimension or width * height > max_pixels:
        raise ImageRejected(
            "too_many_pixels",
            f"{name} is {width}x{height} pixels; the limit is {max_dimension} pixels per side "
            f"and {max_pixels:,} pixels in total.",
        )


_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def safe_storage_name(user_id: int, digest: str, extension: str) -> str:
    """Relative storage path `u{user_id}/{digest[:2]}/{digest}.{extension}`.

    `digest` must be a lowercase hex SHA-256 of the content and `extension` one
    returned by :func:`inspect_image`; anything else raises ValueError, so the
    result never contains '..', a separator in the wrong place, or user text.
    """
    if isinstance(user_id, bool) or not isinstance(user_id, int) or user_id < 0:
        raise ValueError(f"user_id must be a non-negative int, got {user_id!r}")
    if not isinstance(digest, str) or not _SHA256_HEX.fullmatch(digest):
        raise ValueError("digest must be a lowercase hex SHA-256 (64 characters)")
    if extension not in _EXTENSIONS.values():
        raise ValueError(f"extension must be one of {sorted(_EXTENSIONS.values())}")
    return f"u{user_id}/{digest[:2]}/{digest}.{extension}"

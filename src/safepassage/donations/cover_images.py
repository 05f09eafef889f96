"""Campaign cover images: checked, re-encoded at a bounded size, metadata stripped.

An uploaded file is never stored as sent: Pillow decodes it, the pixels are copied to a
fresh image (so EXIF, XMP, ICC and text chunks are left behind), scaled down to at most
:data:`MAX_EDGE` pixels on the long edge and saved as JPEG (or PNG when it has
transparency). Only what we wrote ourselves reaches ``MEDIA_ROOT``.
"""

import io
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, UnidentifiedImageError

from safepassage.donations.errors import (
    CoverImageInvalid,
    CoverImageTooLarge,
    CoverImageTooManyPixels,
)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_EDGE = 1600
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})


@dataclass(frozen=True, slots=True)
class EncodedImage:
    content: bytes
    content_type: str
    extension: str


def reencode_cover_image(*, upload: IO[bytes], size: int) -> EncodedImage:
    """Return a clean re-encoding of ``upload`` or raise a :class:`DonationsError`."""
    if size > MAX_UPLOAD_BYTES:
        raise CoverImageTooLarge
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise CoverImageTooLarge
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise CoverImageInvalid
                if probe.width * probe.height > MAX_PIXELS:
                    raise CoverImageTooManyPixels
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                has_alpha = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
                clean = image.convert("RGBA" if has_alpha else "RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise CoverImageTooManyPixels from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise CoverImageInvalid from None
    clean.thumbnail((MAX_EDGE, MAX_EDGE))
    stripped = Image.new(clean.mode, clean.size)
    stripped.paste(clean)
    output = io.BytesIO()
    if has_alpha:
        stripped.save(output, format="PNG", optimize=True)
        return EncodedImage(output.getvalue(), "image/png", "png")
    stripped.save(output, format="JPEG", quality=85, optimize=True)
    return EncodedImage(output.getvalue(), "image/jpeg", "jpg")

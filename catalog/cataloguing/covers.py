"""Record covers: an upload is accepted by what it is (Pillow reads it), not by its name or the browser's
content type; it is re-encoded (which drops anything hidden in the file) at a bounded size, with a
thumbnail for lists. Limits: ``CATALOG_COVER_MAX_BYTES``, ``CATALOG_COVER_MAX_SIDE``,
``CATALOG_COVER_THUMBNAIL_SIDE`` (settings)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "png"}
MAX_PIXELS = 40_000_000  # a "decompression bomb" larger than this is refused before it is decoded


@dataclass(frozen=True)
class Cover:
    image: ContentFile
    thumbnail: ContentFile


def _encoded(image: Image.Image, side: int, extension: str) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side))
    buffer = io.BytesIO()
    if extension == "jpg":
        copy.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True)
    elif extension == "webp":
        copy.save(buffer, "WEBP", quality=85)
    else:
        copy.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def read_cover(uploaded) -> Cover:
    """The cover and its thumbnail from an upload, or ``ValidationError`` saying why not."""
    limit = settings.CATALOG_COVER_MAX_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        raise ValidationError(
            _("Berkas sampul terlalu besar (%(size)s); paling besar %(limit)s.")
            % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)}
        )
    uploaded.seek(0)
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("Berkas sampul terlalu besar; paling besar %(limit)s.") % {"limit": filesizeformat(limit)}
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
        if image_format not in ACCEPTED_FORMATS:
            raise ValidationError(_("Sampul harus berupa gambar JPEG, PNG, WebP atau GIF."))
        if width * height > MAX_PIXELS:
            raise ValidationError(_("Gambar sampul terlalu besar ukurannya (piksel)."))
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA" if "transparency" in image.info else "RGB")
            extension = ACCEPTED_FORMATS[image_format]
            full = _encoded(image, settings.CATALOG_COVER_MAX_SIDE, extension)
            small = _encoded(image, settings.CATALOG_COVER_THUMBNAIL_SIDE, extension)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("Berkas ini bukan gambar yang dapat dibaca (JPEG, PNG, WebP atau GIF).")
        ) from error
    return Cover(
        image=ContentFile(full, name=f"sampul.{extension}"),
        thumbnail=ContentFile(small, name=f"kecil.{extension}"),
    )

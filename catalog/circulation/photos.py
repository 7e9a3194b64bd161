"""Member photos: accepted by content (Pillow reads JPEG, PNG or WebP), at most 5 MB, turned upright,
shrunk to 600 × 800 and stored again as JPEG — which also drops the camera's EXIF (location, device)."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_SIZE = (600, 800)
_MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded


def prepare_photo(uploaded) -> ContentFile:
    """The photo to store, or ``ValidationError`` with a message for the form."""
    if uploaded.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("Foto paling besar 5 MB."))
    try:
        uploaded.seek(0)
        with Image.open(uploaded) as probe:
            image_format = probe.format
            width, height = probe.size
            if image_format not in ACCEPTED_FORMATS:
                raise ValidationError(_("Foto harus berupa JPEG, PNG atau WebP."))
            if width * height > _MAX_PIXELS:
                raise ValidationError(_("Ukuran foto terlalu besar."))
            probe.verify()
        uploaded.seek(0)
        with Image.open(uploaded) as image:
            upright = ImageOps.exif_transpose(image)
            upright = upright.convert("RGB")
            upright.thumbnail(MAX_SIZE)
            buffer = io.BytesIO()
            upright.save(buffer, format="JPEG", quality=85)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("Berkas ini bukan gambar yang dapat dibaca.")) from error
    return ContentFile(buffer.getvalue(), name="foto.jpg")

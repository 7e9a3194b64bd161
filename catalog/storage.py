"""Where a library's private files live: member photos and other personal data never get a public URL
(MEDIA_URL is public); views that check the permission module serve them."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)

"""What an uploaded file is (progress-update evidence, an application's attachments), read from its first
bytes rather than its name, and a safe name to show. Pure: it lives at the ground so every layer that
takes files judges them the same way.

Accepted: PDF, PNG, JPEG, Word (.docx) and Excel (.xlsx) documents (zip archives holding the
Office parts), CSV and plain text. Anything else — a program renamed report.pdf, an old .doc,
a zip of something else — is refused.
"""

import hashlib
import os
import zipfile

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.utils.text import get_valid_filename

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The extension a stored file gets, from the type its content shows (never from the uploader's name).
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    DOCX: ".docx",
    XLSX: ".xlsx",
    "text/csv": ".csv",
    "text/plain": ".txt",
}
ALLOWED_DESCRIPTION = "a PDF, PNG or JPEG image, Word (.docx) or Excel (.xlsx) document, CSV or plain text file"

# Bytes that never appear in text a person wrote (NUL and the other C0 controls except tab, LF, FF, CR, ESC).
_BINARY = set(range(0x00, 0x09)) | {0x0B} | set(range(0x0E, 0x1B)) | set(range(0x1C, 0x20))


def _office_type(upload) -> str | None:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _is_text(head: bytes) -> bool:
    if not head or any(byte in _BINARY for byte in head):
        return False
    for cut in range(4):  # the sample may end inside a multi-byte character
        try:
            head[: len(head) - cut].decode("utf-8")
            return True
        except UnicodeDecodeError:
            continue
    try:
        head.decode("cp1252")  # spreadsheets saved on Windows
        return True
    except UnicodeDecodeError:
        return False


def detect_type(upload, name: str = "") -> str | None:
    """The MIME type of an upload, judged by its content, or None when it is not an allowed kind."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _office_type(upload)
    if _is_text(head):
        # Text is text: the name only decides whether to call it CSV, which changes nothing about safety.
        return "text/csv" if name.lower().endswith(".csv") else "text/plain"
    return None


def clean_name(name: str) -> str:
    """A display name with no path in it: "../../etc/passwd" becomes "passwd"."""
    base = os.path.basename((name or "").replace("\\", "/").replace("\x00", "")).strip().lstrip(".")
    try:
        cleaned = get_valid_filename(base)
    except SuspiciousFileOperation:  # names that clean to nothing
        cleaned = ""
    return cleaned[-150:] or "evidence"


class Examined:
    """What `examine` found: the cleaned display name, the type by content, the size and the SHA-256."""

    def __init__(self, name: str, content_type: str, size: int, sha256: str):
        self.name, self.content_type, self.size, self.sha256 = name, content_type, size, sha256


def examine(upload, *, max_bytes: int, field: str = "file") -> Examined:
    """Judge an upload before it is stored: not empty, within `max_bytes`, and an allowed kind by its
    content. A refusal is a ValidationError on `field`, in words."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError({field: "The selected file is empty."})
    if size > max_bytes:
        raise ValidationError({field: f"The selected file must be smaller than {max_bytes / (1024 * 1024):.0f} MB."})
    name = clean_name(upload.name)
    content_type = detect_type(upload, name)
    if content_type is None:
        raise ValidationError(
            {field: f"The selected file must be {ALLOWED_DESCRIPTION}; “{name}” is not, whatever its name says."}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Examined(name, content_type, size, digest.hexdigest())

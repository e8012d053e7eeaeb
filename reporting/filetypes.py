"""What an evidence file is, read from its first bytes rather than its name, and a safe name to show.

Accepted: PDF, PNG, JPEG, Word (.docx) and Excel (.xlsx) documents (zip archives holding the
Office parts), CSV and plain text. Anything else — a program renamed report.pdf, an old .doc,
a zip of something else — is refused.
"""

import os
import zipfile

from django.core.exceptions import SuspiciousFileOperation
from django.utils.text import get_valid_filename

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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

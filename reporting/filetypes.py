"""Evidence files are judged by workflow.filetypes (moved to the ground so assessment's attachments use the
same rule); the names stay importable from here."""

from workflow.filetypes import ALLOWED_DESCRIPTION, DOCX, EXTENSIONS, XLSX, clean_name, detect_type

__all__ = ["ALLOWED_DESCRIPTION", "DOCX", "EXTENSIONS", "XLSX", "clean_name", "detect_type"]

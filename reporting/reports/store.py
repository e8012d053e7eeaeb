"""Fingerprint, render and store: a report for the same data is rendered once and kept in file storage."""

import datetime as dt
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from kombu.exceptions import OperationalError as BrokerUnavailable

from workflow.text import for_print

LARGE_KINDS = frozenset({"partnership", "portfolio"})
TEMPLATE_DIR = Path(settings.BASE_DIR) / "templates" / "reports"

logger = logging.getLogger("exchange.reports")


@dataclass(frozen=True)
class Report:
    kind: str
    data: dict
    fingerprint: str
    filename: str

    @property
    def storage_path(self) -> str:
        return f"reports/{self.kind}/{self.fingerprint}.pdf"

    @property
    def failure_path(self) -> str:
        return f"reports/{self.kind}/{self.fingerprint}.failed"

    @property
    def is_large(self) -> bool:
        """Rendered by the worker (when there is one): partnerships, portfolios, and any report with a lot
        of text (REPORT_INLINE_MAX_CHARS), so no request waits on a long layout."""
        return self.kind in LARGE_KINDS or text_size(self.data) > settings.REPORT_INLINE_MAX_CHARS


class ReportFailed(RuntimeError):
    """Rendering failed or ran out of time; the reason is kept, so it is shown, not retried, until asked."""


def text_size(value) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(text_size(item) for item in value.values())
    if isinstance(value, list | tuple):
        return sum(text_size(item) for item in value)
    return 0


_template_digest = None


def _templates_digest() -> str:
    """Changing a report template changes every fingerprint, so stored PDFs never outlive their layout."""
    global _template_digest
    if _template_digest is None:
        h = hashlib.sha256()
        for path in sorted(TEMPLATE_DIR.glob("*")):
            h.update(path.name.encode() + path.read_bytes())
        _template_digest = h.hexdigest()
    return _template_digest


def fingerprint(data: dict) -> str:
    payload = json.dumps(data, sort_keys=True, default=_jsonable, separators=(",", ":"))
    return hashlib.sha256((_templates_digest() + payload).encode()).hexdigest()[:32]


def _jsonable(value):
    if isinstance(value, Decimal | dt.date | dt.datetime):
        return str(value)
    if isinstance(value, set):
        return sorted(value)
    raise TypeError(f"Cannot fingerprint {type(value).__name__}")


def render_html(report: Report) -> str:
    # Every string cleaned of bidi controls and given break opportunities (workflow.text.for_print).
    return render_to_string(f"reports/{report.kind}.html", {"r": for_print(report.data), "report": report})


def render_pdf(html: str) -> bytes:
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one INFO line per step otherwise
    import weasyprint  # ~0.5 s on first import: only processes that render pay it

    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def store_pdf(path: str, html: str) -> str:
    """Render `html` and keep it at `path` in file storage (unless another render got there first).

    The file appears whole or not at all: a worker killed mid-write must not leave half a PDF
    that would then count as ready. A render that fails (or runs out of time in the worker) leaves
    its reason beside it (`<fingerprint>.failed`), which the page and the API show until someone asks
    for another try, rather than rendering again on every request."""
    if not default_storage.exists(path):
        try:
            pdf = render_pdf(html)
        except Exception as problem:  # WeasyPrint raises many kinds; the task's time limit is one too
            record_failure(path, problem)
            raise ReportFailed(FAILED) from problem
        if not default_storage.exists(path):
            _save_whole(path, pdf)
    return path


FAILED = "This report could not be prepared. Try again; if it fails again, tell your administrator."


def _failure_path_for(pdf_path: str) -> str:
    return pdf_path[: -len(".pdf")] + ".failed"


def record_failure(pdf_path: str, problem: BaseException) -> None:
    logger.error("Report %s failed: %s: %s", pdf_path, type(problem).__name__, problem)
    path = _failure_path_for(pdf_path)
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(path, ContentFile(f"{type(problem).__name__}: {problem}"[:2000].encode()))


def failure(report: Report) -> str | None:
    """FAILED when the last render of this report failed (and nobody has asked to try again), else None."""
    return FAILED if default_storage.exists(report.failure_path) else None


def retry(report: Report) -> None:
    """Forget a failure so the next request renders the report again."""
    if default_storage.exists(report.failure_path):
        default_storage.delete(report.failure_path)


def _save_whole(path: str, pdf: bytes) -> None:
    try:
        final = default_storage.path(path)
    except NotImplementedError:  # remote storage: its own upload is all-or-nothing
        default_storage.save(path, ContentFile(pdf))
        return
    os.makedirs(os.path.dirname(final), exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=os.path.dirname(final), prefix=".partial-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(pdf)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, final)
    except BaseException:
        if os.path.exists(partial):
            os.unlink(partial)
        raise


def is_ready(report: Report) -> bool:
    return default_storage.exists(report.storage_path)


def broker_configured() -> bool:
    return bool(settings.CELERY_BROKER_URL) and not settings.CELERY_TASK_ALWAYS_EAGER


def _pending_key(report: Report) -> str:
    return f"exchange:report-pending:{report.fingerprint}"


def prepare(report: Report, *, background: bool | None = None) -> bool:
    """Make sure the PDF exists or is on its way. True when it is ready to send now.

    Small reports (and every report when no broker is configured) render here and now; large ones
    go to the Celery task once (the Django cache remembers that one is on its way). Raises ReportFailed
    while the last render's failure is kept (until retry())."""

    if is_ready(report):
        return True
    if failure(report):
        raise ReportFailed(FAILED)
    if background is None:
        background = report.is_large and broker_configured()
    if not background:
        store_pdf(report.storage_path, render_html(report))
        return True
    if cache.add(_pending_key(report), True, timeout=600):
        # tasks imports this package (to store the PDF): imported here, a cycle at load otherwise.
        from ..tasks import render_report_pdf

        html = render_html(report)
        try:
            render_report_pdf.delay(report.storage_path, html, _pending_key(report))
        except BrokerUnavailable as problem:
            # No queue to hand it to (Redis down): make the report here rather than fail the reader.
            cache.delete(_pending_key(report))
            logger.warning("Report queue unavailable (%s); rendering %s in the web process.", problem, report.kind)
            store_pdf(report.storage_path, html)
            return True
    return False


def pdf_bytes(report: Report) -> bytes:
    prepare(report, background=False)
    with default_storage.open(report.storage_path, "rb") as f:
        return f.read()

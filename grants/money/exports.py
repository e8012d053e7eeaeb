"""Payment run files a finance system imports. One class per format, registered in FORMATS.

To add another format (Sage, QuickBooks, a bank's BACS file): write a class with `name`, `label`,
`extension`, `content_type` and `render(run, items) -> str`, and add it to FORMATS. The page, the API
and `export_payment_run --format NAME` offer every format registered here.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from .pennies import share_out


@dataclass(frozen=True)
class BillLine:
    account_code: str
    description: str
    amount: Decimal


def bill_lines(payment, default_code: str) -> list[BillLine]:
    """A payment as bill lines: split over the award's approved budget by finance code when its lines
    carry codes (so finance books the money where it is spent), else one line on the default code."""
    award = payment.award
    described = f"{award.identifier} {award.title} — payment due {payment.due_on:%d/%m/%Y}"
    by_code: dict[str, Decimal] = {}
    for line in award.budget_lines.all():
        if line.approved:
            code = line.category.finance_code or default_code
            by_code[code] = by_code.get(code, Decimal(0)) + line.approved
    if not by_code or set(by_code) == {default_code}:
        return [BillLine(default_code, described, payment.amount)]
    codes = sorted(by_code)
    shares = share_out(payment.amount, [by_code[c] for c in codes])
    return [BillLine(c, described, s) for c, s in zip(codes, shares, strict=True) if s]


class XeroBills:
    """Xero's bill import (Business → Bills to pay → Import), the columns of its CSV template.
    One bill per payment, numbered EXG-PAY-<id>; grants are outside the scope of VAT ("No VAT")."""

    name = "xero"
    label = "Xero bills (CSV)"
    extension = "csv"
    content_type = "text/csv"
    COLUMNS = [
        "*ContactName",
        "EmailAddress",
        "POAddressLine1",
        "POAddressLine2",
        "POAddressLine3",
        "POAddressLine4",
        "POCity",
        "PORegion",
        "POPostalCode",
        "POCountry",
        "*InvoiceNumber",
        "*InvoiceDate",
        "*DueDate",
        "InventoryItemCode",
        "Description",
        "*Quantity",
        "*UnitAmount",
        "*AccountCode",
        "*TaxType",
        "TrackingName1",
        "TrackingOption1",
        "TrackingName2",
        "TrackingOption2",
        "Currency",
    ]

    def render(self, run, items) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=self.COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        code = getattr(settings, "PAYMENT_RUN_ACCOUNT_CODE", "5000")
        tax = getattr(settings, "PAYMENT_RUN_TAX_TYPE", "No VAT")
        for item in items:
            payment = item.payment
            for line in bill_lines(payment, code):
                writer.writerow(
                    {
                        "*ContactName": _safe(payment.award.recipient.name),
                        "*InvoiceNumber": f"EXG-PAY-{payment.pk}",
                        "*InvoiceDate": f"{run.created_at:%d/%m/%Y}",
                        "*DueDate": f"{payment.due_on:%d/%m/%Y}",
                        "Description": _safe(line.description),
                        "*Quantity": "1",
                        "*UnitAmount": f"{line.amount:.2f}",
                        "*AccountCode": line.account_code,
                        "*TaxType": tax,
                        "Currency": payment.award.currency or "GBP",
                    }
                )
        return out.getvalue()


def _safe(text: str) -> str:
    """A spreadsheet must not run a name as a formula (=, +, -, @ at the start)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


FORMATS = {f.name: f for f in (XeroBills(),)}

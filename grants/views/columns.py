"""What each list page's download holds (partnerships.downloads): the page's own rows, as filtered."""

from partnerships import downloads

from .. import due
from ..money.cofunding.selectors import shares_text

Column = downloads.Column
PROGRAMME_COLUMNS = [
    Column("Name", lambda p: p.name),
    Column("Funder", lambda p: p.funder.name),
    Column("Managed by", lambda p: p.managed_by.name),
    Column("Partnership", lambda p: p.partnership.name if p.partnership_id else ""),
    Column("Budget (£)", lambda p: p.budget),
    Column("Committed (£)", lambda p: p.committed),
    Column("Paid (£)", lambda p: p.paid),
    Column("Opens on", lambda p: p.opens_on),
    Column("Closes on", lambda p: p.closes_on),
]
AWARD_COLUMNS = [
    Column("Identifier", lambda a: a.identifier),
    Column("Title", lambda a: a.title),
    Column("Recipient", lambda a: a.recipient.name),
    Column("Local authority", lambda a: a.recipient.local_authority.name if a.recipient.local_authority_id else ""),
    Column("Programme", lambda a: a.programme.name),
    Column("Funder", lambda a: a.programme.funder.name),
    Column("Stage", lambda a: a.get_state_display()),
    Column("Requested (£)", lambda a: a.amount_requested),
    Column("Awarded (£)", lambda a: a.amount_awarded),
    Column("Planned start", lambda a: a.planned_start),
    Column("Planned end", lambda a: a.planned_end),
    Column("Archived", lambda a: "Yes" if a.archived_at else "No"),
    Column("Co-funding shares (£)", shares_text),
]
PAYMENT_COLUMNS = [
    Column("Award", lambda p: p.award.identifier),
    Column("Recipient", lambda p: p.award.recipient.name),
    Column("Programme", lambda p: p.award.programme.name),
    Column("Due on", lambda p: p.due_on),
    Column("Amount (£)", lambda p: p.amount),
    Column("State", lambda p: p.get_state_display()),
    Column("Due", lambda p: due.URGENCY_LABELS[due.urgency(p)]),
    Column("Days overdue", lambda p: due.days_late(p)),
    Column("Paid on", lambda p: p.paid_on),
    Column("Reference", lambda p: p.reference),
]

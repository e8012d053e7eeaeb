"""Pages for programmes, awards and payments, a module per concern (the download columns in `columns`):
thin, reading through selectors, writing through services. grants/urls.py names them from here."""

from .awards import award_create, award_detail, award_edit, award_list, award_transition
from .columns import AWARD_COLUMNS, PAYMENT_COLUMNS, PROGRAMME_COLUMNS
from .payments import payment_create, payment_detail, payment_edit, payment_list, payment_transition
from .programmes import programme_create, programme_detail, programme_edit, programme_list

__all__ = [
    "AWARD_COLUMNS",
    "PAYMENT_COLUMNS",
    "PROGRAMME_COLUMNS",
    "award_create",
    "award_detail",
    "award_edit",
    "award_list",
    "award_transition",
    "payment_create",
    "payment_detail",
    "payment_edit",
    "payment_list",
    "payment_transition",
    "programme_create",
    "programme_detail",
    "programme_edit",
    "programme_list",
]

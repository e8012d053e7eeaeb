"""The import engine every resource shares (django-import-export underneath).

What it guarantees, for organisations, partnerships, projects, awards, payments and results:

- All or nothing: every row is read and checked first; if any row is wrong nothing is written,
  and each wrong row is reported with its row number (as a spreadsheet shows it, the header
  being row 1), the column and the reason in plain words.
- Re-importing a file updates rather than duplicates: each kind has a stable key (org-id, award
  identifier, project reference, partnership name…); rows whose values did not change are skipped.
- States are never imported: records enter at their workflow's first state, and the state
  columns of an export are ignored on the way back in.
- Money set or changed by an import is logged (MoneyChange) with the importing person.
- Fast: one query per lookup table (cached foreign keys), one query for the existing records,
  one bulk insert and one bulk update, no per-row SELECT.
"""

from .cells import (
    ChoiceWidget,
    DateWidget,
    IdentifierWidget,
    LookupWidget,
    MoneyWidget,
    TextWidget,
    WholeNumberWidget,
    YesNoWidget,
    cell_text,
    column,
    export_only,
    local_authority_widget,
    lookup_key,
    organisation_widget,
    parse_date,
)
from .resource import ExchangeResource, ExchangeResult, plain_message
from .running import (
    ImportOutcome,
    ProblemGroup,
    RowProblem,
    check_import_size,
    command_import,
    command_user,
    format_for,
    group_problems,
    grouped_report,
    parse_dataset,
    problems_of,
    read_dataset,
    rejected_rows_dataset,
    run_import,
    text_progress,
    write_dataset,
)

__all__ = [
    "ChoiceWidget",
    "DateWidget",
    "ExchangeResource",
    "ExchangeResult",
    "IdentifierWidget",
    "ImportOutcome",
    "LookupWidget",
    "MoneyWidget",
    "ProblemGroup",
    "RowProblem",
    "check_import_size",
    "TextWidget",
    "WholeNumberWidget",
    "YesNoWidget",
    "cell_text",
    "column",
    "command_import",
    "command_user",
    "export_only",
    "format_for",
    "group_problems",
    "grouped_report",
    "parse_dataset",
    "rejected_rows_dataset",
    "local_authority_widget",
    "lookup_key",
    "organisation_widget",
    "parse_date",
    "plain_message",
    "problems_of",
    "read_dataset",
    "run_import",
    "text_progress",
    "write_dataset",
]

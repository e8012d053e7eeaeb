"""Bounds on work and input: how far lists count, how large an import or a request body may be, the dates
a grant can have, how long an API token lives, when a report renders in the worker. Each can be set from
the environment (README "Hostile input")."""

import os

# Lists (pages and API) count at most this many rows; beyond it they say "more than 10,000" and still page
# on (workflow/pagination.py), so a list costs the same at 1,000,000 awards as at 10,000.
PAGINATION_COUNT_CAP = int(os.environ.get("PAGINATION_COUNT_CAP", "10000"))
# Imports (import_data, import_360giving, the admin's Import): a larger file is refused before it is read.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# Exports: formulae are neutralised by partnerships.importing.formulae on every path (import-export's own
# escaping removes one "=" only and turns numbers into text, so it is off); control characters a
# spreadsheet cannot hold become "�" instead of failing the export.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

# Hostile input bounds (README "Hostile input"). Dates a grant can have: every date a form, the API or an
# import gives is inside these years; due-period arithmetic never leaves them.
GRANT_EARLIEST_YEAR = int(os.environ.get("GRANT_EARLIEST_YEAR", "1990"))
GRANT_LATEST_YEAR = int(os.environ.get("GRANT_LATEST_YEAR", "2100"))
REPORTING_MAX_PERIODS = int(os.environ.get("REPORTING_MAX_PERIODS", "240"))  # 20 years of monthly reports
API_JSON_MAX_DEPTH = 20
# API tokens stop working this many seconds after they were issued (401; ask for a new one).
API_TOKEN_TTL = int(os.environ.get("API_TOKEN_TTL", str(30 * 24 * 60 * 60)))
# Request bodies: forms and JSON up to DATA_UPLOAD_MAX_MEMORY_SIZE; the evidence and import endpoints
# accept their own limits (EVIDENCE_MAX_BYTES x files, IMPORT_MAX_BYTES) and refuse anything larger from its
# Content-Length before a byte is read (workflow.request_limits). Uploads above FILE_UPLOAD_MAX_MEMORY_SIZE
# go to a temporary file rather than memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("FILE_UPLOAD_MAX_MEMORY_SIZE", str(2 * 1024 * 1024)))
# Password reset emails: at most this many per address and per email address an hour.
PASSWORD_RESET_RATE = os.environ.get("PASSWORD_RESET_RATE", "5/hour")
# Impact reports: a report with more text than this renders in the worker (with a broker), like partnership
# and portfolio reports; a worker's render stops after REPORT_TIME_LIMIT seconds and its failure is kept.
REPORT_INLINE_MAX_CHARS = int(os.environ.get("REPORT_INLINE_MAX_CHARS", "40000"))
REPORT_TIME_LIMIT = int(os.environ.get("REPORT_TIME_LIMIT", "120"))

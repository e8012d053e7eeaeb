"""The outside review's findings (issue 13), one module per finding; fixtures shared with tests/reporting and
tests/api."""

from tests.api.conftest import _fresh_throttles, api  # noqa: F401
from tests.reporting.conftest import award, award_b, media, project, start  # noqa: F401

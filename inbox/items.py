"""What an inbox is made of: sections of items, each a link with a line of detail and a tag."""

import datetime as dt
from dataclasses import dataclass, field

LIMIT = 10
COUNT_CAP = 1000  # a section says "1,000 or more" beyond this


@dataclass
class InboxItem:
    title: str
    url: str
    detail: str = ""
    tag: str = ""
    colour: str = "grey"
    when: dt.date | None = None


@dataclass
class InboxSection:
    key: str
    heading: str
    role: str  # manager, partner or funder: whose work this is
    items: list[InboxItem]
    count: int
    more_url: str = ""
    more_label: str = ""
    action: bool = True  # something to do, not only to know
    capped: bool = False  # more than COUNT_CAP: `count` is the cap

    @property
    def more(self) -> int:
        return max(self.count - len(self.items), 0)


@dataclass
class Inbox:
    today: dt.date
    sections: list[InboxSection] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        """How many things wait for the person to act on."""
        return sum(s.count for s in self.sections if s.action)

    def section(self, key: str) -> InboxSection | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def counts(self) -> dict[str, int]:
        return {s.key: s.count for s in self.sections}

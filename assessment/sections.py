"""The sections of an application, each saved on its own: what each holds and in which stage it is asked.
Read by the forms (one per section), the pages (the list of sections and where a person was) and the services."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    fields: tuple[str, ...]
    in_eoi: bool  # asked in an expression of interest too (the first stage of two)


SECTIONS = (
    Section("details", "Title, amount and dates", ("title", "amount_requested", "planned_start", "planned_end"), True),
    Section("project", "The project", ("project_summary",), True),
    Section("outcomes", "Outcomes and indicators", ("outcomes",), False),
    Section("budget", "Budget", ("budget_summary",), False),
    Section("match", "Match funding", ("match_funding",), False),
)
EOI_FIELDS = ("title", "amount_requested", "project_summary")


def sections_for(application) -> list[Section]:
    eoi = application.stage == "eoi"
    return [s for s in SECTIONS if s.in_eoi or not eoi]


def section_named(application, slug: str) -> Section | None:
    return next((s for s in sections_for(application) if s.slug == slug), None)


def fields_of(application, section: Section) -> tuple[str, ...]:
    if application.stage == "eoi":
        return tuple(name for name in section.fields if name in EOI_FIELDS)
    return section.fields


TEXT_FIELDS = ("project_summary", "outcomes", "budget_summary", "match_funding")


def is_filled(application, section: Section) -> bool:
    """Whether a section has something in every field it asks for (for the list of sections)."""
    for name in fields_of(application, section):
        value = getattr(application, name).strip() if name in TEXT_FIELDS else getattr(application.award, name)
        if not value:
            return False
    return True

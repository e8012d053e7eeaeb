import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from reporting import selectors, services
from reporting.models import DueDateExtension
from reporting.periods import regular_periods
from reporting.selectors import due_rows
from tests import factories as f
from workflow.errors import PermissionRefused, TransitionRefused

from .conftest import start

D = dt.date


@pytest.mark.parametrize(
    "frequency, start, end, expected",
    [
        (
            "monthly",
            D(2026, 1, 15),
            D(2026, 3, 10),
            [
                (D(2026, 1, 15), D(2026, 1, 31), "January 2026"),
                (D(2026, 2, 1), D(2026, 2, 28), "February 2026"),
                (D(2026, 3, 1), D(2026, 3, 10), "March 2026"),
            ],
        ),
        (
            "quarterly",
            D(2025, 11, 1),
            D(2026, 7, 31),
            [
                (D(2025, 11, 1), D(2025, 12, 31), "October to December 2025"),
                (D(2026, 1, 1), D(2026, 3, 31), "January to March 2026"),
                (D(2026, 4, 1), D(2026, 6, 30), "April to June 2026"),
                (D(2026, 7, 1), D(2026, 7, 31), "July to September 2026"),
            ],
        ),
        (
            "termly",
            D(2025, 9, 1),
            D(2026, 7, 22),
            [
                (D(2025, 9, 1), D(2025, 12, 31), "Autumn term 2025"),
                (D(2026, 1, 1), D(2026, 3, 31), "Spring term 2026"),
                (D(2026, 4, 1), D(2026, 7, 22), "Summer term 2026"),
            ],
        ),
        (
            "termly",
            D(2026, 5, 1),
            D(2026, 9, 30),
            [
                (D(2026, 5, 1), D(2026, 8, 31), "Summer term 2026"),
                (D(2026, 9, 1), D(2026, 9, 30), "Autumn term 2026"),
            ],
        ),
        (
            "yearly",
            D(2025, 1, 6),
            D(2026, 12, 18),
            [
                (D(2025, 1, 6), D(2025, 8, 31), "2024/25 school year"),
                (D(2025, 9, 1), D(2026, 8, 31), "2025/26 school year"),
                (D(2026, 9, 1), D(2026, 12, 18), "2026/27 school year"),
            ],
        ),
        ("one_off", D(2026, 1, 5), D(2026, 12, 18), [(D(2026, 1, 5), D(2026, 12, 18), "Whole period")]),
    ],
)
def test_regular_periods_for_each_frequency(frequency, start, end, expected):
    periods = regular_periods(frequency, start, end)
    assert periods == expected
    # Periods cover the schedule exactly: no gaps, no overlaps.
    assert periods[0][0] == start and periods[-1][1] == end
    for (_s, e, _l), (s2, _e2, _l2) in zip(periods, periods[1:], strict=False):
        assert s2 == e + dt.timedelta(days=1)


def test_regular_periods_handle_leap_years_and_december():
    months = regular_periods("monthly", D(2028, 2, 1), D(2028, 12, 31))
    assert months[0][1] == D(2028, 2, 29)
    assert months[-1] == (D(2028, 12, 1), D(2028, 12, 31), "December 2028")


def test_due_periods_of_an_award_follow_its_frequency_and_planned_dates(world, award, settings):
    settings.REPORTING_DUE_DAYS = 14
    periods = selectors.due_period_list(user=world.partner, award=award, today=D(2026, 4, 1))
    assert [(p.period_start, p.period_end, p.due_on, p.is_final) for p in periods] == [
        (D(2026, 1, 5), D(2026, 3, 31), D(2026, 4, 14), False),
        (D(2026, 4, 1), D(2026, 8, 31), D(2026, 9, 14), False),
        (D(2026, 9, 1), D(2026, 12, 18), D(2027, 1, 1), True),
    ]
    assert [p.urgency for p in periods] == ["due_soon", "upcoming", "upcoming"]


def test_schedule_save_changes_frequency_and_keeps_award_in_step(world, award):
    services.schedule_save(
        actor=world.manager, award=award, frequency="quarterly", starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 30)
    )
    award.refresh_from_db()
    assert award.reporting_frequency == "quarterly"
    periods = selectors.due_period_list(user=world.manager, award=award)
    assert [p.label for p in periods] == ["January to March 2026", "April to June 2026"]
    with pytest.raises(PermissionRefused):
        services.schedule_save(
            actor=world.partner, award=award, frequency="monthly", starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 30)
        )
    with pytest.raises(ValidationError, match="end on or after"):
        services.schedule_save(
            actor=world.manager, award=award, frequency="monthly", starts_on=D(2026, 6, 1), ends_on=D(2026, 1, 1)
        )


def test_project_without_award_has_its_own_schedule(world, project):
    services.schedule_save(
        actor=world.manager, project=project, frequency="one_off", starts_on=D(2026, 1, 5), ends_on=D(2026, 7, 17)
    )
    periods = selectors.due_period_list(user=world.partner, project=project)
    assert [(p.period_start, p.period_end, p.is_final) for p in periods] == [(D(2026, 1, 5), D(2026, 7, 17), True)]


def test_funded_project_reports_through_its_award(world, award, project):
    award_with_project = f.AwardFactory(programme=world.programme, recipient=world.partner_org, project=project)
    from tests.helpers import force_state

    force_state(award_with_project, "active")
    assert selectors.due_period_list(user=world.partner, project=project) == []
    with pytest.raises(TransitionRefused, match="funded by an award"):
        services.due_date_add(
            actor=world.manager,
            project=project,
            due_on=D(2026, 5, 1),
            period_start=D(2026, 1, 1),
            period_end=D(2026, 4, 1),
        )


def test_ad_hoc_due_date_adds_a_period_and_matches_its_update(world, award):
    services.due_date_add(
        actor=world.manager,
        award=award,
        label="Board report",
        period_start=D(2026, 1, 5),
        period_end=D(2026, 2, 13),
        due_on=D(2026, 2, 20),
    )
    update = start(award, world, D(2026, 1, 5), D(2026, 2, 13))
    periods = selectors.due_period_list(user=world.partner, award=award, today=D(2026, 3, 1))
    extra = [p for p in periods if p.ad_hoc]
    assert [(p.label, p.due_on, p.update) for p in extra] == [("Board report", D(2026, 2, 20), update)]
    spring = next(p for p in periods if p.label == "Spring term 2026")
    assert spring.update is None  # the extra report does not stand in for the regular one
    with pytest.raises(PermissionRefused):
        services.due_date_add(
            actor=world.partner, award=award, period_start=D(2026, 5, 1), period_end=D(2026, 5, 2), due_on=D(2026, 6, 1)
        )
    with pytest.raises(ValidationError, match="already an extra report"):
        services.due_date_add(
            actor=world.manager,
            award=award,
            period_start=D(2026, 1, 5),
            period_end=D(2026, 2, 13),
            due_on=D(2026, 3, 1),
        )


def test_extend_a_due_date_already_past_is_logged_and_clears_overdue(world, award):
    today = D(2026, 4, 20)
    spring = selectors.due_period_list(user=world.manager, award=award, today=today)[0]
    assert (spring.urgency, spring.days_late) == ("overdue", 6)
    extension = services.due_date_extend(
        actor=world.manager,
        award=award,
        period_end=spring.period_end,
        new_due_on=D(2026, 5, 1),
        reason="Easter closure and a head's illness.",
    )
    assert (extension.extended_by, extension.original_due_on, extension.reason) == (
        world.manager,
        D(2026, 4, 14),
        "Easter closure and a head's illness.",
    )
    assert extension.extended_at is not None
    spring = selectors.due_period_list(user=world.partner, award=award, today=today)[0]
    assert (spring.due_on, spring.original_due_on, spring.extended, spring.urgency) == (
        D(2026, 5, 1),
        D(2026, 4, 14),
        True,
        "due_soon",
    )
    # A second extension wins; both are kept.
    services.due_date_extend(
        actor=world.second_manager, award=award, period_end=spring.period_end, new_due_on=D(2026, 5, 8), reason="Again."
    )
    spring = selectors.due_period_list(user=world.partner, award=award, today=today)[0]
    assert spring.due_on == D(2026, 5, 8)
    assert [e.new_due_on for e in spring.extensions] == [D(2026, 5, 1), D(2026, 5, 8)]
    assert DueDateExtension.objects.count() == 2


def test_extend_refuses_without_reason_earlier_date_or_permission(world, award):
    kwargs = {"award": award, "period_end": D(2026, 3, 31)}
    with pytest.raises(ValidationError, match="Say why"):
        services.due_date_extend(actor=world.manager, new_due_on=D(2026, 5, 1), reason=" ", **kwargs)
    with pytest.raises(ValidationError, match="must be after the current one"):
        services.due_date_extend(actor=world.manager, new_due_on=D(2026, 4, 1), reason="x", **kwargs)
    with pytest.raises(PermissionRefused):
        services.due_date_extend(actor=world.partner, new_due_on=D(2026, 5, 1), reason="x", **kwargs)
    with pytest.raises(PermissionRefused):
        services.due_date_extend(actor=world.manager_b, new_due_on=D(2026, 5, 1), reason="x", **kwargs)
    with pytest.raises(TransitionRefused, match="no report for a period ending"):
        services.due_date_extend(
            actor=world.manager, award=award, period_end=D(2026, 2, 2), new_due_on=D(2026, 5, 1), reason="x"
        )


def test_extension_moves_the_due_date_on_a_started_update(world, award):
    update = start(award, world, D(2026, 1, 5), D(2026, 3, 31))
    assert update.due_on == D(2026, 4, 14)
    services.due_date_extend(
        actor=world.manager, award=award, period_end=D(2026, 3, 31), new_due_on=D(2026, 4, 30), reason="Ofsted visit."
    )
    update.refresh_from_db()
    assert update.due_on == D(2026, 4, 30)


def outstanding_list(*, user, today, **filters):
    """The overdue page's lists, one after the other: overdue, awaiting review, due soon."""
    which = {"user": user, "today": today, "managed_only": True, **filters}
    return [
        period
        for urgency in due_rows.OUTSTANDING
        for period in due_rows.read(due_rows.rows(urgency=urgency, **which), user=user, today=today)
    ]


def test_outstanding_list_across_programme_says_how_late_and_what_awaits_review(world, award, award_b, project):
    today = D(2026, 9, 20)
    spring = start(award, world, D(2026, 1, 5), D(2026, 3, 31))
    services.update_submit(update=spring, actor=world.partner)
    items = outstanding_list(user=world.manager, programme=world.programme, today=today)
    assert [(p.subject_reference, p.label, p.urgency, p.days_late) for p in items] == [
        (award.identifier, "Summer term 2026", "overdue", 6),
        (award.identifier, "Spring term 2026", "awaiting_review", 0),
    ]
    by_partnership = outstanding_list(user=world.manager, partnership=world.partnership, today=today)
    assert {p.subject_reference for p in by_partnership} == {award.identifier, project.reference}
    # The other partnership's manager sees none of it, and this manager none of theirs.
    assert all(p.subject != award_b for p in by_partnership)
    assert all(p.subject not in (award, project) for p in outstanding_list(user=world.manager_b, today=today))


def test_due_period_list_query_count_does_not_grow_with_awards(world, django_assert_max_num_queries):
    from .conftest import walk_award

    for _ in range(6):
        walk_award(f.AwardFactory(programme=world.programme, recipient=world.partner_org), world)
    with django_assert_max_num_queries(8):
        periods = selectors.due_period_list(user=world.manager, today=D(2026, 5, 1))
    assert len(periods) == 6 * 3

"""Due periods kept as rows (reporting/due_rows.py), so the dashboards and the inbox count and list what
is owed in SQL instead of working out every live award's periods on every request.

The rows are derived, never edited: `reporting.due_rows.refresh` writes a subject's rows from the one due
rule (reporting.periods) whenever its schedule, an extra date, an extension, an update or the work itself
changes; `recount()` rebuilds them all and reports drift. `DueTally` counts the rows by programme (or
partnership), due date and whose turn it is, kept by database triggers on the rows."""

from django.db import models


class Turn(models.TextChoices):
    """Whose turn a due period is, the part of its urgency that does not depend on the day."""

    PARTNER = "partner", "With the partner (not started, draft or changes requested)"
    REVIEW = "review", "Awaiting a manager's review"
    DONE = "done", "Accepted"


class DueRow(models.Model):
    """One report owed, as reporting.periods works it out, matched with its update two ways: among all
    updates (what the partner and an administrator see) and among those past draft (what a manager sees:
    a draft is the partner's own until submitted)."""

    # No constraint in the database (a derived row must never stop a flush or a restore), but a cascade:
    # deleting the work deletes its rows.
    award = models.ForeignKey(
        "grants.Award", null=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    project = models.ForeignKey(
        "partnerships.Project", null=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    # Whose work it is, as plain ids so the tally keys need no join: 0 when not an award's (or a project's).
    programme_id = models.BigIntegerField(default=0)
    partnership_id = models.BigIntegerField(default=0)
    owner_id = models.BigIntegerField(help_text="The organisation that writes the report.")
    reference = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    label = models.CharField(max_length=200)
    original_due_on = models.DateField()
    due_on = models.DateField()
    is_final = models.BooleanField(default=False)
    ad_hoc = models.BooleanField(default=False)
    update = models.ForeignKey(
        "reporting.ProgressUpdate", null=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    turn = models.CharField(max_length=10, choices=Turn.choices)
    seen_update = models.ForeignKey(
        "reporting.ProgressUpdate", null=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    seen_turn = models.CharField(max_length=10, choices=Turn.choices)

    ORDER = ("due_on", "reference", "period_end", "ad_hoc", "id")  # reporting.selectors.due_period_list's order

    class Meta:
        indexes = [
            models.Index(fields=["turn", "due_on", "reference", "period_end", "ad_hoc", "id"], name="duerow_turn"),
            models.Index(
                fields=["seen_turn", "due_on", "reference", "period_end", "ad_hoc", "id"], name="duerow_seen_turn"
            ),
            models.Index(fields=["owner_id", "due_on", "reference", "period_end", "ad_hoc", "id"], name="duerow_owner"),
            models.Index(fields=["programme_id"], name="duerow_programme"),
            models.Index(fields=["partnership_id"], name="duerow_partnership"),
        ]

    def __str__(self):
        return f"{self.reference} {self.label} due {self.due_on}"


class DueTally(models.Model):
    """Due periods per programme (or partnership, for a project without an award), due date and whose
    turn it is (among all updates and among those past draft): what a programme manager's and an
    administrator's due figures read. Kept by triggers on `DueRow` (reporting/due_rows.py)."""

    programme_id = models.BigIntegerField(default=0)
    partnership_id = models.BigIntegerField(default=0)
    due_on = models.DateField()
    turn = models.CharField(max_length=10, choices=Turn.choices)
    seen_turn = models.CharField(max_length=10, choices=Turn.choices)
    periods = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme_id", "partnership_id", "due_on", "turn", "seen_turn"], name="due_tally_one_per_key"
            )
        ]
        # A partnership's rows (the projects without an award) found by index, as a programme's are by the
        # key above: a tally rewritten by its triggers can hold a few live rows in many pages.
        indexes = [models.Index(fields=["partnership_id"], name="duetally_partnership")]

    def __str__(self):
        return f"{self.programme_id}/{self.partnership_id} {self.due_on} {self.turn}/{self.seen_turn}: {self.periods}"

"""Geography, organisations, people's roles, partnerships and collaboration projects."""

from django.conf import settings
from django.db import models
from django.db.models import F, ProtectedError, Q
from django_fsm import FSMField, FSMModelMixin, transition

from accounts import roles
from workflow.dates import grant_date
from workflow.rules import guard
from workflow.text import text_field


class Region(models.Model):
    name = models.CharField(max_length=100, unique=True)
    code = models.CharField("ONS code", max_length=9, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class SubRegion(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="sub_regions")
    name = models.CharField(max_length=100, unique=True)
    number = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["number", "name"]

    def __str__(self):
        return self.name


class LocalAuthority(models.Model):
    name = models.CharField(max_length=100, unique=True)
    gss_code = models.CharField("ONS (GSS) code", max_length=9, unique=True)
    dfe_code = models.CharField("DfE LA number", max_length=3, unique=True, null=True, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="local_authorities")
    sub_region = models.ForeignKey(
        SubRegion, null=True, blank=True, on_delete=models.PROTECT, related_name="local_authorities"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self):
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = "school", "School"
        MAT = "mat", "Multi-academy trust"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        COMBINED_AUTHORITY = "combined_authority", "Combined authority"
        COLLEGE = "college", "College"
        CHARITY = "charity", "Charity"
        EMPLOYER = "employer", "Employer"
        FUNDER = "funder", "Funder"
        GOVERNMENT = "government", "Government body"
        UNIVERSITY = "university", "University"
        CHILDRENS_CENTRE = "childrens_centre", "Children's centre"

    class EstablishmentType(models.TextChoices):
        """What kind of school or setting, in the DfE's groups (GIAS "TypeOfEstablishment")."""

        ACADEMY = "academy", "Academy"
        FREE_SCHOOL = "free_school", "Free school"
        MAINTAINED = "maintained", "Local authority maintained school"
        SPECIAL = "special", "Special school"
        INDEPENDENT = "independent", "Independent school"
        INDEPENDENT_SPECIAL = "independent_special", "Independent special school"
        ALTERNATIVE_PROVISION = "alternative_provision", "Pupil referral unit"
        COLLEGE = "college", "Further education college"
        UNIVERSITY = "university", "Higher education institution"
        CHILDRENS_CENTRE = "childrens_centre", "Children's centre"
        OTHER = "other", "Other establishment"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    identifier = models.CharField(
        "org-id",
        max_length=200,
        unique=True,
        help_text="Organisation identifier in org-id form: GB-CHC-… (charity), GB-COH-… (company), "
        "GB-EDU-… (school URN), GB-LAE-… (local authority); or 360G-… where there is no official one.",
    )
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="organisations"
    )
    trust = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="schools",
        limit_choices_to={"kind": "mat"},
        help_text="The multi-academy trust this school belongs to.",
    )
    pupil_count = models.PositiveIntegerField(null=True, blank=True)
    website = models.URLField(blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    charity_number = models.CharField(max_length=20, blank=True)
    company_number = models.CharField(max_length=20, blank=True)
    # As the DfE's Get Information About Schools (GIAS) gives them; empty for others.
    establishment_type = models.CharField(max_length=30, choices=EstablishmentType.choices, blank=True)
    type_of_establishment = models.CharField(
        "GIAS type", max_length=80, blank=True, help_text="The DfE's own words: “Academy sponsor led”, “Trust”…"
    )
    phase = models.CharField("phase of education", max_length=40, blank=True)
    ukprn = models.CharField("UKPRN", max_length=8, blank=True)
    closed_on = models.DateField(null=True, blank=True, help_text="Set when the establishment or trust has closed.")
    district_code = models.CharField("district (GSS code)", max_length=9, blank=True)
    ward_code = models.CharField("ward (GSS code)", max_length=9, blank=True)
    lsoa_code = models.CharField("LSOA code", max_length=9, blank=True)
    group_uid = models.CharField(
        "GIAS group UID", max_length=10, blank=True, db_index=True, help_text="A trust's number in GIAS."
    )
    trust_uid = models.CharField(
        "trust's GIAS group UID",
        max_length=10,
        blank=True,
        db_index=True,
        help_text="The trust a school belongs to, as GIAS numbers it; kept until that trust is imported.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(identifier__regex=r"^([A-Z]{2}-[A-Z0-9]{2,10}-.+|360G-.+)$"),
                name="organisation_identifier_org_id",
            ),
        ]

    @property
    def has_official_identifier(self) -> bool:
        """360G-… identifiers are a publisher's own, for organisations with no official register number."""
        return not self.identifier.startswith("360G-")

    def __str__(self):
        return self.name

    @property
    def urn(self) -> str:
        """A school's DfE unique reference number (its org-id is GB-EDU-<URN>)."""
        return self.identifier[7:] if self.identifier.startswith("GB-EDU-") else ""

    @staticmethod
    def size_band_for(school_count: int, pupil_count: int | None) -> str:
        """The national MAT size band (seed 001): starter up to 5-6 schools / ~1,500 pupils,
        established 5-15 schools, national 15-30, system leader 30+."""
        if school_count <= 6 and (pupil_count or 0) <= 1500:
            return "Starter trust"
        if school_count <= 15:
            return "Established trust"
        if school_count <= 30:
            return "National trust"
        return "System leader trust"

    @property
    def size_band(self) -> str:
        """Uses the `school_count` / `school_pupils` that organisation_list annotates; counts otherwise."""
        if self.kind != self.Kind.MAT:
            return ""
        count = getattr(self, "school_count", None)
        if count is None:
            schools = list(self.schools.all())
            count, pupils = len(schools), sum(s.pupil_count or 0 for s in schools)
        else:
            pupils = self.school_pupils or 0
        return self.size_band_for(count, pupils or self.pupil_count)


class Partnership(models.Model):
    name = models.CharField(max_length=200, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="partnerships")
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_partnerships",
        help_text="The organisation whose programme managers run this partnership.",
    )
    starts_on = models.DateField(validators=[grant_date])
    ends_on = models.DateField(validators=[grant_date], null=True, blank=True)
    aims = text_field(blank=True)
    organisations = models.ManyToManyField(Organisation, through="PartnershipMember", related_name="partnerships")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")), name="partnership_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.name


class PartnershipMember(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        MEMBER = "member", "Member"
        FUNDER = "funder", "Funder"
        ADVISER = "adviser", "Adviser"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="partnership_roles")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(validators=[grant_date], null=True, blank=True)

    class Meta:
        ordering = ["partnership__name", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "organisation"], name="unique_partnership_member"),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()}) in {self.partnership}"


def _manages_project(project, user) -> bool:
    return roles.of(user).manages_partnership(project.partnership)


def _leads_or_manages_project(project, user) -> bool:
    r = roles.of(user)
    return r.manages_partnership(project.partnership) or r.is_partner_of(project.lead_organisation_id)


@guard("The project needs a summary, a theme and planned start and end dates before it can be proposed.")
def _project_is_complete(project) -> bool:
    return bool(project.summary.strip() and project.theme and project.planned_start and project.planned_end)


class Project(FSMModelMixin, models.Model):
    """A collaboration project inside a partnership, from proposal to evaluation."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PROPOSED = "proposed", "Proposed"
        UNDER_REVIEW = "under_review", "Under review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        IN_DELIVERY = "in_delivery", "In delivery"
        ON_HOLD = "on_hold", "On hold"
        IN_EVALUATION = "in_evaluation", "In evaluation"
        COMPLETED = "completed", "Completed"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Theme(models.TextChoices):
        SCHOOL_TO_SCHOOL = "school_to_school", "School-to-school support"
        PEER_REVIEW = "peer_review", "Peer review"
        WELLBEING = "wellbeing", "Wellbeing"
        RECRUITMENT = "recruitment", "Teacher recruitment and retention"
        POST16 = "post16", "Post-16 transitions"
        CURRICULUM = "curriculum", "Curriculum"
        LEADERSHIP = "leadership", "Leadership development"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="projects")
    reference = models.CharField(max_length=30, unique=True)
    title = models.CharField(max_length=200)
    lead_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="led_projects")
    theme = models.CharField(max_length=30, choices=Theme.choices, blank=True)
    summary = text_field(blank=True)
    settings_reached = models.PositiveIntegerField(default=0, help_text="Schools and other settings reached.")
    children_reached = models.PositiveIntegerField(default=0)
    planned_start = models.DateField(validators=[grant_date], null=True, blank=True)
    planned_end = models.DateField(validators=[grant_date], null=True, blank=True)
    state = FSMField(max_length=30, choices=State.choices, default=State.DRAFT, protected=True, db_index=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(
        null=True, blank=True, help_text="Archived projects leave the working lists; they are never deleted."
    )

    FINISHED_STATES = (State.COMPLETED, State.REJECTED, State.WITHDRAWN)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="project_newest_first")]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gt=F("planned_start")),
                name="project_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def delete(self, *args, **kwargs):
        raise ProtectedError("Projects keep their history: archive a finished project instead of deleting it.", {self})

    @transition(
        state,
        source=State.DRAFT,
        target=State.PROPOSED,
        conditions=[_project_is_complete],
        permission=_leads_or_manages_project,
        custom={"label": "Propose", "style": "primary"},
    )
    def propose(self):
        pass

    @transition(
        state,
        source=State.PROPOSED,
        target=State.UNDER_REVIEW,
        permission=_manages_project,
        custom={"label": "Start review", "style": "primary"},
    )
    def start_review(self):
        pass

    @transition(
        state,
        source=[State.PROPOSED, State.UNDER_REVIEW],
        target=State.CHANGES_REQUESTED,
        permission=_manages_project,
        custom={"label": "Request changes", "note_required": True},
    )
    def request_changes(self):
        pass

    @transition(
        state,
        source=State.CHANGES_REQUESTED,
        target=State.PROPOSED,
        conditions=[_project_is_complete],
        permission=_leads_or_manages_project,
        custom={"label": "Resubmit", "style": "primary"},
    )
    def resubmit(self):
        pass

    @transition(
        state,
        source=State.UNDER_REVIEW,
        target=State.APPROVED,
        permission=_manages_project,
        custom={"label": "Approve", "style": "primary"},
    )
    def approve(self):
        pass

    @transition(
        state,
        source=[State.PROPOSED, State.UNDER_REVIEW],
        target=State.REJECTED,
        permission=_manages_project,
        custom={"label": "Reject", "note_required": True, "style": "warning"},
    )
    def reject(self):
        pass

    @transition(
        state,
        source=[State.DRAFT, State.PROPOSED, State.UNDER_REVIEW, State.CHANGES_REQUESTED, State.APPROVED],
        target=State.WITHDRAWN,
        permission=_leads_or_manages_project,
        custom={"label": "Withdraw", "note_required": True, "style": "warning"},
    )
    def withdraw(self):
        pass

    @transition(
        state,
        source=State.APPROVED,
        target=State.IN_DELIVERY,
        permission=_manages_project,
        custom={"label": "Start delivery", "style": "primary"},
    )
    def start_delivery(self):
        pass

    @transition(
        state,
        source=State.IN_DELIVERY,
        target=State.ON_HOLD,
        permission=_manages_project,
        custom={"label": "Put on hold", "note_required": True, "style": "warning"},
    )
    def put_on_hold(self):
        pass

    @transition(
        state,
        source=State.ON_HOLD,
        target=State.IN_DELIVERY,
        permission=_manages_project,
        custom={"label": "Resume delivery", "style": "primary"},
    )
    def resume(self):
        pass

    @transition(
        state,
        source=State.IN_DELIVERY,
        target=State.IN_EVALUATION,
        permission=_manages_project,
        custom={"label": "Begin evaluation", "style": "primary"},
    )
    def begin_evaluation(self):
        pass

    @transition(
        state,
        source=State.IN_EVALUATION,
        target=State.COMPLETED,
        # reporting adds: the evaluation complete (reporting.closing)
        permission=_manages_project,
        custom={"label": "Complete", "style": "primary"},
    )
    def complete(self):
        pass


class ProjectPartner(models.Model):
    """An organisation taking part in a project; every school a giver and receiver of support."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="project_roles")
    gives_support = models.BooleanField(default=False)
    receives_support = models.BooleanField(default=False)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation"], name="unique_project_partner"),
            models.CheckConstraint(
                condition=Q(gives_support=True) | Q(receives_support=True), name="project_partner_gives_or_receives"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} in {self.project.reference}"

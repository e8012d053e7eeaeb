"""Organisations: schools, trusts, councils, funders and the rest, with their official identifiers."""

from django.db import models
from django.db.models import Q

from .geography import LocalAuthority


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

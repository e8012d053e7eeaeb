"""Partnerships and their members."""

from django.db import models
from django.db.models import F, Q

from workflow.dates import grant_date
from workflow.text import text_field

from .geography import Region
from .organisations import Organisation


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

    def project_partner_choices(self):
        """The organisations a project of this partnership may name as partners: its lead and members, never
        a funder (funders fund the work; they are not partners in it)."""
        members = PartnershipMember.objects.filter(partnership=self).exclude(role=PartnershipMember.Role.FUNDER)
        return Organisation.objects.filter(
            Q(pk__in=members.values("organisation_id")) | Q(pk=self.lead_organisation_id)
        ).exclude(kind=Organisation.Kind.FUNDER)


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

"""Who a person is in Exchange: their roles in organisations, and the audit of sign-ins and permission changes.

Both models were moved here from higher apps and keep their original tables (see migrations/0001_initial.py),
so existing databases keep every row. The organisation a membership belongs to lives in the layer above and
is named by string.
"""

from django.conf import settings
from django.db import models


class OrganisationMembership(models.Model):
    """A person's role in an organisation; what they may see and do follows from it."""

    class Role(models.TextChoices):
        MANAGER = "manager", "Programme manager"
        FUNDER = "funder", "Funder"
        PARTNER = "partner", "Partner"
        ADMINISTRATOR = "administrator", "Administrator"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.CASCADE, related_name="people")
    role = models.CharField(max_length=20, choices=Role.choices)
    job_title = models.CharField(max_length=120, blank=True)

    class Meta:
        db_table = "partnerships_organisationmembership"
        ordering = ["organisation__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership_role"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}, {self.organisation}"


class AuditEvent(models.Model):
    """Sign-ins, sign-outs, failed sign-ins, changes to who may do what, second-factor events, personal data
    exports and erasures, and each run of the retention rules."""

    class Kind(models.TextChoices):
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Sign-in failed"
        LOGOUT = "logout", "Signed out"
        PERMISSION_CHANGE = "permission_change", "Permission changed"
        SECOND_FACTOR = "second_factor", "Second factor"
        SECOND_FACTOR_FAILED = "second_factor_failed", "Second factor refused"
        DATA_EXPORT = "data_export", "Personal data exported"
        ERASURE = "erasure", "Person erased"
        RETENTION = "retention", "Retention rule run"
        SSO_REFUSED = "sso_refused", "Single sign-on refused"

    kind = models.CharField(max_length=30, choices=Kind.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True, help_text="The username given, also when unknown.")
    detail = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "workflow_auditevent"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.username} at {self.at:%d/%m/%Y %H:%M}"


class ErasedPerson(models.Model):
    """A person whose personal details were replaced by a pseudonym (UK GDPR erasure). The user row stays, so
    the transition and money logs that name them keep pointing at it and every total still adds up."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="erasure")
    pseudonym = models.CharField(max_length=150, unique=True)
    erased_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "erased person"
        verbose_name_plural = "erased people"
        ordering = ["-erased_at"]

    def __str__(self):
        return self.pseudonym


class OrganisationEmailDomain(models.Model):
    """An email domain an organisation has registered. Someone signing in through single sign-on for the first
    time with an address at it gets a membership request that a manager confirms (never a role by itself).
    With `password_sign_in` off, people with an address at it must use single sign-on."""

    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.CASCADE, related_name="+")
    domain = models.CharField(max_length=253, unique=True, help_text="For example: summitlearning.org.uk")
    password_sign_in = models.BooleanField(
        default=True,
        help_text="Untick to make everyone with an address at this domain sign in through single sign-on only.",
    )

    class Meta:
        verbose_name = "organisation email domain"
        ordering = ["domain"]

    def __str__(self):
        return self.domain


class MembershipRequest(models.Model):
    """A pending membership: someone who signed in through single sign-on from an organisation's registered
    email domain. A manager confirms it with a role (or declines it); until then they have no role at all."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for a manager"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership_requests")
    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING, db_index=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(state="pending"),
                name="one_pending_request_per_person_and_organisation",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation} ({self.get_state_display()})"

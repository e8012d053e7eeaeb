"""What must be true of a call and an application, in words: eligibility, the closing time and the
checklist an applicant reads before Submit. Asked by the pages (to explain), by the services (to refuse)
and, for an award that belongs to a call, by the award's own Submit step (registered in apps.py)."""

from django.utils import timezone

from grants.models import money
from partnerships.models import Organisation
from workflow import clock
from workflow.rules import guard

from .models import Application, ApplicationOrganisation, Call


def when(moment) -> str:
    """“12:00 on 1 March 2027”, in the partnership's own time zone."""
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def closed_refusal(call: Call, application: Application | None = None) -> str | None:
    """Why nothing more can be sent to `call` now, or None while it is open."""
    now = clock.now()
    if now < call.opens_at:
        return f"The call “{call.title}” opens at {when(call.opens_at)}; applications cannot be started before then."
    closes = call.closes_for(application) if application is not None else call.closes_at
    if now >= closes:
        return (
            f"The call “{call.title}” closed at {when(closes)}. Applications after the close cannot be accepted; "
            "please speak to the programme team."
        )
    return None


def _trust_band(org: Organisation) -> str:
    if org.kind == Organisation.Kind.MAT:
        return org.size_band
    if org.trust_id is not None and org.trust is not None:
        return org.trust.size_band
    return ""


def eligibility_refusal(call: Call, org: Organisation) -> str | None:
    """Why `org` may not apply to `call`, or None. The call's places and kinds come prefetched."""
    if call.eligible_kinds and org.kind not in call.eligible_kinds:
        kinds = ", ".join(str(Organisation.Kind(k).label).lower() for k in call.eligible_kinds)
        return f"This call is open to: {kinds}. {org} is a {org.get_kind_display().lower()}."
    sub_regions = list(call.eligible_sub_regions.all())
    authorities = list(call.eligible_local_authorities.all())
    if sub_regions or authorities:
        la = org.local_authority
        inside = la is not None and (
            la.pk in {a.pk for a in authorities} or la.sub_region_id in {s.pk for s in sub_regions}
        )
        if not inside:
            places = ", ".join(str(place) for place in [*sub_regions, *authorities])
            return f"This call is open to organisations in {places}; {org} is in {la or 'no recorded local authority'}."
    if call.eligible_size_bands:
        band = _trust_band(org)
        if band and band not in call.eligible_size_bands:
            bands = ", ".join(b.lower() for b in call.eligible_size_bands)
            return f"This call is open to these trust sizes: {bands}. {org} is a {band.lower()}."
    return None


def checklist(application: Application) -> list[str]:
    """What is missing before the application can be submitted, in words (empty: ready)."""
    award, call = application.award, application.call
    missing = []
    if not application.project_summary.strip():
        missing.append("Say what the project is and why it is needed (the project section is empty).")
    if not award.amount_requested or award.amount_requested <= 0:
        missing.append("Say how much you are asking for.")
    elif call.max_amount is not None and award.amount_requested > call.max_amount:
        missing.append(
            f"You are asking for {money(award.amount_requested)}; this call gives at most {money(call.max_amount)}."
        )
    refusal = eligibility_refusal(call, award.recipient)
    if refusal:
        missing.append(refusal)
    for entry in application.organisations.all():
        if entry.is_pending:
            missing.append(
                f"{entry.organisation} has not yet answered the invitation to apply with you as a co-applicant: "
                "wait for one of its people to accept, or remove the invitation."
            )
    if application.stage == Application.Stage.EOI:
        return missing
    if not (award.planned_start and award.planned_end):
        missing.append("Give the planned start and end dates.")
    schools = [o for o in application.organisations.all() if o.role == ApplicationOrganisation.Role.SCHOOL]
    if not schools:
        missing.append("Name the schools taking part, and whether each gives or receives support.")
    elif any(not (s.gives_support or s.receives_support) for s in schools):
        missing.append("Say for every school taking part whether it gives or receives support.")
    if not application.outcomes.strip():
        missing.append("Describe the outcomes you expect and how you will know (the outcomes section is empty).")
    if not application.budget_summary.strip():
        missing.append("Summarise the budget: what the money pays for, year by year.")
    return missing


def _application_of(award) -> Application | None:
    return Application.objects.filter(award_id=award.pk).select_related("call", "award__recipient").first()


@guard(lambda award: closed_refusal(_application_of(award).call, _application_of(award)))
def call_still_open_for_award(award) -> bool:
    application = _application_of(award)
    return application is None or closed_refusal(application.call, application) is None


def _not_ready(award) -> str:
    application = _application_of(award)
    if application is not None and application.stage == Application.Stage.EOI:
        return (
            "This call has two stages: send the expression of interest first; "
            "the full application follows an invitation."
        )
    return "The application is not ready to submit: " + " ".join(checklist(application) if application else [])


@guard(_not_ready)
def checklist_complete_for_award(award) -> bool:
    application = _application_of(award)
    if application is None:
        return True
    if application.stage == Application.Stage.EOI:
        return False  # an expression of interest is sent through application_submit, never as the award
    return not checklist(application)

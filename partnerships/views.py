"""Pages for partnerships and collaboration projects: thin, reading through selectors, writing through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import roles
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.selectors import visible
from workflow.services import available_transitions, history
from workflow.views import get_visible_or_404, paginate, refusal_into_form, refused, require_role, take_transition

from . import downloads, selectors, services
from .filters import PartnershipPageFilter, ProjectPageFilter
from .forms import (
    MemberForm,
    PartnershipForm,
    ProjectForm,
    ProjectPartnerFormSet,
    keep_typed_unjudged,
)
from .models import Organisation, SubRegion

# Partnerships ---------------------------------------------------------------------------------

Column = downloads.Column
PARTNERSHIP_COLUMNS = [
    Column("Name", lambda p: p.name),
    Column("Region", lambda p: p.region.name if p.region_id else ""),
    Column("Lead organisation", lambda p: p.lead_organisation.name),
    Column("Members", lambda p: p.member_count),
    Column("Starts on", lambda p: p.starts_on),
    Column("Ends on", lambda p: p.ends_on),
]
PROJECT_COLUMNS = [
    Column("Reference", lambda p: p.reference),
    Column("Title", lambda p: p.title),
    Column("Partnership", lambda p: p.partnership.name),
    Column("Lead organisation", lambda p: p.lead_organisation.name),
    Column("Theme", lambda p: p.get_theme_display()),
    Column("Stage", lambda p: p.get_state_display()),
    Column("Planned start", lambda p: p.planned_start),
    Column("Planned end", lambda p: p.planned_end),
    Column("Settings reached", lambda p: p.settings_reached),
    Column("Children reached", lambda p: p.children_reached),
    Column("Archived", lambda p: "Yes" if p.archived_at else "No"),
]


@login_required
def partnership_list(request):
    filterset = PartnershipPageFilter(
        request.GET,
        selectors.partnership_list(user=request.user).annotate(member_count=Count("members")).order_by("name", "pk"),
    )
    qs = filterset.qs
    if downloads.requested(request):
        return downloads.download(
            request, qs.select_related("region", "lead_organisation"), PARTNERSHIP_COLUMNS, name="partnerships"
        )
    return render(
        request,
        "partnerships/partnership_list.html",
        {
            "page": paginate(request, qs),
            "filter_form": filterset.form,
            "can_create": roles.of(request.user).is_manager,
        },
    )


@login_required
def partnership_detail(request, pk):
    partnership = get_visible_or_404(selectors.partnership_list(user=request.user), pk=pk)
    r = roles.of(request.user)
    can_manage = r.manages_partnership(partnership)
    context = {
        "partnership": partnership,
        "can_propose": r.is_manager or r.is_partner,
        "members": selectors.partnership_member_list(user=request.user).filter(partnership=partnership),
        "projects": selectors.project_list(user=request.user).filter(partnership=partnership)[:50],
        "programmes": visible("grants.FundingProgramme", user=request.user).filter(partnership=partnership),
        "can_manage": can_manage,
    }
    if can_manage:
        context["member_form"] = MemberForm(organisations=selectors.organisation_list(user=request.user))
    return render(request, "partnerships/partnership_detail.html", context)


def _partnership_form_page(request, form, *, title, cancel_url):
    return render(
        request,
        "includes/form_page.html",
        {"form": form, "title": title, "cancel_url": cancel_url, "submit_label": "Save partnership"},
    )


@login_required
def partnership_create(request):
    require_role(request, roles.of(request.user).is_manager, "programme managers can set up partnerships")
    leads = selectors.managed_organisation_list(user=request.user)
    form = PartnershipForm(request.POST or None, lead_choices=leads)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            partnership = services.partnership_create(
                actor=request.user, lead_organisation=data.pop("lead_organisation"), **data
            )
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, f"{partnership} is set up.")
            return redirect("partnerships:partnership_detail", pk=partnership.pk)
    return _partnership_form_page(
        request, form, title="Set up a partnership", cancel_url=reverse("partnerships:partnership_list")
    )


@login_required
def partnership_edit(request, pk):
    partnership = get_visible_or_404(selectors.partnership_list(user=request.user), pk=pk)
    url = reverse("partnerships:partnership_detail", args=[partnership.pk])
    if not roles.of(request.user).manages_partnership(partnership):
        return refused(request, PermissionRefused("Only the partnership's programme managers can change it."), url)
    initial = {f: getattr(partnership, f) for f in services.PARTNERSHIP_FIELDS}
    form = PartnershipForm(request.POST or None, initial=initial, lead_choices=None, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_update(partnership=partnership, actor=request.user, **form.cleaned_data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, "The partnership's details are saved.")
            return redirect("partnerships:partnership_detail", pk=partnership.pk)
    return _partnership_form_page(request, form, title=f"Change {partnership}", cancel_url=url)


@login_required
@require_POST
def partnership_member_add(request, pk):
    partnership = get_visible_or_404(selectors.partnership_list(user=request.user), pk=pk)
    form = MemberForm(request.POST, organisations=selectors.organisation_list(user=request.user))
    if form.is_valid():
        try:
            member = services.partnership_add_member(
                partnership=partnership,
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
            )
        except TransitionRefused as refusal:
            messages.error(request, refusal.reason)
        else:
            messages.success(request, f"{member.organisation} is now a {member.get_role_display().lower()}.")
    else:
        messages.error(request, "Choose an organisation and its role in the partnership.")
    return redirect("partnerships:partnership_detail", pk=partnership.pk)


# Projects -------------------------------------------------------------------------------------


@login_required
def project_list(request):
    filterset = ProjectPageFilter(
        request.GET,
        selectors.project_list(user=request.user, include_archived=True),
        choices={
            "partnership": selectors.partnership_list(user=request.user),
            "sub_region": SubRegion.objects.all(),
            "local_authority": selectors.local_authority_list(),
        },
    )
    qs = filterset.qs
    if downloads.requested(request):
        return downloads.download(request, qs, PROJECT_COLUMNS, name="projects")
    r = roles.of(request.user)
    return render(
        request,
        "partnerships/project_list.html",
        {"page": paginate(request, qs), "filter_form": filterset.form, "can_propose": r.is_manager or r.is_partner},
    )


@login_required
def project_detail(request, pk):
    project = get_visible_or_404(selectors.project_list(user=request.user, include_archived=True), pk=pk)
    can_edit = services.project_edit_refusal(project, request.user) is None
    return render(
        request,
        "partnerships/project_detail.html",
        {
            "project": project,
            "partners": selectors.project_partner_list(user=request.user).filter(project=project),
            "awards": visible("grants.Award", user=request.user).filter(project=project, archived_at__isnull=True),
            "history": history(project),
            "transitions": available_transitions(project, request.user),
            "transition_url": reverse("partnerships:project_transition", args=[project.pk, "__name__"]),
            "can_edit": can_edit,
            "can_manage": roles.of(request.user).manages_partnership(project.partnership),
        },
    )


@login_required
def project_transition(request, pk, name):
    project = get_visible_or_404(selectors.project_list(user=request.user, include_archived=True), pk=pk)
    return take_transition(
        request,
        obj=project,
        name=name,
        run=lambda obj, step, actor, note: services.project_transition(project=obj, name=step, actor=actor, note=note),
        next_url=reverse("partnerships:project_detail", args=[project.pk]),
    )


def _partner_rows(formset) -> list[tuple]:
    return [
        (f.cleaned_data["organisation"], f.cleaned_data["gives_support"], f.cleaned_data["receives_support"])
        for f in formset
        if f.cleaned_data.get("organisation")
    ]


PAGE_BUTTONS = ("show_members", "add_partner")


def _page_button(request) -> str | None:
    """The button that asks for the page again (another row, the chosen partnership's members) rather than
    a save; None for "Save"."""
    return next((name for name in PAGE_BUTTONS if name in request.POST), None) if request.method == "POST" else None


def _partner_formset(request, organisations: dict, *, initial=None, extra: int = 1):
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        if "add_partner" in data:
            try:
                rows = int(data.get("form-TOTAL_FORMS", 0))
            except ValueError:
                rows = 0
            data["form-TOTAL_FORMS"] = str(min(max(rows, 0), ProjectPartnerFormSet.max_num - 1) + 1)
    formset = ProjectPartnerFormSet(data, initial=initial, form_kwargs={"organisations": organisations})
    formset.extra = extra
    return formset


def _project_form_page(request, form, formset, *, title, cancel_url, submit_label, partnership=None):
    if _page_button(request):
        keep_typed_unjudged(form, formset)
    return render(
        request,
        "partnerships/project_form.html",
        {
            "form": form,
            "formset": formset,
            "partnership": partnership,
            "title": title,
            "cancel_url": cancel_url,
            "submit_label": submit_label,
        },
    )


def _partner_choices(partnership, keep=()) -> dict:
    """The organisations a project's rows may name: the partnership's members, never a funder (one already
    named on the project stays, so an edit never drops it). The service holds the same rule."""
    if partnership is None:
        return {}
    qs = Organisation.objects.filter(Q(pk__in=partnership.project_partner_choices()) | Q(pk__in=keep))
    return {org.pk: org for org in qs.order_by("name")}


def _chosen_partnership(request, partnerships):
    """The partnership the form is for: the one posted, else `?partnership=`, else the only one the person has."""
    raw = request.POST.get("partnership") if request.method == "POST" else request.GET.get("partnership")
    if raw:
        return partnerships.filter(pk=raw).first() if str(raw).isdigit() else None
    only = list(partnerships[:2])
    return only[0] if len(only) == 1 else None


@login_required
def project_create(request):
    r = roles.of(request.user)
    require_role(request, r.is_manager or r.is_partner, "partners and programme managers can propose projects")
    partnerships = selectors.partnership_list(user=request.user)
    chosen = _chosen_partnership(request, partnerships)
    form = ProjectForm(
        request.POST or None,
        initial={"partnership": chosen.pk} if chosen else None,
        partnerships=partnerships,
        lead_choices=selectors.proposing_organisation_list(user=request.user),
    )
    formset = _partner_formset(request, _partner_choices(chosen), extra=1 if chosen else 0)
    if request.method == "POST" and not _page_button(request) and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        try:
            project = services.project_create(actor=request.user, partners=_partner_rows(formset), **data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, f"Project {project.reference} is saved as a draft. Propose it when it is ready.")
            return redirect("partnerships:project_detail", pk=project.pk)
    return _project_form_page(
        request,
        form,
        formset,
        title="Propose a collaboration project",
        cancel_url=reverse("partnerships:project_list"),
        submit_label="Save as draft",
        partnership=chosen,
    )


@login_required
def project_edit(request, pk):
    project = get_visible_or_404(selectors.project_list(user=request.user, include_archived=True), pk=pk)
    refusal = services.project_edit_refusal(project, request.user)
    if refusal is not None:
        return refused(request, refusal, reverse("partnerships:project_detail", args=[project.pk]))
    current = [
        {"organisation": p.organisation_id, "gives_support": p.gives_support, "receives_support": p.receives_support}
        for p in project.partners.all()
    ]
    organisations = _partner_choices(project.partnership, keep=[row["organisation"] for row in current])
    initial = {f: getattr(project, f) for f in services.PROJECT_FIELDS}
    form = ProjectForm(request.POST or None, initial=initial, editing=True)
    formset = _partner_formset(request, organisations, initial=current)
    if request.method == "POST" and not _page_button(request) and form.is_valid() and formset.is_valid():
        try:
            services.project_update(
                project=project, actor=request.user, partners=_partner_rows(formset), **form.cleaned_data
            )
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, "The project's details are saved.")
            return redirect("partnerships:project_detail", pk=project.pk)
    return _project_form_page(
        request,
        form,
        formset,
        title=f"Change {project.reference}",
        cancel_url=reverse("partnerships:project_detail", args=[project.pk]),
        submit_label="Save changes",
        partnership=project.partnership,
    )

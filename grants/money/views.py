"""Pages for payment runs, budget lines, budget against actual, variations and money by year."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import roles
from partnerships.models import Organisation
from partnerships.selectors import organisation_list, partnership_list, project_list
from workflow import clock
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import available_transitions, history
from workflow.views import (
    get_visible_or_404,
    paginate,
    reason_of,
    refusal_into_form,
    refused,
    require_role,
    take_transition,
)

from .. import selectors as grant_selectors
from ..services import award_edit_refusal
from . import selectors, services
from .cofunding.views import cofunding_context
from .exports import FORMATS
from .forms import (
    BudgetCategoryForm,
    BudgetGridForm,
    MatchFundingFormSet,
    PaymentRunForm,
    RunPaidForm,
    VariationForm,
)
from .models import ZERO, Variation
from .years import KINDS

# Payment runs --------------------------------------------------------------------------------


def _managed_organisations(user):
    r = roles.of(user)
    qs = Organisation.objects.filter(managed_programmes__isnull=False).distinct().order_by("name")
    return qs if r.is_admin else qs.filter(pk__in=r.manager_orgs)


@login_required
def payment_run_list(request):
    require_role(request, roles.of(request.user).is_manager, "programme managers send payments to finance")
    organisations = _managed_organisations(request.user)
    form = PaymentRunForm(
        request.POST or None,
        organisations=organisations,
        initial={"due_by": clock.today(), "organisation": organisations.first(), "format": "xero"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = services.payment_run_export(actor=request.user, **form.cleaned_data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(
                request, f"Payment run {run.pk}: {run.payment_count} payments, £{run.total:,.2f}, ready to download."
            )
            return redirect("grants:payment_run_detail", pk=run.pk)
    runs = selectors.payment_run_list(user=request.user)
    return render(request, "grants/money/payment_runs.html", {"form": form, "page": paginate(request, runs)})


@login_required
def payment_run_detail(request, pk):
    run = get_visible_or_404(selectors.payment_run_list(user=request.user), pk=pk)
    form = RunPaidForm(request.POST or None, initial={"paid_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            released = services.payment_run_record_paid(run=run, actor=request.user, **form.cleaned_data)
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, f"{len(released)} payments are recorded as paid.")
            return redirect("grants:payment_run_detail", pk=run.pk)
    items = run.items.select_related("payment__award__recipient", "payment__award__programme")
    return render(
        request,
        "grants/money/payment_run_detail.html",
        {"run": run, "items": items, "form": form, "format_label": FORMATS[run.format].label},
    )


@login_required
def payment_run_download(request, pk):
    run = get_visible_or_404(selectors.payment_run_list(user=request.user), pk=pk)
    response = HttpResponse(run.content, content_type=f"{FORMATS[run.format].content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{run.filename}"'
    return response


# Budget categories ---------------------------------------------------------------------------


@login_required
def budget_categories(request, pk):
    programme = get_visible_or_404(grant_selectors.programme_list(user=request.user), pk=pk)
    can_manage = roles.of(request.user).manages_programme(programme)
    form = BudgetCategoryForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise Http404("Not found")
        if form.is_valid():
            try:
                category = services.budget_category_save(programme=programme, actor=request.user, **form.cleaned_data)
            except (TransitionRefused, ValidationError) as error:
                refusal_into_form(form, error)
            else:
                messages.success(request, f"“{category.name}” is a budget line of {programme}.")
                return redirect("grants:budget_categories", pk=programme.pk)
    return render(
        request,
        "grants/money/budget_categories.html",
        {
            "programme": programme,
            "categories": programme.budget_categories.all(),
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
def budget_category_edit(request, pk):
    category = get_visible_or_404(selectors.budget_category_list(user=request.user), pk=pk)
    programme = category.programme
    back = reverse("grants:budget_categories", args=[programme.pk])
    if not roles.of(request.user).manages_programme(programme):
        return refused(request, PermissionRefused(f"Only the programme managers of {programme} can change it."), back)
    form = BudgetCategoryForm(
        request.POST or None,
        initial={"name": category.name, "finance_code": category.finance_code, "position": category.position},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_category_save(
                programme=programme, actor=request.user, category=category, **form.cleaned_data
            )
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, "The budget line is saved.")
            return redirect(back)
    return render(
        request,
        "includes/form_page.html",
        {"form": form, "title": f"Change “{category.name}”", "caption": str(programme), "cancel_url": back},
    )


# An award's budget ---------------------------------------------------------------------------


def _grant_years(award) -> int:
    if award.planned_start and award.planned_end:
        days = (award.planned_end - award.planned_start).days
        return max(1, -(-days // 365))
    return 1


@login_required
def award_budget_edit(request, pk):
    award = get_visible_or_404(grant_selectors.award_list(user=request.user, include_archived=True), pk=pk)
    back = reverse("grants:award_detail", args=[award.pk])
    refusal = award_edit_refusal(award, request.user)
    if refusal is not None:
        return refused(request, refusal, back)
    categories = award.programme.budget_categories.all()
    if not categories:
        return refused(
            request,
            TransitionRefused(f"{award.programme} has no budget lines yet: its programme managers set them up first."),
            back,
        )
    existing = {(line.category_id, line.year): line.requested for line in award.budget_lines.all()}
    years = max([_grant_years(award), *[y for _c, y in existing]])
    form = BudgetGridForm(request.POST or None, categories=categories, years=years, initial_amounts=existing)
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_lines_set(award=award, actor=request.user, lines=form.cleaned_data["lines"])
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, "The budget is saved; the amount requested is its total.")
            return redirect(back)
    return render(request, "grants/money/budget_form.html", {"form": form, "award": award, "cancel_url": back})


# Match funding ------------------------------------------------------------------------------


@login_required
def match_funding_edit(request, pk):
    award = get_visible_or_404(grant_selectors.award_list(user=request.user, include_archived=True), pk=pk)
    back = reverse("grants:award_detail", args=[award.pk])
    refusal = award_edit_refusal(award, request.user)
    if refusal is not None:
        return refused(request, refusal, back)
    initial = [
        {"source": m.source, "provider": m.provider, "kind": m.kind, "amount": m.amount, "description": m.description}
        for m in award.match_funding.all()
    ]
    formset = MatchFundingFormSet(request.POST or None, initial=initial, prefix="match")
    problems: list[str] = []
    if request.method == "POST" and formset.is_valid():
        rows = [
            (d["source"], d["provider"], d["kind"], d["amount"], d["description"])
            for d in formset.cleaned_data
            if d and d.get("source")
        ]
        try:
            services.match_funding_set(award=award, actor=request.user, rows=rows)
        except (TransitionRefused, ValidationError) as error:
            problems = [reason_of(error)]
        else:
            messages.success(request, "The match funding is saved.")
            return redirect(back)
    return render(
        request,
        "grants/money/match_funding_form.html",
        {"formset": formset, "award": award, "cancel_url": back, "problems": problems},
    )


# Budget against actual -----------------------------------------------------------------------


def _subject(request, kind: str, pk: int):
    user = request.user
    sources = {
        "award": lambda: grant_selectors.award_list(user=user, include_archived=True),
        "project": lambda: project_list(user=user),
        "partnership": lambda: partnership_list(user=user),
        "programme": lambda: grant_selectors.programme_list(user=user),
        "funder": lambda: organisation_list(user=user).filter(funded_programmes__isnull=False).distinct(),
    }
    if kind not in sources:
        raise Http404("Not found")
    return get_visible_or_404(sources[kind](), pk=pk)


@login_required
def budget_against_actual(request, kind, pk):
    subject = _subject(request, kind, pk)
    awards = selectors.awards_for(user=request.user, kind=kind, pk=pk)
    report = selectors.budget_against_actual(awards=awards)
    return render(
        request,
        "grants/money/budget_against_actual.html",
        {"subject": subject, "kind": kind, "report": report, "match": report.match},
    )


# Variations ----------------------------------------------------------------------------------


@login_required
def variation_create(request, pk):
    award = get_visible_or_404(grant_selectors.award_list(user=request.user, include_archived=True), pk=pk)
    back = reverse("grants:award_detail", args=[award.pk])
    refusal = services.variation_request_refusal(award, request.user)
    if refusal is not None:
        return refused(request, refusal, back)
    form = VariationForm(request.POST or None)
    categories = award.programme.budget_categories.all()
    lined = award.budget_lines.exists()
    years = max([line.year for line in award.budget_lines.all()] or [1])
    grid = (
        BudgetGridForm(request.POST or None, categories=categories, years=years, signed=True, prefix="move")
        if lined
        else None
    )
    if request.method == "POST" and form.is_valid() and (grid is None or grid.is_valid()):
        data = dict(form.cleaned_data)
        data["amount_change"] = data.get("amount_change") or 0
        try:
            variation = services.variation_request(
                award=award, actor=request.user, lines=grid.cleaned_data["lines"] if grid else (), **data
            )
        except (TransitionRefused, ValidationError) as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, f"Variation {variation.number} is requested; a programme manager decides it.")
            return redirect("grants:variation_detail", pk=variation.pk)
    return render(
        request,
        "grants/money/variation_form.html",
        {"form": form, "grid": grid, "award": award, "cancel_url": back},
    )


@login_required
def variation_detail(request, pk):
    variation = get_visible_or_404(selectors.variation_list(user=request.user), pk=pk)
    return render(
        request,
        "grants/money/variation_detail.html",
        {
            "variation": variation,
            "lines": variation.lines.select_related("category"),
            "history": history(variation),
            "transitions": available_transitions(variation, request.user),
            "transition_url": reverse("grants:variation_transition", args=[variation.pk, "__name__"]),
        },
    )


@login_required
def variation_transition(request, pk, name):
    variation = get_visible_or_404(selectors.variation_list(user=request.user), pk=pk)
    return take_transition(
        request,
        obj=variation,
        name=name,
        run=lambda obj, step, actor, note: services.variation_transition(
            variation=obj, name=step, actor=actor, note=note
        ),
        next_url=reverse("grants:variation_detail", args=[variation.pk]),
    )


# Money by year -------------------------------------------------------------------------------


@login_required
def money_by_year(request):
    kind = request.GET.get("year", "financial")
    by = request.GET.get("by", "programme")
    if kind not in KINDS:
        kind = "financial"
    if by not in ("programme", "funder"):
        by = "programme"
    tables = selectors.money_by_year(user=request.user, kind=kind, by=by)
    return render(
        request,
        "grants/money/money_by_year.html",
        {"tables": tables, "kind": kind, "by": by, "kinds": KINDS, "kind_label": KINDS[kind][0]},
    )


def award_money_context(award, user) -> dict:
    """What the award page shows of its budget and variations (a fixed handful of queries)."""
    variations = list(
        Variation.objects.filter(award=award).select_related("requested_by", "decided_by").order_by("number")
    )
    approved_change = sum((v.amount_change for v in variations if v.state == Variation.State.APPROVED), ZERO)
    match = list(award.match_funding.all())
    return {
        "match_funding": match,
        "match_total": sum((m.amount for m in match), ZERO),
        "budget": selectors.award_budget(award),
        "variations": variations,
        "original_awarded": (award.amount_awarded or ZERO) - approved_change,
        "can_edit_budget": award_edit_refusal(award, user) is None and award.programme.budget_categories.exists(),
        "can_request_variation": services.variation_request_refusal(award, user) is None,
        "can_edit_match": award_edit_refusal(award, user) is None,
        **cofunding_context(award, user),
    }

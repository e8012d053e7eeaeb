"""Every admin add and change form × every related field it offers × an id from the other side.

As side B's partner, funder and programme manager (all staff): each form is opened on B's own work,
filled so that it would save (checked in a savepoint that is rolled back), and then posted again
with one related field — in the main form or in a new inline row — pointing at side A's object
instead. The answer must be exactly the answer to an id that does not exist ("Select a valid
choice…"), and nothing may be written anywhere.

A model newly registered in the admin fails `test_every_admin_form_is_in_the_sweep` until it has a
row in ADMIN_FORMS; an inline that takes new rows fails the sweep until it has one in NEW_ROWS; a
related field that takes another organisation's id on purpose (the public directory) must be named
in DIRECTORY_FIELDS."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms import ModelChoiceField
from django.forms.models import model_to_dict
from django.urls import reverse

from partnerships.models import PartnershipMember, ProjectPartner
from reporting import services as reporting_services
from reporting.models import ReportingSchedule
from tests import factories as f
from tests.admin_forms import admin_form_data, form_errors
from tests.helpers import force_state

MISSING_ID = 987654321


@dataclass(frozen=True)
class Form:
    change: str | None  # the side-B object whose change form is swept (None: B has none of these)
    add: object = None  # callable(world, b) -> the add form's values, or None: adding is refused


ADMIN_ONLY = Form(change=None)  # Django-permission admins: any non-administrator is refused at the door

ADMIN_FORMS = {
    "grants.fundingprogramme": Form(
        "programme",
        lambda w, b: {
            "name": "B second fund",
            "funder": w.funder_org_b.pk,
            "managed_by": w.central_b.pk,
            "partnership": w.partnership_b.pk,
            "budget": "1000",
            "currency": "GBP",
            "opens_on": "2026-01-01",
            "closes_on": "2027-01-01",
            "identifier_prefix": "360G-BSEC",
        },
    ),
    "grants.award": Form(
        "award_draft",
        lambda w, b: {
            "programme": w.programme_b.pk,
            "recipient": w.partner_org_b.pk,
            "project": b["project"].pk,
            "partnership": w.partnership_b.pk,
            "title": "B bid",
            "amount_requested": "500",
            "reporting_frequency": "termly",
            "currency": "GBP",
        },
    ),
    "grants.payment": Form(
        "payment",
        lambda w, b: {
            "award": b["award"].pk,
            "due_on": "2026-06-30",
            "amount": "100",
            "gated_on_update": b["update"].pk,
            "reference": "",
        },
    ),
    "partnerships.partnership": Form(
        "partnership",
        lambda w, b: {
            "name": "B second partnership",
            "region": b["region"].pk,
            "lead_organisation": w.central_b.pk,
            "starts_on": "2026-01-01",
            "ends_on": "2027-01-01",
            "aims": "",
        },
    ),
    "partnerships.project": Form(
        "project",
        lambda w, b: {
            "partnership": w.partnership_b.pk,
            "title": "B second project",
            "lead_organisation": w.partner_org_b.pk,
            "theme": "peer_review",
            "summary": "Pairs of schools.",
        },
    ),
    "partnerships.organisation": Form(
        "organisation",
        lambda w, b: {
            "name": "B new school",
            "kind": "school",
            "identifier": "GB-EDU-990001",
            "trust": w.partner_org_b.pk,
        },
    ),
    "grants.budgetcategory": Form(
        "category", lambda w, b: {"programme": w.programme_b.pk, "name": "B travel", "finance_code": "7400"}
    ),
    "grants.budgetline": Form("budgetline"),
    "grants.variation": Form("variation"),
    "grants.paymentrun": Form("run"),
    "grants.matchfunding": Form("match_funding"),
    "grants.awardshare": Form("award_share"),
    "partnerships.region": Form("region"),
    "partnerships.subregion": Form("sub_region"),
    "partnerships.localauthority": Form("local_authority"),
    "accounts.organisationmembership": ADMIN_ONLY,
    "reporting.indicator": Form(
        "indicator",
        lambda w, b: {
            "award": b["award"].pk,
            "name": "Teachers trained",
            "unit": "teachers",
            "baseline": "0",
            "target": "20",
            "direction": "increase",
            "cumulative": "on",
        },
    ),
    "reporting.evaluation": Form("evaluation", lambda w, b: {"project": b["project_eval"].pk, "lessons": "Pairs."}),
    "reporting.reportingschedule": Form(
        "schedule",
        lambda w, b: {
            "project": b["project_eval"].pk,
            "frequency": "termly",
            "starts_on": "2026-01-05",
            "ends_on": "2026-12-18",
        },
    ),
    "reporting.progressupdate": Form("update"),
    "reporting.indicatorresult": Form("result"),
    "reporting.evidencefile": Form("evidence"),
    "reporting.sentreminder": ADMIN_ONLY,
    "workflow.transitionlog": ADMIN_ONLY,
    "workflow.moneychange": ADMIN_ONLY,
    "accounts.auditevent": ADMIN_ONLY,
    "accounts.erasedperson": ADMIN_ONLY,
    "accounts.organisationemaildomain": ADMIN_ONLY,
    "auth.user": ADMIN_ONLY,
    "auth.group": ADMIN_ONLY,
    "authtoken.tokenproxy": ADMIN_ONLY,
    "axes.accessattempt": ADMIN_ONLY,
    # Read-only for everyone (changes go through the pages and the API); B has none of these.
    "assessment.call": Form(change=None),
    "assessment.application": Form(change=None),
    "assessment.assignment": Form(change=None),
    "assessment.conflict": Form(change=None),
    "assessment.attachment": Form(change=None),
    # A call's managers set its criteria here too; B's call opens next week, so they can still change.
    "assessment.criterion": Form(
        "criterion", lambda w, b: {"call": b["call"].pk, "title": "B reach", "weight": "10", "scale_max": "5"}
    ),
    "axes.accesslog": ADMIN_ONLY,
    "axes.accessfailurelog": ADMIN_ONLY,
    # Support matching: managers record needs and offers on the pages; here they correct details.
    "support.need": Form("need"),
    "support.offer": Form("offer"),
    "support.match": Form("match"),
    "support.supportarea": Form("support_area", lambda w, b: {"partnership": w.partnership_b.pk, "name": "B area"}),
    "support.matchingsettings": Form(
        "matching_settings",
        lambda w, b: {
            "partnership": b["partnership_without_settings"].pk,
            **{f"weight_{n}": "2" for n in ("areas", "evidence", "capacity", "distance", "phase", "difference")},
        },
    ),
}

# A new row for every inline that takes one: (world, b) -> its values.
NEW_ROWS = {
    "partnerships.partnershipmember": lambda w, b: {"organisation": w.partner_org_b.pk, "role": "member"},
    # A project's partner is its partnership's lead or a member (the service refuses any other).
    "partnerships.projectpartner": lambda w, b: {"organisation": w.central_b.pk, "receives_support": "on"},
}

# Side A's object of each kind a related field can point at.
SIDE_A = {
    "partnerships.organisation": lambda w, a: w.central,
    "partnerships.partnership": lambda w, a: w.partnership,
    "partnerships.project": lambda w, a: a["project"],
    "grants.fundingprogramme": lambda w, a: w.programme,
    "grants.award": lambda w, a: a["award"],
    "reporting.progressupdate": lambda w, a: a["update"],
    "assessment.call": lambda w, a: a["call"],
    # An inline row's own id: another partnership's or project's row.
    "partnerships.partnershipmember": lambda w, a: PartnershipMember.objects.get_or_create(
        partnership=w.partnership, organisation=w.partner_org
    )[0],
    "partnerships.projectpartner": lambda w, a: ProjectPartner.objects.get_or_create(
        project=a["project"], organisation=w.partner_org, defaults={"receives_support": True}
    )[0],
}
# Shared reference data: every region is everyone's, so there is no other side's to try.
SHARED = {"partnerships.region", "partnerships.localauthority", "partnerships.subregion"}
# Fields that take any organisation in the directory by design (a manager enters a bid or a project on a
# school's behalf, names a school's trust, adds a member or partner); the service decides the rest.
DIRECTORY_FIELDS = {
    ("grants.fundingprogramme", "funder"),
    ("grants.award", "recipient"),
    ("partnerships.project", "lead_organisation"),
    ("partnerships.organisation", "trust"),
    ("partnerships.partnershipmember", "organisation"),
    ("partnerships.projectpartner", "organisation"),
}
ROLES = ("partner_b", "funder_b", "manager_b")


@pytest.fixture
def side_b(world, media):
    project = f.ProjectFactory(partnership=world.partnership_b, lead_organisation=world.partner_org_b)
    project_eval = force_state(
        f.ProjectFactory(partnership=world.partnership_b, lead_organisation=world.partner_org_b), "in_evaluation"
    )
    award = f.AwardFactory(
        programme=world.programme_b, recipient=world.partner_org_b, project=project, amount_requested=Decimal("9000")
    )
    award.__class__.objects.filter(pk=award.pk).update(amount_awarded=Decimal("9000"))
    award = force_state(award, "active")
    update = f.ProgressUpdateFactory(award=award)
    indicator = f.IndicatorFactory(award=award)
    local_authority = f.LocalAuthorityFactory()
    evidence = reporting_services.evidence_add(
        update=update, actor=world.partner_b, upload=SimpleUploadedFile("register.txt", b"attendance\n")
    )
    update = force_state(update, "submitted")  # a manager reads an update once it is submitted
    money_objects = _side_b_money(world, award)
    return {
        **money_objects,
        "programme": world.programme_b,
        "partnership": world.partnership_b,
        "organisation": world.central_b,
        "project": project,
        "project_eval": project_eval,
        "award": award,
        "award_draft": f.AwardFactory(programme=world.programme_b, recipient=world.partner_org_b),
        "payment": f.PaymentFactory(award=award, amount=Decimal("1000")),
        "update": update,
        "indicator": indicator,
        "result": f.IndicatorResultFactory(update=update, indicator=indicator),
        "evidence": evidence,
        "evaluation": f.EvaluationFactory(project=project_eval, author=world.manager_b),
        "schedule": ReportingSchedule.objects.create(
            award=award, frequency="termly", starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 12, 18)
        ),
        "region": local_authority.region,
        "sub_region": local_authority.sub_region,
        "local_authority": local_authority,
        **_support_side_b(world),
        **_assessment_side_b(world),
    }


def _assessment_side_b(world) -> dict:
    from assessment import services as assessment_services

    now = dt.datetime.now(dt.UTC)
    call = assessment_services.call_create(
        actor=world.manager_b,
        programme=world.programme_b,
        title="B round",
        opens_at=now + dt.timedelta(days=7),
        closes_at=now + dt.timedelta(days=30),
    )
    criterion = assessment_services.criterion_add(call=call, actor=world.manager_b, title="B need", weight=50)
    return {"call": call, "criterion": criterion}


def _support_side_b(world) -> dict:
    from support import services as support_services
    from support.models import Match, SupportArea

    # In a second partnership of B's, so partnership_b's own member rows stay as its sweep expects them.
    partnership = f.PartnershipFactory(name="B second partnership for support", lead_organisation=world.central_b)
    giver = f.OrganisationFactory(name="B giving school", kind="school")
    needing = f.OrganisationFactory(name="B needing school", kind="school")
    for org in (needing, giver):
        PartnershipMember.objects.get_or_create(partnership=partnership, organisation=org)
    area = SupportArea.objects.create(partnership=partnership, name="B attendance")
    need = support_services.need_create(
        actor=world.manager_b,
        partnership=partnership,
        organisation=needing,
        areas=[area],
        title="B need",
        phase="repair",
    )
    offer = support_services.offer_create(
        actor=world.manager_b,
        partnership=partnership,
        organisation=giver,
        areas=[area],
        title="B offer",
        capacity_days=3,
        available_until=dt.date(2030, 7, 31),
    )
    return {
        "need": need,
        "offer": offer,
        "match": Match.objects.create(need=need, offer=offer, days=1),
        "support_area": area,
        "matching_settings": support_services.matching_settings_save(partnership=partnership, actor=world.manager_b),
        "partnership_without_settings": f.PartnershipFactory(
            name="B third partnership", lead_organisation=world.central_b
        ),
    }


def _side_b_money(world, award) -> dict:
    from django.utils import timezone

    from grants.models import AwardShare, BudgetLine, MatchFunding
    from grants.money import services as money

    category = money.budget_category_save(programme=world.programme_b, actor=world.manager_b, name="B staffing")
    line = BudgetLine.objects.create(award=award, category=category, year=1, requested=Decimal("9000"))
    variation = money.variation_request(
        award=award, actor=world.partner_b, kind="scope", reason="More schools", scope_change="Two more schools"
    )
    payment = f.PaymentFactory(award=award, amount=Decimal("500"), due_on=dt.date(2026, 4, 1))
    force_state(payment, "approved")
    run = money.payment_run_export(actor=world.manager_b, organisation=world.central_b, due_by=dt.date(2026, 4, 1))
    match = MatchFunding.objects.create(award=award, source="B's council", amount=Decimal("100"))
    share = AwardShare.objects.create(
        award=award, programme=world.programme_b, amount=award.amount_awarded or Decimal("0"), set_at=timezone.now()
    )
    return {
        "category": category,
        "budgetline": line,
        "variation": variation,
        "run": run,
        "match_funding": match,
        "award_share": share,
    }


def test_every_admin_form_is_in_the_sweep():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered - set(ADMIN_FORMS) == set(), "registered in the admin but not in ADMIN_FORMS"
    assert set(ADMIN_FORMS) - registered == set(), "in ADMIN_FORMS but no longer registered"


def written(b) -> dict:
    """Every row count in the project's own apps, and side B's objects as they stand."""
    counts = {
        model._meta.label: model.objects.count()
        for app in ("accounts", "partnerships", "grants", "reporting", "workflow", "auth")
        for model in apps.get_app_config(app).get_models()
    }
    objects = {key: model_to_dict(obj.__class__.objects.get(pk=obj.pk)) for key, obj in b.items() if hasattr(obj, "pk")}
    return {"counts": counts, "objects": objects}


def _urls(label: str, spec: Form, b) -> list[tuple[str, str, object]]:
    app, model = label.split(".")
    urls = [("add", reverse(f"admin:{app}_{model}_add"), None)]
    if spec.change:
        urls.append(("change", reverse(f"admin:{app}_{model}_change", args=[b[spec.change].pk]), b[spec.change]))
    return urls


def _with_new_rows(response, data: dict, world, b, problems: list, where: str) -> dict[str, str]:
    """Add one new row to every inline that takes one; return {data key: related model label} for
    every related field on the page (main form, existing rows, the new rows)."""
    context = response.context
    form = context["adminform"].form
    label = form._meta.model._meta.label_lower
    related = {
        form[name].html_name: (label, name, field.queryset.model._meta.label_lower)
        for name, field in form.fields.items()
        if isinstance(field, ModelChoiceField)
    }
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        inline_label = formset.model._meta.label_lower
        rows = list(formset.forms)
        if inline.has_add_permission:
            if inline_label not in NEW_ROWS:
                problems.append(f"{where}: the {inline_label} inline takes new rows but is not in NEW_ROWS")
                continue
            total = int(data[f"{formset.prefix}-TOTAL_FORMS"])
            data[f"{formset.prefix}-TOTAL_FORMS"] = str(total + 1)
            for name, value in NEW_ROWS[inline_label](world, b).items():
                data[f"{formset.prefix}-{total}-{name}"] = value
            rows.append(formset._construct_form(total, data=None))
        for row in rows:
            for name, field in row.fields.items():
                if isinstance(field, ModelChoiceField) and name != formset.fk.name:
                    related[row[name].html_name] = (inline_label, name, field.queryset.model._meta.label_lower)
    return related


def _accepted(client, url, data) -> bool:
    """Would the form save as filled? Asked in a savepoint that is then rolled back."""
    with transaction.atomic():
        response = client.post(url, data)
        transaction.set_rollback(True)
    return response.status_code == 302


def sweep_form(client, url, obj, spec, world, side_a, b, where, problems) -> int:
    response = client.get(url)
    if response.status_code != 200:
        return 0
    data = admin_form_data(response)
    if obj is not None and not response.context["has_change_permission"]:
        # Shown read-only: no related field on the page, and a POST is refused, writing nothing.
        offered = [
            n for n, fld in response.context["adminform"].form.fields.items() if isinstance(fld, ModelChoiceField)
        ]
        if offered:
            problems.append(f"{where}: read-only, yet offers {offered}")
        return 0
    if obj is None:
        data.update(spec.add(world, b))
    related = _with_new_rows(response, data, world, b, problems, where)
    if not _accepted(client, url, data):
        problems.append(f"{where}: B's own form does not save: {form_errors(client.post(url, data))}")
        return 0
    tried = 0
    for key, (owner, name, target) in related.items():
        if target in SHARED or (owner, name) in DIRECTORY_FIELDS:
            continue
        if target not in SIDE_A:
            problems.append(f"{where}: {key} points at {target}, which has no side-A object in SIDE_A")
            continue
        other_id = SIDE_A[target](world, side_a).pk
        before = written(b)
        tried += 1
        other = client.post(url, {**data, key: other_id})
        missing = client.post(url, {**data, key: MISSING_ID})
        errors, expected = form_errors(other).get(key), form_errors(missing).get(key)
        if other.status_code != 200 or not expected or errors != expected:
            problems.append(f"{where} {key}=A: {other.status_code} {errors!r}, a missing id: {expected!r}")
        if written(b) != before:
            problems.append(f"{where} {key}=A: something was written")
    return tried


def test_admin_forms_refuse_the_other_sides_ids_like_missing_ones(client, world, side_a, side_b):
    client.raise_request_exception = False
    problems, tried, opened = [], 0, 0
    for role in ROLES:
        user = getattr(world, role)
        user.is_staff = True
        user.save()
        client.force_login(user)
        for label, spec in ADMIN_FORMS.items():
            for mode, url, obj in _urls(label, spec, side_b):
                where = f"{role} {mode} {label}"
                status = client.get(url).status_code
                if status >= 500:
                    problems.append(f"{where}: {status}")
                    continue
                if status == 200:
                    opened += 1
                    if role != "manager_b" or spec is ADMIN_ONLY:
                        problems.append(f"{where}: opened")
                    elif obj is None and spec.add is None:
                        problems.append(f"{where}: opened, but ADMIN_FORMS says adding is refused")
                    else:
                        tried += sweep_form(client, url, obj, spec, world, side_a, side_b, where, problems)
                elif role == "manager_b" and spec is not ADMIN_ONLY and (obj is not None or spec.add):
                    problems.append(f"{where}: {status}, but ADMIN_FORMS says B's manager may open it")
                if role == "manager_b" and spec is not ADMIN_ONLY:
                    continue  # B's manager may save B's own forms: swept field by field above
                before = written(side_b)
                client.post(url, {"name": "hostile", "award": side_a["award"].pk, "project": side_a["project"].pk})
                if written(side_b) != before:
                    problems.append(f"{where}: a bare POST wrote something")
    assert not problems, "\n".join(problems)
    assert opened >= 20 and tried >= 20, (opened, tried)

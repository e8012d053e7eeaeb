"""Reaching another organisation's objects by id: every URL in the project that takes an object id,
found by walking the URL resolver (pages, API details and actions, report and evidence downloads,
step POSTs, edit forms, the admin), requested by side B's partner, funder and programme manager with
side A's ids, by GET and by POST. Never a 5xx, never side A's data, never a change to side A's work;
ids that are huge, negative or not numbers are a plain 404 (or the admin's redirect), never a 500.

A new URL that takes an id fails `test_every_id_url_is_covered` until it is added to TARGETS below."""

import re

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver

from assessment.models import Application, Attachment, Criterion
from grants.models import Award, BudgetCategory, Payment, Variation
from partnerships.models import Project
from reporting.models import EvidenceFile, Indicator, ProgressUpdate

from .conftest import SECRET

ID_KWARGS = {"pk", "award_pk", "object_id", "content_type_id"}

# URL name (or, for the API and the admin, its basename/model) -> the side-A object whose id it takes.
PAGES = {
    "reports:award": "award",
    "reports:project": "project",
    "reports:partnership": "partnership",
    "reports:portfolio": "funder",
    "reports-api:award": "award",
    "reports-api:project": "project",
    "reports-api:partnership": "partnership",
    "reports-api:portfolio": "funder",
    "reporting:update_detail": "update",
    "reporting:update_edit": "update",
    "reporting:update_transition": "update",
    "reporting:evidence_download": "evidence",
    "reporting:evidence_remove": "evidence",
    "reporting:schedule": "award",  # and project: see SUBJECT_KINDS
    "reporting:evaluation_edit": "award",
    "reporting:indicators": "award",  # and project
    "reporting:indicator_edit": "indicator",
    "reporting:indicator_confirm": "indicator",
    "partnerships:partnership_detail": "partnership",
    "partnerships:partnership_edit": "partnership",
    "partnerships:partnership_member_add": "partnership",
    "partnerships:project_detail": "project",
    "partnerships:project_edit": "project",
    "partnerships:project_transition": "project",
    "grants:programme_detail": "programme",
    "grants:programme_edit": "programme",
    "grants:award_detail": "award",
    "grants:award_edit": "award",
    "grants:award_transition": "award",
    "grants:payment_create": "award",
    "grants:payment_detail": "payment",
    "grants:payment_edit": "payment",
    "grants:payment_transition": "payment",
    "assessment:call_detail": "call",
    "assessment:call_edit": "call",
    "assessment:criterion_add": "call",
    "assessment:call_apply": "call",
    "assessment:call_panel": "call",
    "assessment:call_export": "call",
    "assessment:application_detail": "application",
    "assessment:application_edit": "application",
    "assessment:application_organisation_add": "application",
    "assessment:application_submit": "application",
    "assessment:application_assign": "application",
    "assessment:application_decide": "application",
    "assessment:application_feedback": "application",
    "assessment:application_interest": "application",
    "assessment:application_pdf": "application",
    "assessment:application_organisation_remove": "bid_organisation",
    "assessment:assessment_detail": "assessment",
    "assessment:assessment_declare": "assessment",
    "assessment:assessment_reopen": "assessment",
    "assessment:criterion_edit": "criterion",
    "assessment:criterion_remove": "criterion",
    "assessment:application_section": "application",
    "assessment:attachment_add": "application",
    "assessment:application_invitation": "application",
    "assessment:attachment_download": "attachment",
    "assessment:attachment_remove": "attachment",
    "support:need_detail": "need",
    "support:need_edit": "need",
    "support:need_step": "need",
    "support:need_accept": "need",
    "support:need_agree": "need",
    "support:match_decline": "match",
    "support:offer_detail": "offer",
    "support:offer_edit": "offer",
    "support:offer_step": "offer",
    "support:organisation_history": "organisation",
    "support:partnership_settings": "partnership",
    "grants:payment_run_detail": "run",
    "grants:payment_run_download": "run",
    "grants:budget_categories": "programme",
    "grants:budget_category_edit": "category",
    "grants:award_budget_edit": "award",
    "grants:budget_against_actual": "award",
    "grants:variation_create": "award",
    "grants:match_funding_edit": "award",
    "grants:award_shares_edit": "award",
    "grants:variation_detail": "variation",
    "grants:variation_transition": "variation",
}
API_BASENAMES = {
    "organisation": "organisation",  # the organisation directory is public to signed-in people
    "local-authority": None,  # shared reference data
    "partnership": "partnership",
    "project": "project",
    "programme": "programme",
    "award": "award",
    "payment": "payment",
    "indicator": "indicator",
    "update": "update",
    "evaluation": "evaluation",
    "transition": "transition",
    "money-change": "money",
    "evidence": "evidence",
    "schedule": "schedule",
    "call": "call",
    "application": "application",
    "assessment": "assessment",
    "conflict": "conflict",
    "criteria": "criterion",
    "attachment": "attachment",
    "need": "need",
    "offer": "offer",
    "budget-category": "category",
    "budget-line": "budgetline",
    "variation": "variation",
    "payment-run": "run",
    "match-funding": "match_funding",
    "award-share": "award_share",
    "financial-year": None,  # a report over what the person sees, no object of anyone's
}
ADMIN_MODELS = {
    "partnerships_organisation": "organisation",
    "accounts_organisationmembership": "membership",
    "partnerships_partnership": "partnership",
    "partnerships_project": "project",
    "grants_fundingprogramme": "programme",
    "grants_award": "award",
    "grants_payment": "payment",
    "grants_budgetcategory": "category",
    "grants_budgetline": "budgetline",
    "grants_variation": "variation",
    "grants_paymentrun": "run",
    "grants_matchfunding": "match_funding",
    "grants_awardshare": "award_share",
    "reporting_indicator": "indicator",
    "reporting_progressupdate": "update",
    "reporting_indicatorresult": "result",
    "reporting_evaluation": "evaluation",
    "reporting_reportingschedule": "schedule",
    "reporting_evidencefile": "evidence",
    "workflow_transitionlog": "transition",
    "workflow_moneychange": "money",
    "auth_user": "user",
    "authtoken_tokenproxy": "user",
    # Not any organisation's: shared reference data, the login log, groups, the audit log, reminders sent.
    "partnerships_region": None,
    "partnerships_subregion": None,
    "partnerships_localauthority": None,
    "auth_group": None,
    "axes_accessattempt": None,
    "axes_accesslog": None,
    "axes_accessfailurelog": None,
    "accounts_auditevent": None,
    "reporting_sentreminder": None,
    "assessment_call": "call",
    "assessment_application": "application",
    "assessment_assignment": "assessment",
    "assessment_conflict": "conflict",
    "assessment_criterion": "criterion",
    "assessment_attachment": "attachment",
    "accounts_erasedperson": None,  # pseudonyms only, administrators only
    "accounts_organisationemaildomain": None,  # administrators only
    "support_need": "need",
    "support_offer": "offer",
    "support_match": "match",
    "support_supportarea": "support_area",
    "support_matchingsettings": "matching_settings",
}
NOT_OBJECTS = {"password_reset_confirm", "admin:view_on_site", "admin:app_list"}
# A step each kind of object could take next, so a step POST is a real attempt.
STEPS = {
    "update": "accept",
    "project": "put_on_hold",
    "award": "suspend",
    "payment": "approve",
    "variation": "approve",
}
# The directory (organisation names and identifiers) is visible to every signed-in person by design.
DIRECTORY = {"organisation"}
REFUSED = {403, 404, 405}


def walk(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace + (entry.name or ""), entry


def id_patterns():
    """(route, name, pattern) for every URL that takes an object id (format-suffix twins left out)."""
    for route, name, entry in walk():
        groups = set(entry.pattern.regex.groupindex) if not hasattr(entry.pattern, "converters") else set()
        groups |= set(getattr(entry.pattern, "converters", {}))
        groups |= set(re.findall(r"\(\?P<(\w+)>", route))
        if groups & ID_KWARGS and "format" not in groups:
            yield route, name, groups


def target_of(route: str, name: str):
    """('page'|'api'|'admin', key) where key names the side-A object (None: not an organisation's)."""
    if name in PAGES:
        return "page", PAGES[name]
    if name.startswith("api:"):
        basename = re.match(r"api/v1/\^([\w-]+)/", route).group(1)
        singular = basename.rstrip("s").replace("local-authoritie", "local-authority")
        return "api", API_BASENAMES[singular.replace("-categorie", "-category")]
    if route.startswith("admin/"):
        match = re.match(r"admin/(\w+)/(\w+)/", route)
        return "admin", ADMIN_MODELS[f"{match.group(1)}_{match.group(2)}"]
    raise KeyError(name)


def fill(route: str, values: dict) -> str:
    """The URL for `route` with each <converter:name> / (?P<name>...) replaced by values[name]."""
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), route)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), url)
    return "/" + url.replace("^", "").replace("$", "").replace("\\", "")


def test_every_id_url_is_covered():
    missing = []
    for route, name, _groups in id_patterns():
        if name in NOT_OBJECTS:
            continue
        try:
            target_of(route, name)
        except (KeyError, AttributeError):
            missing.append(f"{name or '(unnamed)'}: {route}")
    assert not missing, "URLs that take an id but are not in the sweep:\n" + "\n".join(missing)
    assert len(list(id_patterns())) > 150  # the walk found the admin, the API and the pages


def side_a_names(world) -> list[str]:
    return [world.central.name, world.funder_org.name, world.partner_org.name, world.partnership.name]


def requests_for(side_a, kind_filter):
    """Every (method, url, key) to try, with side A's ids filled in."""
    for route, name, _groups in id_patterns():
        if name in NOT_OBJECTS:
            continue
        kind, key = target_of(route, name)
        if kind != kind_filter or key is None:
            continue
        subjects = [key]
        if name in ("reporting:schedule", "reporting:evaluation_edit", "reporting:indicators"):
            subjects = ["award", "project"]
        for subject in subjects:
            obj = side_a[subject]
            values = {
                "pk": obj.pk,
                "award_pk": obj.pk,
                "object_id": obj.pk,
                "kind": subject,
                "name": STEPS.get(subject, "approve"),
                "section": "project",
            }
            url = fill(route, values)
            for method in ("get", "post"):
                yield method, url, subject


def snapshot(side_a):
    return {
        "award": Award.objects.get(pk=side_a["award"].pk).state,
        "payment": Payment.objects.get(pk=side_a["payment"].pk).state,
        "project": Project.objects.get(pk=side_a["project"].pk).state,
        "update": ProgressUpdate.objects.get(pk=side_a["update"].pk).state,
        "evidence": EvidenceFile.objects.filter(pk=side_a["evidence"].pk).exists(),
        "amount": Award.objects.get(pk=side_a["award"].pk).amount_awarded,
        "support": [
            (fresh.state, getattr(fresh, "days_allocated", None))
            for fresh in (type(side_a[k]).objects.get(pk=side_a[k].pk) for k in ("need", "offer", "match"))
        ],
        "variation": Variation.objects.get(pk=side_a["variation"].pk).state,
        "category": BudgetCategory.objects.get(pk=side_a["category"].pk).name,
        "criteria": list(Criterion.objects.filter(call=side_a["call"]).values_list("pk", "title", "weight")),
        "attachment": Attachment.objects.filter(pk=side_a["attachment"].pk).exists(),
        "bid": Application.objects.filter(pk=side_a["application"].pk).values_list("project_summary").first(),
        "indicators": list(Indicator.objects.order_by("pk").values_list("pk", "target", "state", "name")),
    }


def sweep(client, world, side_a, kind_filter):
    before = snapshot(side_a)
    client.raise_request_exception = False  # a 500 is counted and listed, not raised at the first one
    names = side_a_names(world)
    problems = []
    tried = 0
    for role in ("partner_b", "funder_b", "manager_b"):
        client.force_login(getattr(world, role))
        for method, url, key in requests_for(side_a, kind_filter):
            tried += 1
            data = {"post": "yes", "note": "hostile"} if method == "post" else None
            response = getattr(client, method)(url, data)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode("utf-8", "replace")
            where = f"{role} {method.upper()} {url} -> {response.status_code}"
            if response.status_code >= 500:
                problems.append(f"{where}: server error")
                continue
            if SECRET in text:
                problems.append(f"{where}: shows side A's data")
            if key not in DIRECTORY and any(name in text for name in names):
                problems.append(f"{where}: names side A's organisation")
            if response.status_code == 302:
                location = response["Location"]
                if not ("/login/" in location or location.startswith("/admin/")):
                    problems.append(f"{where}: redirects to {location}")
                continue
            if response.status_code not in REFUSED and key not in DIRECTORY:
                problems.append(f"{where}: not refused")
    assert tried > 0
    assert not problems, f"{len(problems)} of {tried} requests:\n" + "\n".join(problems[:60])
    assert snapshot(side_a) == before, "side A's work changed"
    return tried


def test_pages_and_downloads_refuse_the_other_side(client, world, side_a):
    assert sweep(client, world, side_a, "page") > 150


def test_api_refuses_the_other_side(client, world, side_a):
    assert sweep(client, world, side_a, "api") > 150


def test_admin_refuses_the_other_side(client, world, side_a):
    assert sweep(client, world, side_a, "admin") > 300


def test_view_on_site_leads_nowhere_for_the_other_side(client, world, side_a):
    from django.contrib.contenttypes.models import ContentType

    client.force_login(world.manager_b)
    for key in ("award", "project", "payment", "update"):
        obj = side_a[key]
        content_type = ContentType.objects.get_for_model(obj)
        response = client.get(f"/admin/r/{content_type.pk}/{obj.pk}/", follow=True)
        assert response.status_code in REFUSED | {200}
        assert SECRET not in response.content.decode()


JUNK_IDS = [2**63, 2**63 - 1, 2**64, 10**30, -1, 0, "abc", "1e3", "0x10", "1.5", "%00", "..%2F..%2Fetc", "%F0%9F%92%A5"]


@pytest.mark.parametrize("kind", ["page", "api", "admin"])
def test_junk_ids_are_not_found_never_a_server_error(client, world, side_a, kind, settings):
    """As an administrator (who sees everything, so every lookup reaches the database)."""
    # Over a thousand POSTs in a few seconds: more than the API's write throttle lets one person make.
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "api_write": "100000/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    client.force_login(world.admin)
    client.raise_request_exception = False
    problems = []
    tried = 0
    for route, name, _groups in id_patterns():
        if name in NOT_OBJECTS or target_of(route, name)[0] != kind:
            continue
        cache.clear()  # the sweep is more writes a minute than the API's write throttle allows one person
        for junk in JUNK_IDS:
            values = {
                "pk": junk,
                "award_pk": junk,
                "object_id": junk,
                "kind": "award",
                "name": "approve",
                "section": "project",
            }
            url = fill(route, values)
            for method in ("get", "post"):
                tried += 1
                response = getattr(client, method)(url, {"post": "yes"} if method == "post" else None)
                ok = response.status_code in REFUSED or (
                    response.status_code == 302 and response["Location"].startswith("/admin/")
                )
                if not ok:
                    problems.append(f"{method.upper()} {url} -> {response.status_code}")
    assert tried > 100
    assert not problems, f"{len(problems)} of {tried}:\n" + "\n".join(problems[:60])

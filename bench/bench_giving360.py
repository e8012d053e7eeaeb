"""A funder's 360Giving file of 4,000 grants (the Lloyds Bank Foundation extract in tests/, its grants
repeated under new identifiers, recipients and programmes) through the preview (read + every check, nothing
written) and the import as awarded (organisations and programmes created, awards, transition and money logs),
printed beside `json` + `bulk_create` of the same organisations and awards in the same run (fresh SQLite file).

Aim: preview + import within 4 times bulk_create (which checks nothing and logs nothing). BENCH_GRANTS=4000
changes the size.
"""

import copy
import json
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRANTS = int(os.environ.get("BENCH_GRANTS", "4000"))
SOURCE = ROOT / "tests" / "exchange_formats" / "data" / "lloyds-bank-foundation.json"


def _file(folder: Path) -> Path:
    real = [g for g in json.loads(SOURCE.read_text())["grants"] if g.get("description")]
    grants = []
    for n in range(GRANTS):
        grant = copy.deepcopy(real[n % len(real)])
        grant["id"] = f"360G-BENCH-{n:06d}"
        grant["recipientOrganization"][0]["id"] = f"GB-CHC-{1100000 + n % 1500}"
        grant["grantProgramme"][0]["title"] = f"{grant['grantProgramme'][0]['title']} {n % 40}"
        grants.append(grant)
    path = folder / "bench-360giving.json"
    path.write_text(json.dumps({"grants": grants}))
    return path


def _bulk_create(path: Path, user) -> float:
    """The reference: read the JSON, create the organisations, programmes and awards in bulk, unchecked."""
    import datetime as dt

    from grants.models import Award, FundingProgramme
    from partnerships.models import Organisation

    start = time.perf_counter()
    grants = json.loads(path.read_text(), parse_float=Decimal)["grants"]
    funder = Organisation.objects.create(name="Bench funder", kind="funder", identifier="GB-CHC-9999990")
    orgs = {}
    for g in grants:
        org = g["recipientOrganization"][0]
        ref = f"GB-COH-R{org['id'][-7:]}"  # not the ids the import created in this database
        orgs.setdefault(ref, Organisation(identifier=ref, name=org["name"], kind="charity"))
    Organisation.objects.bulk_create(orgs.values())
    orgs = {o.identifier: o for o in Organisation.objects.filter(identifier__in=list(orgs))}
    programmes = {}
    for title in {g["grantProgramme"][0]["title"] for g in grants}:
        programmes[title] = FundingProgramme.objects.create(
            name=f"ref {title}", funder=funder, managed_by=funder, budget=Decimal("1e9"),
            opens_on="2010-01-01", closes_on="2030-01-01", identifier_prefix="360G-REF",
        )  # fmt: skip
    awards = []
    for g in grants:
        day = dt.date.fromisoformat(g["awardDate"][:10])
        awards.append(
            Award(
                identifier="REF-" + g["id"],
                programme=programmes[g["grantProgramme"][0]["title"]],
                recipient=orgs[f"GB-COH-R{g['recipientOrganization'][0]['id'][-7:]}"],
                title=g["title"][:400],
                description=g["description"],
                amount_requested=g["amountAwarded"],
                amount_awarded=g["amountAwarded"],
                award_date=day,
                state="closed",
                created_by=user,
            )  # fmt: skip
        )
    Award.objects.bulk_create(awards, batch_size=500)
    return time.perf_counter() - start


def worker(path: Path) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from grants import giving360
    from grants.models import Award
    from workflow.models import MoneyChange, TransitionLog

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-only")

    start = time.perf_counter()
    preview = giving360.import_grants(giving360.read_path(path), actor=user, dry_run=True, as_awarded=True)
    previewed = time.perf_counter() - start
    assert preview.ok and preview.to_import == GRANTS, preview.problem_lines()[:3]

    start = time.perf_counter()
    outcome = giving360.import_grants(giving360.read_path(path), actor=user, as_awarded=True)
    imported = time.perf_counter() - start
    assert outcome.created == GRANTS
    assert (
        TransitionLog.objects.count() == GRANTS and MoneyChange.objects.filter(field="amount_awarded").count() == GRANTS
    )

    reference = _bulk_create(path, user)
    assert Award.objects.count() == 2 * GRANTS

    def rate(seconds):
        return f"{GRANTS / seconds:>8,.0f} grants/s  ({seconds:.2f} s)"

    print(f"sqlite     json + bulk_create (unchecked)   {GRANTS:,} grants  {rate(reference)}")
    print(
        f"sqlite     preview (read, check, plan)       {GRANTS:,} grants  {rate(previewed)}  "
        f"{previewed / reference:.2f}x"
    )
    print(
        f"sqlite     import as awarded (logged)        {GRANTS:,} grants  {rate(imported)}  {imported / reference:.2f}x"
    )
    print(
        f"sqlite     preview + import                  {(previewed + imported) / reference:.2f}x bulk_create (aim: 4x)"
    )
    sys.stdout.flush()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _file(Path(folder))
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        subprocess.run(
            [sys.executable, "-m", "bench.bench_giving360", "--worker", str(path)], cwd=ROOT, env=env, check=True
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker(Path(sys.argv[2]))
    else:
        main()

"""Every English local authority, its region and (West Midlands) sub-region, from partnerships/data/."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "local_authorities.csv"

REGIONS = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
}

# The six West Midlands sub-regions, numbered as on the regional map (DOMAIN.md).
SUB_REGIONS = {
    "Stoke-on-Trent and Staffordshire": 1,
    "Herefordshire and Worcestershire": 2,
    "Coventry, Solihull and Warwickshire": 3,
    "Black Country": 4,
    "Shropshire, Telford and Wrekin": 5,
    "Birmingham": 6,
}


def load(apps, schema_editor):
    """Update by code, so a database that already holds some of them (the demo's) keeps their ids."""
    Region = apps.get_model("partnerships", "Region")
    SubRegion = apps.get_model("partnerships", "SubRegion")
    LocalAuthority = apps.get_model("partnerships", "LocalAuthority")
    regions = {}
    for code, name in REGIONS.items():
        regions[code] = Region.objects.filter(code=code).first() or Region(code=code)
        regions[code].name = name
        regions[code].save()
    west_midlands = regions["E12000005"]
    sub_regions = {}
    for name, number in SUB_REGIONS.items():
        sub_regions[name], _ = SubRegion.objects.update_or_create(
            name=name, defaults={"region": west_midlands, "number": number}
        )
    with DATA.open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows):
            la = (
                LocalAuthority.objects.filter(gss_code=row["gss_code"]).first()
                or LocalAuthority.objects.filter(dfe_code=row["dfe_code"]).first()
                or LocalAuthority(gss_code=row["gss_code"])
            )
            la.gss_code, la.dfe_code, la.name = row["gss_code"], row["dfe_code"], row["name"]
            la.region = regions[row["region_code"]]
            la.sub_region = sub_regions.get(row["sub_region"])
            la.save()


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0007_gias_fields")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

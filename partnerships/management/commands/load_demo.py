"""`python manage.py load_demo`: believable West Midlands demo data, safe to run again.

Everything is keyed on a stable natural key (ONS codes, org-ids, usernames, names, project references,
360Giving identifiers), so a second run updates reference data in place and creates nothing new.

Projects and awards are walked to their demo state through the real services (project_transition,
award_transition, payment_schedule, update_transition, evaluation_complete…), acting as the demo
managers and partners, so every state change and every amount leaves its trace in workflow.TransitionLog
and workflow.MoneyChange. A project or award that already exists is left exactly as it is, whatever has
happened to it since.

The local authorities' ONS and DfE codes and the charity numbers of the Paul Hamlyn Foundation and
The Dulverton Trust are real. The schools, their URNs, the trusts' company numbers and everybody's names
are invented for the demo.
"""

from collections import Counter
from datetime import date
from decimal import Decimal as D

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import roles
from accounts.models import OrganisationMembership
from grants.models import Award, FundingProgramme, Payment
from grants.services import award_create, award_transition, payment_schedule, payment_transition
from partnerships.models import (
    LocalAuthority,
    Organisation,
    Partnership,
    PartnershipMember,
    Project,
    ProjectPartner,
    Region,
    SubRegion,
)
from partnerships.services import project_create, project_transition
from reporting.models import Evaluation, Indicator, IndicatorResult, ProgressUpdate
from reporting.services import evaluation_complete, update_transition
from workflow.models import MoneyChange, TransitionLog
from workflow.services import log_money_change

# Geography ----------------------------------------------------------------------------------------

WEST_MIDLANDS, EAST_MIDLANDS = "E12000005", "E12000004"
REGIONS = [(WEST_MIDLANDS, "West Midlands"), (EAST_MIDLANDS, "East Midlands")]

# The six West Midlands sub-regions, numbered as on the regional map.
SUB_REGIONS = [
    (1, "Stoke-on-Trent and Staffordshire"),
    (2, "Herefordshire and Worcestershire"),
    (3, "Coventry, Solihull and Warwickshire"),
    (4, "Black Country"),
    (5, "Shropshire, Telford and Wrekin"),
    (6, "Birmingham"),
]

# name, ONS (GSS) code, DfE LA number, region, sub-region number
LOCAL_AUTHORITIES = [
    ("Birmingham", "E08000025", "330", WEST_MIDLANDS, 6),
    ("Coventry", "E08000026", "331", WEST_MIDLANDS, 3),
    ("Dudley", "E08000027", "332", WEST_MIDLANDS, 4),
    ("Sandwell", "E08000028", "333", WEST_MIDLANDS, 4),
    ("Solihull", "E08000029", "334", WEST_MIDLANDS, 3),
    ("Walsall", "E08000030", "335", WEST_MIDLANDS, 4),
    ("Wolverhampton", "E08000031", "336", WEST_MIDLANDS, 4),
    ("Herefordshire", "E06000019", "884", WEST_MIDLANDS, 2),
    ("Worcestershire", "E10000034", "885", WEST_MIDLANDS, 2),
    ("Shropshire", "E06000051", "893", WEST_MIDLANDS, 5),
    ("Telford and Wrekin", "E06000020", "894", WEST_MIDLANDS, 5),
    ("Staffordshire", "E10000028", "860", WEST_MIDLANDS, 1),
    ("Stoke-on-Trent", "E06000021", "861", WEST_MIDLANDS, 1),
    ("Warwickshire", "E10000031", "937", WEST_MIDLANDS, 3),
    ("Nottingham", "E06000018", "892", EAST_MIDLANDS, None),
    ("Nottinghamshire", "E10000024", "891", EAST_MIDLANDS, None),
    ("Derby", "E06000015", "831", EAST_MIDLANDS, None),
    ("Leicester", "E06000016", "856", EAST_MIDLANDS, None),
]

# Organisations ------------------------------------------------------------------------------------

SUMMIT = "GB-COH-07715348"
ROBIN_HOOD = "GB-COH-08291456"
TAME_VALLEY = "GB-COH-10384922"
SEVERN_BRIDGE = "GB-COH-11027735"
ARDEN_FOREST = "GB-COH-09876214"
POTTERIES = "GB-COH-08765431"
TRENT_VALLEY = "GB-COH-07993120"
FEA = "GB-CHC-1159393"
BEP = "GB-CHC-1161720"
INSPIRING_LEADERS = "GB-COH-10582377"
WMCA = "GB-LAE-WMCA"
BLOOMBERG = "GB-COH-04371928"
UBS = "GB-COH-02035362"
PHF = "GB-CHC-1102927"
DULVERTON = "GB-CHC-1146484"
WORCESTER_UNI = "GB-UKPRN-10007139"
BC_COLLEGE = "GB-EDU-130470"

COUNCILS = [
    ("GB-LAE-BIR", "Birmingham City Council", "Birmingham"),
    ("GB-LAE-COV", "Coventry City Council", "Coventry"),
    ("GB-LAE-DUD", "Dudley Metropolitan Borough Council", "Dudley"),
    ("GB-LAE-SAW", "Sandwell Metropolitan Borough Council", "Sandwell"),
    ("GB-LAE-SOL", "Solihull Metropolitan Borough Council", "Solihull"),
    ("GB-LAE-WLL", "Walsall Council", "Walsall"),
    ("GB-LAE-WLV", "City of Wolverhampton Council", "Wolverhampton"),
    ("GB-LAE-HEF", "Herefordshire Council", "Herefordshire"),
    ("GB-LAE-WOC", "Worcestershire County Council", "Worcestershire"),
    ("GB-LAE-SHR", "Shropshire Council", "Shropshire"),
    ("GB-LAE-TFW", "Telford & Wrekin Council", "Telford and Wrekin"),
    ("GB-LAE-STS", "Staffordshire County Council", "Staffordshire"),
    ("GB-LAE-STE", "Stoke-on-Trent City Council", "Stoke-on-Trent"),
    ("GB-LAE-WAR", "Warwickshire County Council", "Warwickshire"),
    ("GB-LAE-NGM", "Nottingham City Council", "Nottingham"),
    ("GB-LAE-DER", "Derby City Council", "Derby"),
]

# identifier, name, local authority
TRUSTS = [
    (SUMMIT, "Summit Learning Trust", "Solihull"),
    (ROBIN_HOOD, "Robin Hood Multi Academy Trust", "Birmingham"),
    (TAME_VALLEY, "Tame Valley Learning Trust", "Walsall"),
    (SEVERN_BRIDGE, "Severn Bridge Academy Trust", "Telford and Wrekin"),
    (ARDEN_FOREST, "Arden Forest Trust", "Coventry"),
    (POTTERIES, "Potteries Learning Partnership", "Stoke-on-Trent"),
    (TRENT_VALLEY, "Trent Valley Learning Trust", "Nottingham"),
]

# identifier, name, local authority, trust, pupils
SCHOOLS = [
    ("GB-EDU-148201", "Shirley Park Academy", "Solihull", SUMMIT, 1120),
    ("GB-EDU-148202", "Kings Heath Primary Academy", "Birmingham", SUMMIT, 455),
    ("GB-EDU-148203", "Acocks Green Primary Academy", "Birmingham", SUMMIT, 420),
    ("GB-EDU-148204", "Chelmsley Wood Primary Academy", "Solihull", SUMMIT, 380),
    ("GB-EDU-148205", "Hall Green Secondary Academy", "Birmingham", SUMMIT, 1030),
    ("GB-EDU-141310", "Yardley Wood Primary Academy", "Birmingham", ROBIN_HOOD, 390),
    ("GB-EDU-141311", "Billesley Common Primary Academy", "Birmingham", ROBIN_HOOD, 410),
    ("GB-EDU-141312", "Stirchley Park Primary Academy", "Birmingham", ROBIN_HOOD, 360),
    ("GB-EDU-145520", "Darlaston Green Primary Academy", "Walsall", TAME_VALLEY, 330),
    ("GB-EDU-145521", "Wednesbury Oak Academy", "Sandwell", TAME_VALLEY, 420),
    ("GB-EDU-145522", "Bilston Brook Primary Academy", "Wolverhampton", TAME_VALLEY, 300),
    ("GB-EDU-145523", "Tipton Canalside Primary Academy", "Sandwell", TAME_VALLEY, 270),
    ("GB-EDU-146701", "Ironbridge Gorge Primary Academy", "Telford and Wrekin", SEVERN_BRIDGE, 210),
    ("GB-EDU-146702", "Oakengates Academy", "Telford and Wrekin", SEVERN_BRIDGE, 880),
    ("GB-EDU-146703", "Much Wenlock Primary Academy", "Shropshire", SEVERN_BRIDGE, 180),
    ("GB-EDU-147410", "Foleshill Park Primary Academy", "Coventry", ARDEN_FOREST, 460),
    ("GB-EDU-147411", "Nuneaton Arbury Academy", "Warwickshire", ARDEN_FOREST, 1150),
    ("GB-EDU-144830", "Hanley Park Primary Academy", "Stoke-on-Trent", POTTERIES, 420),
    ("GB-EDU-144831", "Leek Moorlands Academy", "Staffordshire", POTTERIES, 950),
    ("GB-EDU-143960", "Sneinton Primary Academy", "Nottingham", TRENT_VALLEY, 390),
    ("GB-EDU-143961", "Alvaston Park Academy", "Derby", TRENT_VALLEY, 1010),
    ("GB-EDU-116820", "Malvern Vale Primary School", "Worcestershire", None, 310),
    ("GB-EDU-116821", "Leominster Meadows Primary School", "Herefordshire", None, 240),
    ("GB-EDU-103950", "Netherton Park Primary School", "Dudley", None, 280),
]

# identifier, name, kind, local authority
OTHER_ORGANISATIONS = [
    (WMCA, "West Midlands Combined Authority", "combined_authority", None),
    (BC_COLLEGE, "Black Country Sixth Form College", "college", "Wolverhampton"),
    (FEA, "Fair Education Alliance", "charity", None),
    (BEP, "Birmingham Education Partnership", "charity", "Birmingham"),
    (INSPIRING_LEADERS, "Inspiring Leaders", "charity", "Nottingham"),
    (BLOOMBERG, "Bloomberg Philanthropies", "funder", None),
    (UBS, "UBS", "funder", None),
    (PHF, "Paul Hamlyn Foundation", "funder", None),
    (DULVERTON, "The Dulverton Trust", "funder", None),
    (WORCESTER_UNI, "University of Worcester", "university", "Worcestershire"),
]

# People -------------------------------------------------------------------------------------------

MANAGER, FUNDER, PARTNER, ADMINISTRATOR = "manager", "funder", "partner", "administrator"

# username, first, last, email, is_staff, is_superuser, [(organisation, role, job title)], listed as a demo login
USERS = [
    (
        "admin",
        "Amrit",
        "Dhillon",
        "amrit.dhillon@summit-trust.example",
        True,
        True,
        [(SUMMIT, ADMINISTRATOR, "Data and systems lead")],
        True,
    ),
    (
        "manager",
        "Helen",
        "Cartwright",
        "helen.cartwright@summit-trust.example",
        True,
        False,
        [
            (SUMMIT, MANAGER, "Exchange programme lead"),
            (FEA, MANAGER, "West Midlands place lead"),
            (BEP, MANAGER, "Partnership manager (seconded)"),
        ],
        True,
    ),
    (
        "manager2",
        "Marcus",
        "Osei",
        "marcus.osei@faireducation.example",
        True,
        False,
        [
            (FEA, MANAGER, "Collaboration Partnership grants officer"),
            (SUMMIT, MANAGER, "Exchange programme officer"),
            (BEP, MANAGER, "Partnership officer"),
            (INSPIRING_LEADERS, MANAGER, "Regional partnerships manager"),
        ],
        True,
    ),
    (
        "funder",
        "Grace",
        "Whitfield",
        "grace.whitfield@bloomberg.example",
        False,
        False,
        [(BLOOMBERG, FUNDER, "Corporate philanthropy programme officer")],
        True,
    ),
    (
        "funder2",
        "Tom",
        "Bennett",
        "tom.bennett@phf.example",
        False,
        False,
        [(PHF, FUNDER, "Grants manager, education and learning")],
        True,
    ),
    (
        "partner",
        "Aisha",
        "Rahman",
        "aisha.rahman@tamevalley.example",
        False,
        False,
        [(TAME_VALLEY, PARTNER, "Director of school improvement")],
        True,
    ),
    (
        "partner2",
        "Gareth",
        "Lloyd",
        "gareth.lloyd@severnbridge.example",
        False,
        False,
        [(SEVERN_BRIDGE, PARTNER, "Chief executive")],
        True,
    ),
    (
        "sahmed",
        "Samina",
        "Ahmed",
        "samina.ahmed@robinhood-mat.example",
        False,
        False,
        [(ROBIN_HOOD, PARTNER, "Deputy CEO")],
        False,
    ),
    (
        "kdavies",
        "Kerry",
        "Davies",
        "kerry.davies@ardenforest.example",
        False,
        False,
        [(ARDEN_FOREST, PARTNER, "Head of school improvement")],
        False,
    ),
    (
        "nkaur",
        "Navdeep",
        "Kaur",
        "navdeep.kaur@bcsixthform.example",
        False,
        False,
        [(BC_COLLEGE, PARTNER, "Assistant principal, transitions")],
        False,
    ),
    (
        "pmorris",
        "Philip",
        "Morris",
        "philip.morris@potteries.example",
        False,
        False,
        [(POTTERIES, PARTNER, "Trust curriculum lead")],
        False,
    ),
    (
        "lokafor",
        "Louise",
        "Okafor",
        "louise.okafor@bep.example",
        False,
        False,
        [(BEP, PARTNER, "Wellbeing programme lead")],
        False,
    ),
    (
        "rwalker",
        "Ruth",
        "Walker",
        "ruth.walker@trentvalley.example",
        False,
        False,
        [(TRENT_VALLEY, PARTNER, "Director of people")],
        False,
    ),
]

# Partnerships -------------------------------------------------------------------------------------

EXCHANGE = "The Education Exchange West Midlands"
WMCP = "West Midlands Collaboration Partnership"
BEP_NETWORK = "Birmingham Education Partnership network"
ILEM = "Inspiring Leaders East Midlands Partnership"

LEAD, MEMBER, FUNDS, ADVISER = "lead", "member", "funder", "adviser"

PARTNERSHIPS = [
    {
        "name": EXCHANGE,
        "region": WEST_MIDLANDS,
        "lead": SUMMIT,
        "starts_on": date(2024, 11, 14),
        "ends_on": None,
        "aims": (
            "Bring together leaders from schools and trusts across the West Midlands to collaborate, innovate and "
            "make a tangible difference for children. Every school a giver and receiver of support: school-to-school "
            "support, peer review and sharing what works for the benefit of children, families and communities."
        ),
        "members": [
            (SUMMIT, LEAD, date(2024, 11, 14)),
            (ROBIN_HOOD, MEMBER, date(2024, 11, 14)),
            (TAME_VALLEY, MEMBER, date(2024, 11, 14)),
            (SEVERN_BRIDGE, MEMBER, date(2025, 1, 6)),
            (ARDEN_FOREST, MEMBER, date(2025, 1, 6)),
            (POTTERIES, MEMBER, date(2025, 3, 3)),
            ("GB-EDU-116820", MEMBER, date(2025, 3, 3)),
            ("GB-EDU-116821", MEMBER, date(2025, 3, 3)),
            ("GB-EDU-103950", MEMBER, date(2025, 4, 22)),
            ("GB-LAE-BIR", ADVISER, date(2024, 11, 14)),
            ("GB-LAE-WLL", ADVISER, date(2025, 1, 6)),
            (WORCESTER_UNI, ADVISER, date(2025, 1, 6)),
            (PHF, FUNDS, date(2024, 11, 14)),
        ],
    },
    {
        "name": WMCP,
        "region": WEST_MIDLANDS,
        "lead": FEA,
        "starts_on": date(2025, 4, 1),
        "ends_on": date(2028, 3, 31),
        "aims": (
            "Working together to build fairer systems for education, skills, employment and wellbeing. Join up "
            "support across schools, colleges, youth work, health and employers; co-design with young people, parents "
            "and carers; and pilot collaborative projects that address the root causes of inequality, with a "
            "particular focus on transitions into post-16 education and employment."
        ),
        "members": [
            (FEA, LEAD, date(2025, 4, 1)),
            (WMCA, MEMBER, date(2025, 4, 1)),
            (BEP, MEMBER, date(2025, 4, 1)),
            (TAME_VALLEY, MEMBER, date(2025, 4, 1)),
            (ROBIN_HOOD, MEMBER, date(2025, 6, 2)),
            (BC_COLLEGE, MEMBER, date(2025, 4, 1)),
            ("GB-EDU-145521", MEMBER, date(2025, 6, 2)),
            ("GB-LAE-SAW", MEMBER, date(2025, 4, 1)),
            ("GB-LAE-WLV", MEMBER, date(2025, 4, 1)),
            (SEVERN_BRIDGE, MEMBER, date(2025, 9, 1)),
            (ARDEN_FOREST, MEMBER, date(2025, 9, 1)),
            (WORCESTER_UNI, ADVISER, date(2025, 4, 1)),
            (BLOOMBERG, FUNDS, date(2025, 4, 1)),
            (UBS, FUNDS, date(2025, 4, 1)),
            (PHF, FUNDS, date(2025, 4, 1)),
            (DULVERTON, FUNDS, date(2025, 4, 1)),
        ],
    },
    {
        "name": BEP_NETWORK,
        "region": WEST_MIDLANDS,
        "lead": BEP,
        "starts_on": date(2013, 9, 1),
        "ends_on": None,
        "aims": (
            "All Birmingham heads are BEP. A city-wide family of schools and trusts, maintained and academy alike, "
            "with a growing track record in school improvement, peer review and work around wellbeing: standards, "
            "not structures."
        ),
        "members": [
            (BEP, LEAD, date(2013, 9, 1)),
            (ROBIN_HOOD, MEMBER, date(2016, 9, 1)),
            (SUMMIT, MEMBER, date(2018, 9, 1)),
            ("GB-EDU-148202", MEMBER, date(2016, 9, 1)),
            ("GB-EDU-148203", MEMBER, date(2016, 9, 1)),
            ("GB-EDU-141310", MEMBER, date(2016, 9, 1)),
            ("GB-EDU-141311", MEMBER, date(2016, 9, 1)),
            ("GB-EDU-141312", MEMBER, date(2019, 9, 2)),
            ("GB-LAE-BIR", ADVISER, date(2013, 9, 1)),
        ],
    },
    {
        "name": ILEM,
        "region": EAST_MIDLANDS,
        "lead": INSPIRING_LEADERS,
        "starts_on": date(2022, 9, 1),
        "ends_on": None,
        "aims": (
            "A neutral, sector-led platform for MAT and school leaders across the East Midlands: collaboration "
            "rather than competition, stronger and more sustainable trusts, and teachers who are supported to stay "
            "and grow in the profession."
        ),
        "members": [
            (INSPIRING_LEADERS, LEAD, date(2022, 9, 1)),
            (TRENT_VALLEY, MEMBER, date(2022, 9, 1)),
            ("GB-EDU-143960", MEMBER, date(2022, 9, 1)),
            ("GB-EDU-143961", MEMBER, date(2023, 1, 3)),
            ("GB-LAE-NGM", MEMBER, date(2022, 9, 1)),
            ("GB-LAE-DER", ADVISER, date(2023, 1, 3)),
            (DULVERTON, FUNDS, date(2025, 1, 1)),
        ],
    },
]

# The programme manager who acts for each partnership's lead organisation.
PARTNERSHIP_MANAGER = {EXCHANGE: "manager", WMCP: "manager", BEP_NETWORK: "manager", ILEM: "manager2"}

# Funding programmes -------------------------------------------------------------------------------

WMCP_FUND = "West Midlands Collaboration Partnership Fund"
EXCHANGE_FUND = "Exchange School-to-School Support Fund"
POST16_FUND = "Post-16 Transitions Pilot Fund"
EM_FUND = "East Midlands Recruitment and Retention Grants"

PROGRAMMES = [
    {
        "name": WMCP_FUND,
        "funder": BLOOMBERG,
        "managed_by": FEA,
        "partnership": WMCP,
        "budget": D("500000.00"),
        "opens_on": date(2025, 4, 1),
        "closes_on": date(2028, 3, 31),
        "identifier_prefix": "360G-WMCP",
        "description": (
            "Three-year grant funding for the West Midlands Collaboration Partnership between the Fair Education "
            "Alliance and the West Midlands Combined Authority, part of the Neighbourhood to National strategy."
        ),
        "manager": "manager",
    },
    {
        "name": EXCHANGE_FUND,
        "funder": PHF,
        "managed_by": SUMMIT,
        "partnership": EXCHANGE,
        "budget": D("240000.00"),
        "opens_on": date(2024, 11, 14),
        "closes_on": date(2027, 8, 31),
        "identifier_prefix": "360G-EXWM",
        "description": (
            "Small grants that let a stronger school release its leaders to support a school that needs it, and "
            "pay for the supply cover, travel and evaluation that make school-to-school support happen."
        ),
        "manager": "manager",
    },
    {
        "name": POST16_FUND,
        "funder": UBS,
        "managed_by": FEA,
        "partnership": WMCP,
        "budget": D("150000.00"),
        "opens_on": date(2025, 9, 1),
        "closes_on": date(2027, 7, 31),
        "identifier_prefix": "360G-UBSWM",
        "description": (
            "Pilots that help young people move well from Year 11 into sixth form, college, apprenticeships and "
            "work, with wellbeing, belonging and readiness kept in view."
        ),
        "manager": "manager",
    },
    {
        "name": EM_FUND,
        "funder": DULVERTON,
        "managed_by": INSPIRING_LEADERS,
        "partnership": ILEM,
        "budget": D("90000.00"),
        "opens_on": date(2025, 1, 1),
        "closes_on": date(2026, 12, 31),
        "identifier_prefix": "360G-DULEM",
        "description": "Grants for trust partnerships that help early career teachers in the East Midlands stay.",
        "manager": "manager2",
    },
]


# Workflow paths -----------------------------------------------------------------------------------

PROJECT_PATHS = {
    "draft": [],
    "proposed": ["propose"],
    "under_review": ["propose", "start_review"],
    "changes_requested": ["propose", "start_review", "request_changes"],
    "approved": ["propose", "start_review", "approve"],
    "in_delivery": ["propose", "start_review", "approve", "start_delivery"],
    "on_hold": ["propose", "start_review", "approve", "start_delivery", "put_on_hold"],
    "in_evaluation": ["propose", "start_review", "approve", "start_delivery", "begin_evaluation"],
    "rejected": ["propose", "start_review", "reject"],
    "withdrawn": ["propose", "withdraw"],
}

AWARD_PATHS = {
    "draft": [],
    "submitted": ["submit"],
    "in_assessment": ["submit", "start_assessment"],
    "approved": ["submit", "start_assessment", "approve"],
    "active": ["submit", "start_assessment", "approve", "activate"],
    "in_evaluation": ["submit", "start_assessment", "approve", "activate", "begin_evaluation"],
    "declined": ["submit", "start_assessment", "decline"],
    "withdrawn": ["submit", "withdraw"],
}

# Steps the applicant (the lead or recipient organisation's partner) takes; a manager takes the rest.
APPLICANT_STEPS = {"propose", "resubmit", "withdraw", "submit"}


def project_path(state: str, **notes) -> list:
    return [("t", name, notes.get(name, "")) for name in PROJECT_PATHS[state]]


def award_path(state: str, amount=None, **notes) -> list:
    return [
        ("approve", amount, notes.get("approve", "")) if name == "approve" else ("t", name, notes.get(name, ""))
        for name in AWARD_PATHS[state]
    ]


def ind(name, unit, baseline, target, direction="increase", cumulative=True) -> dict:
    return {
        "name": name,
        "unit": unit,
        "baseline": D(str(baseline)),
        "target": D(str(target)),
        "direction": direction,
        "cumulative": cumulative,
    }


# Projects -----------------------------------------------------------------------------------------

PROJECTS = [
    {
        "reference": "EXWM-001",
        "partnership": EXCHANGE,
        "title": "Reading recovery across the Black Country",
        "lead": TAME_VALLEY,
        "theme": "school_to_school",
        "summary": (
            "Two strong reading schools release their English leads one day a week to work alongside three schools "
            "where too many Year 3 and 4 pupils are still not reading fluently. Phonics catch-up, shared assessment "
            "and coaching for teaching assistants, with the receiving schools' leaders visiting in return."
        ),
        "settings_reached": 5,
        "children_reached": 1240,
        "planned": (date(2025, 9, 1), date(2027, 7, 23)),
        "partners": [
            (TAME_VALLEY, True, False),
            ("GB-EDU-145521", True, False),
            ("GB-EDU-148202", True, False),
            ("GB-EDU-145520", False, True),
            ("GB-EDU-145523", False, True),
            ("GB-EDU-103950", False, True),
        ],
        "indicators": [
            ind("Children reached", "children", 0, 1200),
            ind("Settings engaged", "settings", 0, 5),
            ind("Year 4 pupils reading at the expected standard", "%", "58.0", "75.0", cumulative=False),
        ],
        "state": "in_delivery",
    },
    {
        "reference": "EXWM-002",
        "partnership": EXCHANGE,
        "title": "Peer review triads for Birmingham and Black Country primaries",
        "lead": TAME_VALLEY,
        "theme": "peer_review",
        "summary": (
            "Three primary schools from three trusts review each other in turn: each head leads one review and "
            "receives one. Trained reviewers, a shared framework and a follow-up visit six weeks later, so the "
            "challenge turns into action rather than a report on a shelf."
        ),
        "settings_reached": 3,
        "children_reached": 1110,
        "planned": (date(2025, 1, 6), date(2025, 12, 19)),
        "partners": [
            ("GB-EDU-145522", True, True),
            ("GB-EDU-141310", True, True),
            ("GB-EDU-148203", True, True),
        ],
        "indicators": [
            ind("Settings engaged", "settings", 0, 3),
            ind("Leaders trained as peer reviewers", "leaders", 0, 9),
            ind("Review actions completed within two terms", "%", 0, 80, cumulative=False),
        ],
        "state": "completed",
        "ops": project_path("in_delivery")
        + [
            (
                "update",
                "final",
                {
                    "period": (date(2025, 1, 6), date(2025, 12, 19)),
                    "due_on": date(2026, 1, 16),
                    "is_final": True,
                    "progress": (
                        "All three reviews completed: Bilston Brook in March, Yardley Wood in June, Acocks Green in "
                        "October. Nine leaders trained as reviewers, two more than planned because deputies asked to "
                        "join. Follow-up visits held for every review."
                    ),
                    "challenges": "Supply cover in the summer term; one review moved a fortnight after an Ofsted call.",
                    "next_steps": "The three heads will form a new triad with Netherton Park in 2026 without funding.",
                    "spend": D("35180.40"),
                    "settings": 3,
                    "children": 1110,
                    "results": {
                        "Settings engaged": 3,
                        "Leaders trained as peer reviewers": 11,
                        "Review actions completed within two terms": (D("84.0"), "27 of 32 actions completed."),
                    },
                },
            ),
            ("submit_update", "final"),
            ("accept", "final", "manager2"),
            ("t", "begin_evaluation", ""),
            (
                "evaluation",
                {
                    "evaluator_name": "Dr Sarah Fenwick, University of Worcester",
                    "outcomes": (
                        "Target of three settings met; 11 reviewers trained against a target of 9; 84% of review "
                        "actions completed within two terms against a target of 80%."
                    ),
                    "what_worked": (
                        "Every head was both reviewer and reviewed, so the conversations stayed honest and nobody "
                        "arrived as the expert. The six-week follow-up visit turned findings into actions."
                    ),
                    "what_did_not_work": (
                        "Written reports took too long to agree; by the third review the triad had moved to a one-page "
                        "summary agreed on the day."
                    ),
                    "lessons": (
                        "Mix trusts in each triad: collaborations that reinforce similarities teach less than those "
                        "that bring different schools together. Protect the follow-up visit in the calendar before the "
                        "first review starts, and agree the one-page summary format at the outset."
                    ),
                    "rating": "met",
                    "stage_reached": "improve",
                },
                True,
            ),
            ("t", "complete", "Evaluation accepted at the Exchange steering group."),
        ],
    },
    {
        "reference": "EXWM-003",
        "partnership": EXCHANGE,
        "title": "Attendance and belonging in Walsall and Sandwell",
        "lead": TAME_VALLEY,
        "theme": "wellbeing",
        "summary": (
            "Family link workers shared across four schools, a common approach to the first day of absence and a "
            "belonging survey each term, so that persistent absence is tackled with families rather than at them."
        ),
        "settings_reached": 4,
        "children_reached": 1320,
        "planned": (date(2025, 4, 22), date(2026, 7, 22)),
        "partners": [
            (TAME_VALLEY, True, False),
            ("GB-EDU-145520", False, True),
            ("GB-EDU-145521", True, True),
            ("GB-EDU-145523", False, True),
            ("GB-LAE-WLL", True, False),
        ],
        "indicators": [
            ind("Attendance", "%", "91.2", "94.0", cumulative=False),
            ind("Persistent absence", "%", "24.5", "18.0", direction="decrease", cumulative=False),
        ],
        "state": "in_evaluation",
        "ops": project_path("in_evaluation")
        + [
            (
                "evaluation",
                {
                    "outcomes": "Attendance up from 91.2% to 93.1% (target 94.0%); persistent absence down to 19.8%.",
                    "what_worked": "Shared family link workers who knew the siblings across schools.",
                    "lessons": "",
                    "rating": "",
                    "stage_reached": "repair",
                },
                False,
            ),
        ],
    },
    {
        "reference": "EXWM-004",
        "partnership": EXCHANGE,
        "title": "Early career teachers who stay: Shropshire, Telford and Wrekin",
        "lead": SEVERN_BRIDGE,
        "theme": "recruitment",
        "summary": (
            "A shared early career network across rural and town schools: paired mentors from another school, "
            "protected time each half term and a second-year offer, so that new teachers in small schools are not "
            "left on their own."
        ),
        "settings_reached": 3,
        "children_reached": 1270,
        "planned": (date(2025, 9, 1), date(2027, 7, 21)),
        "partners": [
            (SEVERN_BRIDGE, True, False),
            ("GB-EDU-146701", False, True),
            ("GB-EDU-146702", True, True),
            ("GB-EDU-146703", False, True),
        ],
        "indicators": [
            ind("Early career teachers supported", "teachers", 0, 24),
            ind("Early career teachers retained into a second year", "%", "72.0", "90.0", cumulative=False),
        ],
        "state": "on_hold",
        "notes": {"put_on_hold": "Paused until the trust appoints a new early career lead in January."},
    },
    {
        "reference": "EXWM-005",
        "partnership": EXCHANGE,
        "title": "A shared Key Stage 3 science curriculum for the Potteries",
        "lead": POTTERIES,
        "theme": "curriculum",
        "summary": (
            "Science leads from Stoke-on-Trent and Staffordshire schools write one Key Stage 3 curriculum with "
            "shared assessments and practical kits, and moderate pupils' work together each term."
        ),
        "settings_reached": 2,
        "children_reached": 950,
        "planned": (date(2026, 1, 5), date(2027, 7, 21)),
        "partners": [(POTTERIES, True, False), ("GB-EDU-144830", False, True), ("GB-EDU-144831", True, True)],
        "indicators": [ind("Science teachers trained", "teachers", 0, 14)],
        "state": "under_review",
    },
    {
        "reference": "EXWM-006",
        "partnership": EXCHANGE,
        "title": "Middle leaders for small rural schools in Herefordshire and Worcestershire",
        "lead": "GB-EDU-116820",
        "theme": "leadership",
        "summary": (
            "A middle leadership programme run across small rural primaries, where one teacher often leads three "
            "subjects: shared subject networks, paired visits and a small project in each school."
        ),
        "settings_reached": 2,
        "children_reached": 550,
        "planned": (date(2026, 4, 13), date(2027, 3, 26)),
        "partners": [("GB-EDU-116820", True, True), ("GB-EDU-116821", True, True), (WORCESTER_UNI, True, False)],
        "indicators": [],
        "state": "proposed",
    },
    {
        "reference": "EXWM-007",
        "partnership": EXCHANGE,
        "title": "Maths mastery partnership across Coventry and Nuneaton",
        "lead": ARDEN_FOREST,
        "theme": "curriculum",
        "summary": (
            "Primary and secondary maths leads plan the Year 6 to Year 7 handover together, with shared mastery "
            "lessons taught in both phases."
        ),
        "settings_reached": 2,
        "children_reached": 1610,
        "planned": (date(2026, 1, 5), date(2026, 12, 18)),
        "partners": [(ARDEN_FOREST, True, False), ("GB-EDU-147410", True, True), ("GB-EDU-147411", True, True)],
        "indicators": [],
        "state": "changes_requested",
        "notes": {
            "request_changes": (
                "Please say which schools give and which receive support, and add a measure of pupils' progress "
                "in Year 7 so we can see the difference it makes."
            )
        },
    },
    {
        "reference": "EXWM-008",
        "partnership": EXCHANGE,
        "title": "Small schools, shared staff: rural Shropshire collaboration",
        "lead": SEVERN_BRIDGE,
        "theme": "leadership",
        "summary": "Early idea: share a business manager and a SENCo across three small rural primaries.",
        "settings_reached": 0,
        "children_reached": 0,
        "planned": (None, None),
        "partners": [(SEVERN_BRIDGE, True, False), ("GB-EDU-146703", False, True)],
        "indicators": [],
        "state": "draft",
    },
    {
        "reference": "WMCP-001",
        "partnership": WMCP,
        "title": "Post-16 pathways into green and digital work",
        "lead": TAME_VALLEY,
        "theme": "post16",
        "summary": (
            "Year 10 and 11 students in the Black Country meet employers from green, digital and advanced "
            "manufacturing, spend taster days at the sixth form college and keep a named transition coach from "
            "the spring of Year 11 to the first half term of Year 12, so belonging and readiness are not left behind."
        ),
        "settings_reached": 6,
        "children_reached": 640,
        "planned": (date(2025, 9, 1), date(2028, 3, 31)),
        "partners": [
            (TAME_VALLEY, True, False),
            (BC_COLLEGE, True, True),
            ("GB-EDU-145521", False, True),
            (WMCA, True, False),
            ("GB-LAE-SAW", True, False),
        ],
        "indicators": [
            ind("Young people reached", "young people", 0, 600),
            ind("Employers engaged", "employers", 0, 25),
        ],
        "state": "in_delivery",
    },
    {
        "reference": "WMCP-002",
        "partnership": WMCP,
        "title": "Young people's voice panels",
        "lead": BEP,
        "theme": "wellbeing",
        "summary": (
            "Panels of young people in each local authority area that advise schools and the combined authority on "
            "wellbeing and belonging."
        ),
        "settings_reached": 12,
        "children_reached": 180,
        "planned": (date(2025, 9, 1), date(2026, 7, 22)),
        "partners": [(BEP, True, False), (WMCA, True, False)],
        "indicators": [],
        "state": "rejected",
        "notes": {
            "reject": (
                "This overlaps with the combined authority's youth assembly; we would welcome it as part of the "
                "post-16 pathways project instead."
            )
        },
    },
    {
        "reference": "WMCP-003",
        "partnership": WMCP,
        "title": "Employer mentoring for Year 11 in Sandwell",
        "lead": BC_COLLEGE,
        "theme": "post16",
        "summary": "One-to-one employer mentors for Year 11 students at risk of not moving into education or work.",
        "settings_reached": 3,
        "children_reached": 90,
        "planned": (date(2025, 11, 3), date(2026, 7, 17)),
        "partners": [(BC_COLLEGE, True, False), ("GB-EDU-145521", False, True)],
        "indicators": [],
        "state": "withdrawn",
        "notes": {"withdraw": "Our employer partner has pulled out; we will fold the mentors into WMCP-001."},
    },
    {
        "reference": "WMCP-004",
        "partnership": WMCP,
        "title": "Transition wellbeing: Year 11 into sixth form",
        "lead": BC_COLLEGE,
        "theme": "wellbeing",
        "summary": (
            "Sixth form tutors meet every incoming student in the summer term of Year 11, with a wellbeing check-in "
            "in the first six weeks and a peer mentor from Year 13."
        ),
        "settings_reached": 4,
        "children_reached": 420,
        "planned": (date(2026, 4, 13), date(2027, 10, 22)),
        "partners": [(BC_COLLEGE, True, True), ("GB-EDU-145521", False, True), ("GB-EDU-148201", False, True)],
        "indicators": [ind("Students still on course at the October census", "%", "86.0", "93.0", cumulative=False)],
        "state": "approved",
    },
    {
        "reference": "BEP-001",
        "partnership": BEP_NETWORK,
        "title": "Birmingham primary peer review network",
        "lead": ROBIN_HOOD,
        "theme": "peer_review",
        "summary": (
            "Maintained and academy primaries across south Birmingham review each other in groups of four, with "
            "BEP-trained reviewers and a shared focus on reading and attendance."
        ),
        "settings_reached": 8,
        "children_reached": 3100,
        "planned": (date(2025, 9, 1), date(2026, 12, 18)),
        "partners": [
            (ROBIN_HOOD, True, False),
            ("GB-EDU-141310", True, True),
            ("GB-EDU-141311", True, True),
            ("GB-EDU-141312", True, True),
            ("GB-EDU-148202", True, True),
            ("GB-EDU-148203", True, True),
        ],
        "indicators": [
            ind("Settings engaged", "settings", 0, 8),
            ind("Peer reviews completed", "reviews", 0, 8),
        ],
        "state": "in_delivery",
        "ops": project_path("in_delivery")
        + [
            (
                "update",
                "autumn",
                {
                    "period": (date(2025, 9, 1), date(2025, 12, 19)),
                    "due_on": date(2026, 1, 16),
                    "progress": "Two groups of four formed; reviews completed at Yardley Wood and Kings Heath.",
                    "challenges": "Finding dates that suit both maintained and academy calendars.",
                    "next_steps": "Four more reviews in the spring term.",
                    "settings": 8,
                    "children": 3100,
                    "results": {"Settings engaged": 8, "Peer reviews completed": 2},
                },
            ),
            ("submit_update", "autumn"),
            ("accept", "autumn"),
            (
                "update",
                "spring",
                {
                    "period": (date(2026, 1, 5), date(2026, 3, 27)),
                    "due_on": date(2026, 4, 24),
                    "progress": "Reviews at Billesley Common and Stirchley Park done; notes being written up.",
                    "results": {"Peer reviews completed": 4},
                },
            ),
        ],
    },
    {
        "reference": "BEP-002",
        "partnership": BEP_NETWORK,
        "title": "Headteacher wellbeing supervision",
        "lead": BEP,
        "theme": "wellbeing",
        "summary": (
            "Termly professional supervision for Birmingham headteachers in small groups, led by trained "
            "supervisors, so that the people holding everyone else's wellbeing have somewhere to take their own."
        ),
        "settings_reached": 24,
        "children_reached": 0,
        "planned": (date(2026, 1, 5), date(2026, 12, 18)),
        "partners": [(BEP, True, False), (ROBIN_HOOD, False, True), (SUMMIT, False, True)],
        "indicators": [ind("Headteachers in supervision", "headteachers", 0, 24)],
        "state": "approved",
    },
    {
        "reference": "ILEM-001",
        "partnership": ILEM,
        "title": "SCITT early career retention pilot",
        "lead": TRENT_VALLEY,
        "theme": "recruitment",
        "summary": (
            "Trainees from the Inspiring Leaders SCITT who take first posts in partner trusts keep their SCITT "
            "mentor for two more years, with a cross-trust early career community in Nottingham and Derby."
        ),
        "settings_reached": 6,
        "children_reached": 1400,
        "planned": (date(2025, 9, 1), date(2027, 7, 21)),
        "partners": [
            (TRENT_VALLEY, True, False),
            (INSPIRING_LEADERS, True, False),
            ("GB-EDU-143960", False, True),
            ("GB-EDU-143961", True, True),
        ],
        "indicators": [ind("Early career teachers in the community", "teachers", 0, 30)],
        "state": "in_delivery",
    },
    {
        "reference": "ILEM-002",
        "partnership": ILEM,
        "title": "Collaborative leadership for new MAT chief executives",
        "lead": INSPIRING_LEADERS,
        "theme": "leadership",
        "summary": (
            "New and aspiring trust chief executives meet each half term with experienced CEOs from other trusts "
            "to work through real decisions together: growth, governance and financial sustainability."
        ),
        "settings_reached": 10,
        "children_reached": 0,
        "planned": (date(2026, 9, 1), date(2027, 7, 21)),
        "partners": [(INSPIRING_LEADERS, True, False), (TRENT_VALLEY, True, True)],
        "indicators": [],
        "state": "proposed",
    },
]


# Awards -------------------------------------------------------------------------------------------

AWARDS = [
    {
        "identifier": "360G-WMCP-00001",
        "programme": WMCP_FUND,
        "recipient": TAME_VALLEY,
        "project": "WMCP-001",
        "title": "Post-16 pathways into green and digital work",
        "description": "Transition coaches, employer encounters and college taster days for Black Country students.",
        "amount_requested": D("152000.00"),
        "planned": (date(2025, 9, 1), date(2028, 3, 31)),
        "frequency": "termly",
        "indicators": [
            ind("Young people reached", "young people", 0, 600),
            ind("Settings engaged", "settings", 0, 6),
            ind(
                "Year 11 leavers not in education, employment or training",
                "%",
                "6.8",
                "4.0",
                direction="decrease",
                cumulative=False,
            ),
        ],
        "state": "active",
        "ops": award_path(
            "active", D("148500.00"), approve="Approved at the September panel; evaluation costs trimmed by £3,500."
        )
        + [
            ("pay", "p1", date(2025, 10, 1), D("49500.00")),
            ("pay_approve", "p1"),
            ("pay_release", "p1", date(2025, 10, 3), "FEA-BACS-2025-0147"),
            (
                "update",
                "u1",
                {
                    "period": (date(2025, 9, 1), date(2025, 12, 19)),
                    "due_on": date(2026, 1, 23),
                    "progress": (
                        "Six settings signed up; 212 Year 10 and 11 students met employers from three green and "
                        "digital firms; two transition coaches in post."
                    ),
                    "challenges": "One employer could not host visits before Christmas.",
                    "next_steps": "College taster days in February; coaches start with the first Year 11 cohort.",
                    "spend": D("38420.17"),
                    "settings": 6,
                    "children": 212,
                    "results": {"Young people reached": 212, "Settings engaged": 6},
                },
            ),
            ("submit_update", "u1"),
            ("request_changes", "u1", "Please add the NEET figure for last summer's leavers as the baseline."),
            (
                "edit_update",
                "u1",
                {
                    "results": {
                        "Year 11 leavers not in education, employment or training": (
                            D("6.8"),
                            "Summer 2025 leavers, from the local authority's tracking.",
                        )
                    }
                },
            ),
            ("resubmit", "u1"),
            ("accept", "u1", "manager2"),
            ("pay", "p2", date(2026, 11, 30), D("49500.00"), "u1"),
            ("pay_approve", "p2"),
            (
                "update",
                "u2",
                {
                    "period": (date(2026, 1, 5), date(2026, 7, 22)),
                    "due_on": date(2026, 9, 25),
                    "progress": "Draft: taster days ran for 180 students; first coached cohort has left Year 11.",
                    "spend": D("91210.00"),
                    "results": {"Young people reached": 392},
                },
            ),
            ("pay", "p3", date(2027, 4, 1), D("49500.00"), "u2"),
        ],
    },
    {
        "identifier": "360G-WMCP-00002",
        "programme": WMCP_FUND,
        "recipient": BC_COLLEGE,
        "project": "WMCP-004",
        "title": "Transition wellbeing: Year 11 into sixth form",
        "description": "Tutor meetings, wellbeing check-ins and Year 13 peer mentors for incoming students.",
        "amount_requested": D("62750.50"),
        "planned": (date(2026, 4, 13), date(2027, 10, 22)),
        "frequency": "termly",
        "indicators": [ind("Students still on course at the October census", "%", "86.0", "93.0", cumulative=False)],
        "state": "approved",
        "ops": award_path("approved", approve="Approved in full at the November panel.")
        + [("pay", "p1", date(2027, 1, 15), D("31375.25"))],
    },
    {
        "identifier": "360G-WMCP-00003",
        "programme": WMCP_FUND,
        "recipient": BEP,
        "project": "WMCP-002",
        "title": "Young people's voice panels",
        "amount_requested": D("85000.00"),
        "planned": (date(2025, 9, 1), date(2026, 7, 22)),
        "state": "declined",
        "ops": award_path("declined", decline="Declined with the project: it overlaps with the youth assembly."),
    },
    {
        "identifier": "360G-WMCP-00004",
        "programme": WMCP_FUND,
        "recipient": TAME_VALLEY,
        "project": None,
        "title": "Parents and carers as partners in Sandwell",
        "description": "Draft: parent-led transition evenings and a carers' forum in three Sandwell schools.",
        "amount_requested": D("24600.00"),
        "planned": (date(2027, 1, 4), date(2027, 12, 17)),
        "state": "draft",
    },
    {
        "identifier": "360G-WMCP-00005",
        "programme": WMCP_FUND,
        "recipient": ROBIN_HOOD,
        "project": None,
        "title": "Digital skills clubs with West Midlands employers",
        "description": "After-school coding and design clubs in five Birmingham primaries, run with local employers.",
        "amount_requested": D("37900.00"),
        "planned": (date(2027, 1, 4), date(2027, 12, 17)),
        "state": "submitted",
    },
    {
        "identifier": "360G-EXWM-00001",
        "programme": EXCHANGE_FUND,
        "recipient": TAME_VALLEY,
        "project": "EXWM-001",
        "title": "Reading recovery across the Black Country",
        "description": "Release time, supply cover and assessment materials for school-to-school reading support.",
        "amount_requested": D("48250.00"),
        "planned": (date(2025, 9, 1), date(2027, 7, 23)),
        "frequency": "termly",
        "indicators": [
            ind("Children reached", "children", 0, 1200),
            ind("Settings engaged", "settings", 0, 5),
            ind("Reading progress score", "points", "-1.6", "0.5", cumulative=False),
        ],
        "state": "active",
        "ops": award_path("active", approve="Approved by the Exchange steering group.")
        + [
            ("pay", "p1", date(2025, 9, 15), D("19300.00")),
            ("pay_approve", "p1"),
            ("pay_release", "p1", date(2025, 9, 19), "SLT-BACS-2025-0091"),
            (
                "update",
                "u1",
                {
                    "period": (date(2025, 9, 1), date(2025, 12, 19)),
                    "due_on": date(2026, 1, 16),
                    "progress": (
                        "English leads from Wednesbury Oak and Kings Heath now spend every Tuesday in the three "
                        "receiving schools. 96 Year 3 and 4 pupils on daily catch-up; 14 teaching assistants coached."
                    ),
                    "challenges": "Netherton Park's English lead left at October half term.",
                    "next_steps": "Shared spring assessment; Netherton's new lead visits Kings Heath in January.",
                    "spend": D("17940.55"),
                    "settings": 5,
                    "children": 1240,
                    "results": {
                        "Children reached": 1240,
                        "Settings engaged": 5,
                        "Reading progress score": (D("-1.1"), "Autumn assessment, Year 4 only."),
                    },
                },
            ),
            ("submit_update", "u1"),
            ("pay", "p2", date(2026, 2, 2), D("14475.00"), "u1"),
            ("accept", "u1", "manager2"),
            ("pay_approve", "p2"),
            ("pay_release", "p2", date(2026, 2, 6), "SLT-BACS-2026-0018"),
            (
                "update",
                "u2",
                {
                    "period": (date(2026, 9, 1), date(2026, 10, 23)),
                    "due_on": date(2026, 11, 20),
                    "progress": (
                        "Summer results in: Year 4 pupils at the expected standard rose from 58% to 69%. The second "
                        "cohort started in September with a fourth receiving school asking to join."
                    ),
                    "challenges": "Supply costs have risen; we are covering the gap from trust funds.",
                    "next_steps": "Spring term focus on fluency in Year 5.",
                    "spend": D("33510.00"),
                    "settings": 5,
                    "children": 1240,
                    "results": {"Reading progress score": (D("-0.2"), "Summer 2026 KS2-style assessment.")},
                },
            ),
            ("submit_update", "u2"),
            ("pay", "p3", date(2026, 12, 11), D("14475.00"), "u2"),
        ],
    },
    {
        "identifier": "360G-EXWM-00002",
        "programme": EXCHANGE_FUND,
        "recipient": TAME_VALLEY,
        "project": "EXWM-002",
        "title": "Peer review triads for Birmingham and Black Country primaries",
        "description": "Reviewer training, supply cover for reviews and follow-up visits, and an outside evaluation.",
        "amount_requested": D("38000.00"),
        "planned": (date(2025, 1, 6), date(2025, 12, 19)),
        "frequency": "termly",
        "indicators": [
            ind("Settings engaged", "settings", 0, 3),
            ind("Teachers trained and retained", "teachers", 0, 9),
        ],
        "state": "closed",
        "ops": award_path("active", D("36400.00"), approve="Approved less the catering line.")
        + [
            ("pay", "p1", date(2025, 1, 17), D("18200.00")),
            ("pay_approve", "p1"),
            ("pay_release", "p1", date(2025, 1, 20), "SLT-BACS-2025-0004"),
            (
                "update",
                "interim",
                {
                    "period": (date(2025, 1, 6), date(2025, 4, 11)),
                    "due_on": date(2025, 5, 9),
                    "progress": "Reviewer training done; first review at Bilston Brook in March.",
                    "spend": D("15020.00"),
                    "settings": 3,
                    "children": 1110,
                    "results": {"Settings engaged": 3, "Teachers trained and retained": 9},
                },
            ),
            ("submit_update", "interim"),
            ("pay", "p2", date(2025, 5, 30), D("14560.00"), "interim"),
            ("accept", "interim"),
            ("pay_approve", "p2"),
            ("pay_release", "p2", date(2025, 6, 2), "SLT-BACS-2025-0057"),
            ("pay", "p3", date(2025, 12, 19), D("3640.00")),
            ("t", "begin_evaluation", ""),
            ("pay_cancel", "p3", "Underspend: two follow-up visits were held online at no cost."),
            (
                "update",
                "final",
                {
                    "period": (date(2025, 4, 12), date(2025, 12, 19)),
                    "due_on": date(2026, 1, 16),
                    "is_final": True,
                    "progress": "All three reviews and follow-up visits completed; 11 reviewers trained.",
                    "challenges": "Written reports took too long; moved to a one-page summary.",
                    "next_steps": "The triad continues unfunded with a fourth school.",
                    "spend": D("32760.00"),
                    "settings": 3,
                    "children": 1110,
                    "results": {"Settings engaged": 3, "Teachers trained and retained": 11},
                },
            ),
            ("submit_update", "final"),
            ("accept", "final", "manager2"),
            (
                "evaluation",
                {
                    "outcomes": "Three settings engaged (target 3); 11 reviewers trained and still in post (target 9).",
                    "what_worked": "Each head reviewing and being reviewed; protected follow-up visits.",
                    "what_did_not_work": "Long written reports; catering budget not needed.",
                    "lessons": (
                        "Small grants go furthest on supply cover: the money bought leaders' time, and leaders' time "
                        "is what changed practice. Budget for the follow-up visit, not the launch event."
                    ),
                    "rating": "exceeded",
                    "stage_reached": "sustain",
                },
                True,
            ),
            ("t", "close", "Final report and evaluation accepted; £3,640.00 underspend returned to the fund."),
        ],
    },
    {
        "identifier": "360G-EXWM-00003",
        "programme": EXCHANGE_FUND,
        "recipient": SEVERN_BRIDGE,
        "project": "EXWM-004",
        "title": "Early career teachers who stay: Shropshire, Telford and Wrekin",
        "description": "Mentor release time and a second-year offer for early career teachers in small schools.",
        "amount_requested": D("41980.75"),
        "planned": (date(2025, 9, 1), date(2027, 7, 21)),
        "frequency": "termly",
        "indicators": [
            ind("Teachers trained and retained", "teachers", 0, 24),
            ind("Early career teachers retained into a second year", "%", "72.0", "90.0", cumulative=False),
        ],
        "state": "suspended",
        "ops": award_path("active", approve="Approved in full.")
        + [
            ("pay", "p1", date(2025, 10, 6), D("20990.38")),
            ("pay_approve", "p1"),
            ("pay_release", "p1", date(2025, 10, 10), "SLT-BACS-2025-0112"),
            (
                "update",
                "u1",
                {
                    "period": (date(2025, 9, 1), date(2025, 12, 19)),
                    "due_on": date(2026, 1, 16),
                    "progress": "Eleven early career teachers paired with mentors from another school.",
                    "challenges": "Our early career lead left in December.",
                    "next_steps": "Recruit a new lead; restart the network in the summer term.",
                    "spend": D("23415.80"),
                    "settings": 3,
                    "children": 1270,
                    "results": {"Teachers trained and retained": 11},
                },
            ),
            ("submit_update", "u1"),
            ("pay", "p2", date(2026, 2, 6), D("20990.37"), "u1"),
            (
                "request_changes",
                "u1",
                "Spend to date is more than the £20,990.38 paid; please break it down and say how the gap is funded.",
            ),
            ("t", "suspend", "Suspended while the trust recruits a new early career lead and reconciles spend."),
        ],
    },
    {
        "identifier": "360G-EXWM-00004",
        "programme": EXCHANGE_FUND,
        "recipient": TAME_VALLEY,
        "project": "EXWM-003",
        "title": "Attendance and belonging in Walsall and Sandwell",
        "description": "Two shared family link workers and a termly belonging survey across four schools.",
        "amount_requested": D("29500.00"),
        "planned": (date(2025, 4, 22), date(2026, 7, 22)),
        "frequency": "termly",
        "indicators": [
            ind("Attendance", "%", "91.2", "94.0", cumulative=False),
            ind("Persistent absence", "%", "24.5", "18.0", direction="decrease", cumulative=False),
        ],
        "state": "in_evaluation",
        "ops": award_path("active", approve="Approved by the Exchange steering group.")
        + [
            ("pay", "p1", date(2025, 4, 30), D("14750.00")),
            ("pay_approve", "p1"),
            ("pay_release", "p1", date(2025, 5, 2), "SLT-BACS-2025-0041"),
            ("pay", "p2", date(2026, 1, 14), D("14750.00")),
            ("pay_approve", "p2"),
            ("pay_release", "p2", date(2026, 1, 16), "SLT-BACS-2026-0009"),
            ("t", "begin_evaluation", ""),
            (
                "update",
                "final",
                {
                    "period": (date(2025, 4, 22), date(2026, 7, 22)),
                    "due_on": date(2026, 9, 25),
                    "is_final": True,
                    "progress": (
                        "Attendance across the four schools rose from 91.2% to 93.1%; persistent absence fell from "
                        "24.5% to 19.8%. Families tell us the link workers are the reason they came back in."
                    ),
                    "challenges": "The belonging survey response rate fell in the summer term.",
                    "next_steps": "Walsall Council will fund one link worker from September 2026.",
                    "spend": D("29500.00"),
                    "settings": 4,
                    "children": 1320,
                    "results": {"Attendance": D("93.1"), "Persistent absence": D("19.8")},
                },
            ),
            ("submit_update", "final"),
            ("request_changes", "final", "Please attach the attendance data by school, not only the total."),
            ("resubmit", "final"),
            (
                "evaluation",
                {
                    "outcomes": "Attendance 93.1% (target 94.0%); persistent absence 19.8% (target 18.0%).",
                    "what_worked": "Link workers shared across schools.",
                    "lessons": "",
                    "rating": "",
                    "stage_reached": "",
                },
                False,
            ),
        ],
    },
    {
        "identifier": "360G-EXWM-00005",
        "programme": EXCHANGE_FUND,
        "recipient": POTTERIES,
        "project": "EXWM-005",
        "title": "A shared Key Stage 3 science curriculum for the Potteries",
        "amount_requested": D("38000.00"),
        "planned": (date(2026, 1, 5), date(2027, 7, 21)),
        "state": "in_assessment",
    },
    {
        "identifier": "360G-EXWM-00006",
        "programme": EXCHANGE_FUND,
        "recipient": ARDEN_FOREST,
        "project": "EXWM-007",
        "title": "Maths mastery partnership across Coventry and Nuneaton",
        "amount_requested": D("27250.00"),
        "planned": (date(2026, 1, 5), date(2026, 12, 18)),
        "state": "withdrawn",
        "ops": award_path("withdrawn", withdraw="Withdrawing while we rework the plan with the Exchange team."),
    },
    {
        "identifier": "360G-UBSWM-00001",
        "programme": POST16_FUND,
        "recipient": BC_COLLEGE,
        "project": "WMCP-001",
        "title": "Sixth-form transition mentors",
        "description": "Year 13 peer mentors and a transition coach for students arriving from partner schools.",
        "amount_requested": D("55000.00"),
        "planned": (date(2025, 9, 1), date(2027, 7, 16)),
        "frequency": "quarterly",
        "indicators": [ind("Young people reached", "young people", 0, 250)],
        "state": "active",
        "ops": award_path("active", approve="Approved by UBS and the Fair Education Alliance place team.")
        + [
            ("pay", "p1", date(2025, 9, 24), D("27500.00")),
            ("pay_approve", "p1"),
            ("pay_release", "p1", date(2025, 9, 26), "FEA-BACS-2025-0139"),
            ("pay", "p2", date(2026, 9, 23), D("27500.00")),
        ],
    },
    {
        "identifier": "360G-UBSWM-00002",
        "programme": POST16_FUND,
        "recipient": SEVERN_BRIDGE,
        "project": None,
        "title": "Post-16 travel bursaries for rural learners",
        "amount_requested": D("18000.00"),
        "planned": (date(2025, 9, 1), date(2026, 7, 17)),
        "state": "declined",
        "ops": award_path(
            "declined", decline="Outside the programme's criteria: post-16 transport is a local authority duty."
        ),
    },
    {
        "identifier": "360G-UBSWM-00003",
        "programme": POST16_FUND,
        "recipient": ARDEN_FOREST,
        "project": None,
        "title": "Careers hubs in Coventry secondaries",
        "amount_requested": D("44000.00"),
        "planned": (date(2027, 1, 4), date(2027, 12, 17)),
        "state": "submitted",
    },
    {
        "identifier": "360G-DULEM-00001",
        "programme": EM_FUND,
        "recipient": TRENT_VALLEY,
        "project": "ILEM-001",
        "title": "SCITT early career retention pilot",
        "description": "Mentor time and a cross-trust early career community in Nottingham and Derby.",
        "amount_requested": D("44800.00"),
        "planned": (date(2025, 9, 1), date(2026, 12, 18)),
        "frequency": "termly",
        "indicators": [
            ind("Teachers trained and retained", "teachers", 0, 30),
            ind("Settings engaged", "settings", 0, 6),
        ],
        "state": "active",
        "ops": award_path("active", approve="Approved by the Dulverton Trust panel.")
        + [
            ("pay", "p1", date(2025, 9, 10), D("22400.00")),
            ("pay_approve", "p1"),
            ("pay_release", "p1", date(2025, 9, 12), "ILE-BACS-2025-0031"),
            (
                "update",
                "u1",
                {
                    "period": (date(2025, 9, 1), date(2026, 7, 22)),
                    "due_on": date(2026, 9, 30),
                    "progress": "27 early career teachers in the community; 25 staying into next year.",
                    "challenges": "Two teachers moved out of the region.",
                    "next_steps": "Second cohort from the SCITT joins in September.",
                    "spend": D("21980.00"),
                    "settings": 6,
                    "children": 1400,
                    "results": {"Teachers trained and retained": 25, "Settings engaged": 6},
                },
            ),
            ("submit_update", "u1"),
            ("pay", "p2", date(2026, 10, 30), D("22400.00"), "u1"),
        ],
    },
    {
        "identifier": "360G-DULEM-00002",
        "programme": EM_FUND,
        "recipient": TRENT_VALLEY,
        "project": None,
        "title": "Curriculum leaders network, Derby and Nottingham",
        "amount_requested": D("18500.00"),
        "planned": (date(2027, 1, 4), date(2027, 12, 17)),
        "state": "in_assessment",
    },
]

COUNTED = [
    Region,
    SubRegion,
    LocalAuthority,
    Organisation,
    get_user_model(),
    OrganisationMembership,
    Partnership,
    PartnershipMember,
    FundingProgramme,
    Project,
    ProjectPartner,
    Award,
    Payment,
    Indicator,
    ProgressUpdate,
    IndicatorResult,
    Evaluation,
    TransitionLog,
    MoneyChange,
]


class Command(BaseCommand):
    help = "Load West Midlands and East Midlands demo data (safe to run again) and print the demo logins."

    def handle(self, *args, **options):
        self.created = Counter()
        before = {model: model.objects.count() for model in COUNTED}
        with transaction.atomic():
            self.load_geography()
            self.load_organisations()
            self.load_people()
            self.load_partnerships()
            self.load_programmes()
            self.load_projects()
            self.load_awards()
        self.report(before)

    # Reference data ---------------------------------------------------------------------------

    def load_geography(self):
        self.regions = {
            code: Region.objects.update_or_create(code=code, defaults={"name": name})[0] for code, name in REGIONS
        }
        self.sub_regions = {
            number: SubRegion.objects.update_or_create(
                name=name, defaults={"region": self.regions[WEST_MIDLANDS], "number": number}
            )[0]
            for number, name in SUB_REGIONS
        }
        self.las = {}
        for name, gss, dfe, region, sub_region in LOCAL_AUTHORITIES:
            self.las[name] = LocalAuthority.objects.update_or_create(
                gss_code=gss,
                defaults={
                    "name": name,
                    "dfe_code": dfe,
                    "region": self.regions[region],
                    "sub_region": self.sub_regions.get(sub_region),
                },
            )[0]

    def _org(self, identifier, name, kind, la=None, trust=None, pupils=None):
        org, _ = Organisation.objects.update_or_create(
            identifier=identifier,
            defaults={
                "name": name,
                "kind": kind,
                "local_authority": self.las[la] if la else None,
                "trust": self.orgs[trust] if trust else None,
                "pupil_count": pupils,
            },
        )
        self.orgs[identifier] = org
        return org

    def load_organisations(self):
        self.orgs = {}
        for identifier, name, la in COUNCILS:
            self._org(identifier, name, "local_authority", la)
        for identifier, name, la in TRUSTS:
            pupils = sum(s[4] for s in SCHOOLS if s[3] == identifier)
            self._org(identifier, name, "mat", la, pupils=pupils)
        for identifier, name, la, trust, pupils in SCHOOLS:
            self._org(identifier, name, "school", la, trust, pupils)
        for identifier, name, kind, la in OTHER_ORGANISATIONS:
            self._org(identifier, name, kind, la)

    def load_people(self):
        User = get_user_model()
        password = make_password(settings.DEMO_PASSWORD)  # hashed once: every demo login shares the password
        self.users = {}
        self.partner_users = {}
        self.logins = []
        for username, first, last, email, staff, superuser, memberships, listed in USERS:
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": email,
                    "is_staff": staff,
                    "is_superuser": superuser,
                    "is_active": True,
                    "password": password,
                },
            )
            for identifier, role, job_title in memberships:
                OrganisationMembership.objects.update_or_create(
                    user=user, organisation=self.orgs[identifier], role=role, defaults={"job_title": job_title}
                )
                if role == PARTNER:
                    self.partner_users.setdefault(identifier, user)
            roles.forget(user)
            self.users[username] = user
            self.logins.append((username, memberships, listed))

    def load_partnerships(self):
        self.partnerships = {}
        for spec in PARTNERSHIPS:
            partnership, _ = Partnership.objects.update_or_create(
                name=spec["name"],
                defaults={
                    "region": self.regions[spec["region"]],
                    "lead_organisation": self.orgs[spec["lead"]],
                    "starts_on": spec["starts_on"],
                    "ends_on": spec["ends_on"],
                    "aims": spec["aims"],
                },
            )
            for identifier, role, joined_on in spec["members"]:
                PartnershipMember.objects.update_or_create(
                    partnership=partnership,
                    organisation=self.orgs[identifier],
                    defaults={"role": role, "joined_on": joined_on},
                )
            self.partnerships[spec["name"]] = partnership

    def load_programmes(self):
        self.programmes = {}
        self.programme_manager = {}
        for spec in PROGRAMMES:
            manager = self.users[spec["manager"]]
            programme, created = FundingProgramme.objects.get_or_create(
                name=spec["name"],
                defaults={
                    "funder": self.orgs[spec["funder"]],
                    "managed_by": self.orgs[spec["managed_by"]],
                    "partnership": self.partnerships[spec["partnership"]],
                    "budget": spec["budget"],
                    "opens_on": spec["opens_on"],
                    "closes_on": spec["closes_on"],
                    "identifier_prefix": spec["identifier_prefix"],
                    "description": spec["description"],
                },
            )
            if created:
                log_money_change(
                    programme,
                    field="budget",
                    old=None,
                    new=programme.budget,
                    actor=manager,
                    note="Programme set up with its funder's budget.",
                )
            self.programmes[spec["name"]] = programme
            self.programme_manager[programme.pk] = manager

    # Projects and awards, walked through their workflows -------------------------------------

    def load_projects(self):
        self.projects = {}
        for spec in PROJECTS:
            partnership = self.partnerships[spec["partnership"]]
            manager = self.users[PARTNERSHIP_MANAGER[spec["partnership"]]]
            lead = self.orgs[spec["lead"]]
            project = Project.objects.filter(reference=spec["reference"]).first()
            created = project is None
            if created:
                start, end = spec["planned"]
                project = project_create(
                    actor=self.partner_users.get(spec["lead"], manager),
                    partnership=partnership,
                    title=spec["title"],
                    lead_organisation=lead,
                    reference=spec["reference"],
                    theme=spec["theme"],
                    summary=spec["summary"],
                    settings_reached=spec["settings_reached"],
                    children_reached=spec["children_reached"],
                    planned_start=start,
                    planned_end=end,
                )
                self.created["project"] += 1
            for identifier, gives, receives in spec["partners"]:
                ProjectPartner.objects.update_or_create(
                    project=project,
                    organisation=self.orgs[identifier],
                    defaults={"gives_support": gives, "receives_support": receives},
                )
            for indicator in spec["indicators"]:
                Indicator.objects.get_or_create(project=project, award=None, name=indicator["name"], defaults=indicator)
            if created:
                ops = spec.get("ops") or project_path(spec["state"], **spec.get("notes", {}))
                project = self.run(project, ops, manager=manager, applicant=self.partner_users.get(spec["lead"]))
                self.check_state(project, spec["state"])
            self.projects[spec["reference"]] = project

    def load_awards(self):
        for spec in AWARDS:
            programme = self.programmes[spec["programme"]]
            manager = self.programme_manager[programme.pk]
            applicant = self.partner_users.get(spec["recipient"])
            award = Award.objects.filter(identifier=spec["identifier"]).first()
            created = award is None
            if created:
                start, end = spec["planned"]
                award = award_create(
                    actor=applicant or manager,
                    programme=programme,
                    recipient=self.orgs[spec["recipient"]],
                    title=spec["title"],
                    amount_requested=spec["amount_requested"],
                    identifier=spec["identifier"],
                    project=self.projects[spec["project"]] if spec.get("project") else None,
                    partnership=programme.partnership,
                    description=spec.get("description", ""),
                    planned_start=start,
                    planned_end=end,
                    reporting_frequency=spec.get("frequency", "termly"),
                )
                self.created["award"] += 1
            for indicator in spec.get("indicators", []):
                Indicator.objects.get_or_create(award=award, project=None, name=indicator["name"], defaults=indicator)
            if created:
                ops = spec.get("ops") or award_path(spec["state"], **spec.get("notes", {}))
                award = self.run(award, ops, manager=manager, applicant=applicant)
                self.check_state(award, spec["state"])

    def check_state(self, obj, expected):
        if obj.state != expected:
            raise CommandError(f"{obj} ended in {obj.state}, not {expected}: the demo script is out of date.")

    def run(self, subject, ops, *, manager, applicant):
        """Take `subject` (a project or an award) through `ops`, each through the real service."""
        is_award = isinstance(subject, Award)
        applicant = applicant or manager
        payments, updates = {}, {}
        for op, *args in ops:
            if op == "t":
                name, note = args
                actor = applicant if name in APPLICANT_STEPS else manager
                if is_award:
                    subject = award_transition(award=subject, name=name, actor=actor, note=note)
                else:
                    subject = project_transition(project=subject, name=name, actor=actor, note=note)
            elif op == "approve":
                amount, note = args
                subject = award_transition(award=subject, name="approve", actor=manager, note=note, amount=amount)
            elif op == "pay":
                key, due_on, amount, *gate = args
                payments[key] = payment_schedule(
                    award=subject,
                    due_on=due_on,
                    amount=amount,
                    actor=manager,
                    gated_on_update=updates[gate[0]] if gate else None,
                )
            elif op == "pay_approve":
                payments[args[0]] = payment_transition(payment=payments[args[0]], name="approve", actor=manager)
            elif op == "pay_release":
                key, paid_on, reference = args
                payments[key] = payment_transition(
                    payment=payments[key], name="release", actor=manager, paid_on=paid_on, reference=reference
                )
            elif op == "pay_cancel":
                key, note = args
                payments[key] = payment_transition(payment=payments[key], name="cancel", actor=manager, note=note)
            elif op == "update":
                key, fields = args
                updates[key] = self.new_update(subject, applicant, fields)
            elif op == "edit_update":
                key, fields = args
                self.record_results(updates[key], fields.get("results", {}))
            elif op in ("submit_update", "resubmit"):
                name = "submit" if op == "submit_update" else "resubmit"
                updates[args[0]] = update_transition(update=updates[args[0]], name=name, actor=applicant)
            elif op == "accept":
                key, *reviewer = args
                actor = self.users[reviewer[0]] if reviewer else manager
                updates[key] = update_transition(update=updates[key], name="accept", actor=actor)
            elif op == "request_changes":
                key, note, *reviewer = args
                actor = self.users[reviewer[0]] if reviewer else manager
                updates[key] = self.request_changes(updates[key], actor=actor, note=note)
            elif op == "evaluation":
                fields, complete = args
                # Opened (prefilled from the indicators) when the work began evaluation; write it up.
                evaluation = Evaluation.objects.get(**{"award" if is_award else "project": subject})
                for name, value in fields.items():
                    setattr(evaluation, name, value)
                evaluation.save()
                if complete:
                    evaluation_complete(evaluation=evaluation, actor=manager)
            else:  # pragma: no cover - a typo in the script above
                raise CommandError(f"Unknown demo step {op!r}.")
        return subject

    def request_changes(self, update, *, actor, note) -> ProgressUpdate:
        return update_transition(update=update, name="request_changes", actor=actor, note=note)

    def new_update(self, subject, author, fields) -> ProgressUpdate:
        start, end = fields["period"]
        update = ProgressUpdate.objects.create(
            **{"award" if isinstance(subject, Award) else "project": subject},
            period_start=start,
            period_end=end,
            due_on=fields.get("due_on"),
            is_final=fields.get("is_final", False),
            progress=fields.get("progress", ""),
            challenges=fields.get("challenges", ""),
            next_steps=fields.get("next_steps", ""),
            spend_to_date=fields.get("spend", D("0.00")),
            settings_reached=fields.get("settings", 0),
            children_reached=fields.get("children", 0),
            author=author,
        )
        self.record_results(update, fields.get("results", {}))
        return update

    def record_results(self, update, results):
        indicators = Indicator.objects.filter(award=update.award, project=update.project)
        by_name = {indicator.name: indicator for indicator in indicators}
        for name, result in results.items():
            value, note = result if isinstance(result, tuple) else (result, "")
            if name not in by_name:
                raise CommandError(f"{update} reports on {name!r}, which is not one of its indicators.")
            IndicatorResult.objects.update_or_create(
                update=update, indicator=by_name[name], defaults={"value": D(str(value)), "note": note}
            )

    # Summary ----------------------------------------------------------------------------------

    def report(self, before):
        write = self.stdout.write
        write(self.style.SUCCESS("Demo data loaded."))
        for model in COUNTED:
            total = model.objects.count()
            added = total - before[model]
            write(
                f"  {model._meta.verbose_name_plural.capitalize():<28} {total:>5}" + (f"  (+{added})" if added else "")
            )
        write("")
        write("Programmes (committed / budget):")
        for programme in FundingProgramme.objects.order_by("name"):
            write(f"  {programme.name:<48} £{programme.committed_total():>12,.2f} / £{programme.budget:>12,.2f}")
        write("")
        write(f"Demo logins (password for all: {settings.DEMO_PASSWORD}):")
        header = f"  {'username':<10} {'role':<14} {'organisation':<40} password"
        write(header)
        write("  " + "-" * (len(header) - 2))
        for username, memberships, listed in self.logins:
            if not listed:
                continue
            for i, (identifier, role, _title) in enumerate(memberships):
                name = self.orgs[identifier].name
                if i == 0:
                    write(f"  {username:<10} {role:<14} {name:<40} {settings.DEMO_PASSWORD}")
                else:
                    write(f"  {'':<10} {role:<14} {name}")
        others = [username for username, _m, listed in self.logins if not listed]
        write(f"  Other partner logins (same password): {', '.join(others)}")

"""The partnerships layer's models, a module per concern; import them from here."""

from .geography import LocalAuthority, Region, SubRegion
from .organisations import Organisation
from .partnerships import Partnership, PartnershipMember
from .projects import Project, ProjectPartner

__all__ = [
    "LocalAuthority",
    "Organisation",
    "Partnership",
    "PartnershipMember",
    "Project",
    "ProjectPartner",
    "Region",
    "SubRegion",
]

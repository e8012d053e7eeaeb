"""Writing an application through the API, as on its pages: one section at a time
(POST /applications/{id}/sections/, the fields of that section only) and the organisations in the bid
(POST /applications/{id}/organisations/: a school taking part, or a co-applicant the lead invites)."""

from rest_framework import serializers

from partnerships.models import Organisation
from workflow.apis import ScopedPrimaryKeyRelatedField, money_field
from workflow.dates import GrantDateSerializerField
from workflow.text import NARRATIVE

from .. import services
from ..models import ApplicationOrganisation
from ..sections import SECTIONS, fields_of, section_named
from ..selectors import bid_organisation_list


def _text():
    return serializers.CharField(max_length=NARRATIVE, required=False, allow_blank=True)


class SectionSaveSerializer(serializers.Serializer):
    section = serializers.ChoiceField(choices=[s.slug for s in SECTIONS])
    title = serializers.CharField(max_length=400, required=False)
    amount_requested = money_field(required=False, min_value=0)
    planned_start = GrantDateSerializerField(required=False, allow_null=True)
    planned_end = GrantDateSerializerField(required=False, allow_null=True)
    project_summary = _text()
    outcomes = _text()
    budget_summary = _text()
    match_funding = _text()


class BidOrganisationAddSerializer(serializers.Serializer):
    organisation = ScopedPrimaryKeyRelatedField(bid_organisation_list, queryset=Organisation.objects.all())
    role = serializers.ChoiceField(choices=ApplicationOrganisation.Role.choices)
    gives_support = serializers.BooleanField(required=False, default=False)
    receives_support = serializers.BooleanField(required=False, default=False)


def save_section(application, user, data):
    """The fields of one section only: a field of another section is refused, not silently dropped."""
    section = section_named(application, data.pop("section"))
    if section is None:
        raise serializers.ValidationError({"section": "This application does not have that section at its stage."})
    unknown = sorted(set(data) - set(fields_of(application, section)))
    if unknown:
        raise serializers.ValidationError(
            {name: f"Not in the section “{section.title}”; save it with its own section." for name in unknown}
        )
    return services.section_save(application=application, actor=user, section=section, **data)


def add_organisation(application, user, data):
    return services.application_add_organisation(application=application, actor=user, **data)

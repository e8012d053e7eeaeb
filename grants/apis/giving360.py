"""360Giving through the API: a funder's published file in (preview or import, the options of
`import_360giving`), and the data-quality checks (`check_360giving`) on what would be published or on a
file. The same rule as the page and the admin: administrators and programme managers only; a manager
imports only into the programmes they manage (the importer refuses the others, row by row)."""

from __future__ import annotations

from pathlib import Path

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles
from partnerships.importing import check_import_size
from workflow.apis.errors import ERROR_RESPONSES
from workflow.request_limits import body_limit

from ..giving360 import Outcome360, grant, import_grants, published_awards, quality, read_bytes

MANAGERS_ONLY = "Only administrators and programme managers import or check 360Giving data."


def _manager(request) -> None:
    if not roles.of(request.user).is_manager:
        raise exceptions.PermissionDenied(MANAGERS_ONLY)


def _read(upload):
    """The uploaded file as a 360Giving source, or 400 with the reason in words."""
    try:
        check_import_size(upload.name, upload.size)
        return read_bytes(upload.read(), Path(upload.name).name)
    except ValueError as error:
        raise exceptions.ValidationError({"file": [str(error)]}) from None


class Giving360ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A 360Giving JSON data package, or the flat .csv or .xlsx.")
    dry_run = serializers.BooleanField(
        default=False, help_text="Check everything and say what would happen; write nothing (the preview)."
    )
    as_awarded = serializers.BooleanField(
        default=False,
        help_text="Grants the funder has already made: approved, active or closed by their dates. "
        "Without it they come in as draft applications.",
    )
    programme = serializers.CharField(
        default="", allow_blank=True, max_length=200, help_text="Put every grant in this programme (created if new)."
    )
    skip_bad_rows = serializers.BooleanField(
        default=False, help_text="Import the rows that are right; the others come back in `problems`."
    )


class Giving360ProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="As the file numbers it (0: the file as a whole).")
    column = serializers.CharField(help_text="The standard's own column title.")
    reason = serializers.CharField()


class Giving360OutcomeSerializer(serializers.Serializer):
    file = serializers.CharField()
    shape = serializers.CharField(help_text="JSON data package, flat CSV or flat XLSX.")
    dry_run = serializers.BooleanField()
    as_awarded = serializers.BooleanField()
    skip_bad_rows = serializers.BooleanField()
    grants = serializers.IntegerField(help_text="Grants in the file.")
    to_import = serializers.IntegerField()
    created = serializers.IntegerField(help_text="Awards written (0 on a dry run or when refused).")
    already = serializers.IntegerField(help_text="Grants already in Exchange, left as they are.")
    written = serializers.BooleanField()
    summary = serializers.CharField(help_text="The one-line outcome, as the command prints it.")
    preview = serializers.ListField(child=serializers.CharField(), help_text="What the import does, line by line.")
    problem_groups = serializers.ListField(
        child=serializers.CharField(), help_text="Problems grouped by cause, with a count and the first rows."
    )
    problems = Giving360ProblemSerializer(many=True, help_text="Every problem, row by row.")
    rows_with_problems = serializers.ListField(child=serializers.IntegerField())


def outcome_data(outcome: Outcome360) -> dict:
    return {
        "file": outcome.source.name,
        "shape": outcome.source.shape,
        "dry_run": outcome.dry_run,
        "as_awarded": outcome.as_awarded,
        "skip_bad_rows": outcome.skip_bad_rows,
        "grants": len(outcome.grants),
        "to_import": outcome.to_import,
        "created": outcome.created,
        "already": len(outcome.already),
        "written": outcome.written,
        "summary": outcome.summary(),
        "preview": outcome.report(),
        "problem_groups": outcome.problem_lines(),
        "problems": [{"row": p.row, "column": p.column, "reason": p.reason} for p in outcome.problems],
        "rows_with_problems": outcome.bad_rows,
    }


class Giving360ImportApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @body_limit("IMPORT_MAX_BYTES")
    @extend_schema(
        operation_id="giving360_import",
        summary="Preview or import a funder's 360Giving file (multipart, field `file`)",
        description=(
            "The options of `import_360giving`. All or nothing unless `skip_bad_rows`. 200: a dry run, or an "
            "import that wrote nothing new (every grant already in Exchange); 201: grants written; 400: nothing "
            "written because the file has problems (the same body, with the problems grouped by cause); "
            "403: not an administrator or programme manager."
        ),
        request={"multipart/form-data": Giving360ImportSerializer},
        responses={
            200: Giving360OutcomeSerializer,
            201: Giving360OutcomeSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Nothing written: the outcome (as for 200) with the file's problems grouped by cause, "
                "or field errors in words (no file; not a 360Giving file; too large).",
            ),
            403: ERROR_RESPONSES[403],
        },
        tags=["360giving"],
    )
    def post(self, request):
        _manager(request)
        incoming = Giving360ImportSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        options = incoming.validated_data
        source = _read(options["file"])
        outcome = import_grants(
            source,
            actor=request.user,
            dry_run=options["dry_run"],
            as_awarded=options["as_awarded"],
            programme=options["programme"].strip(),
            skip_bad_rows=options["skip_bad_rows"],
        )
        if outcome.written:
            code = status.HTTP_201_CREATED
        elif outcome.problems and (not outcome.skip_bad_rows or any(p.row == 0 for p in outcome.problems)):
            code = status.HTTP_400_BAD_REQUEST
        else:
            code = status.HTTP_200_OK
        return Response(outcome_data(outcome), status=code)


class Giving360CheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.ChoiceField(choices=["accuracy", "usefulness"])
    heading = serializers.CharField()
    critical = serializers.BooleanField(help_text="A critical check that fails holds the export back.")
    count = serializers.IntegerField()
    percentage = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=True)
    grants = serializers.ListField(child=serializers.CharField(), help_text="The identifiers of the grants.")


class Giving360QualitySerializer(serializers.Serializer):
    checked = serializers.CharField(help_text="What was checked: what you would publish, or the file's name.")
    grants = serializers.IntegerField()
    passed = serializers.IntegerField()
    critical_failed = serializers.ListField(child=serializers.CharField(), help_text="Codes of critical checks failed.")
    checks = Giving360CheckSerializer(many=True)


class Giving360FileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A 360Giving JSON data package, or the flat .csv or .xlsx.")


def quality_data(grants: list[dict], checked: str) -> dict:
    results = quality.run_checks(grants)
    return {
        "checked": checked,
        "grants": len(grants),
        "passed": len(results) - len(quality.failed(results)),
        "critical_failed": [r.check.code for r in quality.critical(results)],
        "checks": [
            {
                "code": r.check.code,
                "kind": r.check.kind,
                "heading": r.check.heading,
                "critical": r.check.critical,
                "count": r.count,
                "percentage": str(r.percentage),
                "grants": r.grants,
            }
            for r in results
        ],
    }


class Giving360QualityApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="giving360_quality",
        summary="360Giving data-quality checks on what you would publish",
        description="The checks of the 360Giving page and `check_360giving`, on the approved and later awards "
        "you may publish, each with its count, percentage and grants.",
        responses={200: Giving360QualitySerializer, 403: ERROR_RESPONSES[403]},
        tags=["360giving"],
    )
    def get(self, request):
        _manager(request)
        awards = published_awards(user=request.user).select_related("recipient__local_authority", "programme__funder")
        return Response(quality_data([grant(a) for a in awards], "what you would publish"))

    @body_limit("IMPORT_MAX_BYTES")
    @extend_schema(
        operation_id="giving360_quality_file",
        summary="360Giving data-quality checks on a file (multipart, field `file`)",
        description="As `check_360giving FILE`: nothing is imported.",
        request={"multipart/form-data": Giving360FileSerializer},
        responses={200: Giving360QualitySerializer, 400: ERROR_RESPONSES[400], 403: ERROR_RESPONSES[403]},
        tags=["360giving"],
    )
    def post(self, request):
        _manager(request)
        incoming = Giving360FileSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        source = _read(incoming.validated_data["file"])
        return Response(quality_data(source.grants, source.name))

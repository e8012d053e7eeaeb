"""A report with every text field at its maximum length beside the demo's award report, in the same run.

Loads the demo (`load_demo`) into a throwaway test database, takes the demo award with the most accepted
progress updates, and renders its report (gather + template + WeasyPrint) as the programme manager: the
reference. Then fills every free-text field that report shows — the award's title and description, its
accepted updates' narrative, review notes and result notes, indicator names and units, the evaluation,
every transition note — to its maximum length (workflow.text) with unbroken runs of characters, the case
that used to take WeasyPrint 55 s, and renders it again. Aim: within 3x the demo report.
"""

import logging
import tempfile
import time

RUN = "Collaboration" * 3 + "x" * 1000  # no space for a thousand characters: the worst case for line breaking


def _fill(length: int) -> str:
    return (RUN * (length // len(RUN) + 1))[:length]


def _max_out(award) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import models

    from grants.models import Award
    from reporting.models import Evaluation, Indicator, IndicatorResult, ProgressUpdate
    from workflow.models import TransitionLog

    def fill_texts(queryset, skip=()):
        model = queryset.model
        values = {}
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and not field.choices and field.name not in skip:
                if field.max_length and not field.unique:
                    values[field.name] = _fill(field.max_length)
        queryset.update(**values)

    fill_texts(Award.objects.filter(pk=award.pk), skip=("identifier", "currency"))
    updates = ProgressUpdate.objects.filter(award=award)
    fill_texts(updates)
    fill_texts(IndicatorResult.objects.filter(update__in=updates))
    fill_texts(Indicator.objects.filter(award=award))
    fill_texts(Evaluation.objects.filter(award=award))
    award_type = ContentType.objects.get_for_model(Award)
    fill_texts(
        TransitionLog.objects.filter(content_type=award_type, object_id=award.pk),
        skip=("transition", "source", "target"),
    )


def _render(user, pk):
    from reporting import reports

    report = reports.award_report(user=user, pk=pk)
    html = reports.render_html(report)
    start = time.perf_counter()
    pdf = reports.render_pdf(html)
    return time.perf_counter() - start, report, html, pdf


def _best(user, pk, repeat=2):
    runs = [_render(user, pk) for _ in range(repeat)]
    return min(runs, key=lambda r: r[0])


def main():
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Q
    from django.test.utils import override_settings, setup_test_environment, teardown_test_environment

    from grants.models import Award
    from reporting.reports.store import text_size

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    media = override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="bench-report-text-"))
    media.enable()
    try:
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
        call_command("load_demo", verbosity=0)
        manager = get_user_model().objects.get(username="manager")
        award = (
            Award.objects.annotate(accepted=Count("progress_updates", filter=Q(progress_updates__state="accepted")))
            .order_by("-accepted", "pk")
            .first()
        )
        import weasyprint  # noqa: F401  (the one-off import, not part of either figure)

        demo_time, demo_report, demo_html, demo_pdf = _best(manager, award.pk)
        _max_out(award)
        long_time, long_report, long_html, long_pdf = _best(manager, award.pk)
        from io import BytesIO

        from pypdf import PdfReader

        def pages(pdf):
            return len(PdfReader(BytesIO(pdf)).pages)

        print(f"award {award.identifier}: {award.accepted} accepted updates")
        print(
            f"  demo report            {demo_time * 1000:8.0f} ms  {pages(demo_pdf):3d} pages  "
            f"{text_size(demo_report.data):7,d} characters of text   (reference)"
        )
        print(
            f"  every text at maximum  {long_time * 1000:8.0f} ms  {pages(long_pdf):3d} pages  "
            f"{text_size(long_report.data):7,d} characters of text"
        )
        print(f"  maximum / demo = {long_time / demo_time:5.2f}x   (aim < 3x)")
    finally:
        media.disable()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()

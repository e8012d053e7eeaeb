from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("new/", views.call_create, name="call_create"),
    path("<int:pk>/", views.call_detail, name="call_detail"),
    path("<int:pk>/edit/", views.call_edit, name="call_edit"),
    path("<int:pk>/criteria/new/", views.criterion_add, name="criterion_add"),
    path("criteria/<int:pk>/edit/", views.criterion_edit, name="criterion_edit"),
    path("criteria/<int:pk>/remove/", views.criterion_remove, name="criterion_remove"),
    path("<int:pk>/apply/", views.call_apply, name="call_apply"),
    path("<int:pk>/panel/", views.call_panel, name="call_panel"),
    path("<int:pk>/panel.csv", views.call_export, name="call_export"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/edit/<slug:section>/", views.application_section, name="application_section"),
    path("applications/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("applications/<int:pk>/invitation/", views.application_invitation, name="application_invitation"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path(
        "applications/<int:pk>/organisations/", views.application_organisation_add, name="application_organisation_add"
    ),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:pk>/assign/", views.application_assign, name="application_assign"),
    path("applications/<int:pk>/decide/", views.application_decide, name="application_decide"),
    path("applications/<int:pk>/feedback/", views.application_feedback, name="application_feedback"),
    path("applications/<int:pk>/interest/", views.application_interest, name="application_interest"),
    path("applications/<int:pk>/assessment.pdf", views.application_pdf, name="application_pdf"),
    path(
        "organisations/<int:pk>/remove/", views.application_organisation_remove, name="application_organisation_remove"
    ),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/declare/", views.assessment_declare, name="assessment_declare"),
    path("assessments/<int:pk>/reopen/", views.assessment_reopen, name="assessment_reopen"),
]

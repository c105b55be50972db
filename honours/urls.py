from django.urls import path

from .views import assessments, nominations, records

app_name = "honours"
urlpatterns = [
    path("", records.honour_list, name="list"),
    path("new/", records.honour_form, name="create"),
    path("golden/", records.golden_list, name="golden"),
    path("lookup/", records.honour_lookup, name="lookup"),
    path("batches/", nominations.batch_list, name="batches"),
    path("batches/new/", nominations.batch_form, name="batch-create"),
    path("batches/<int:pk>/", nominations.batch_detail, name="batch"),
    path("nominations/<int:pk>/", nominations.nomination_detail, name="nomination"),
    path("nominations/<int:pk>/step/", nominations.nomination_step, name="nomination-step"),
    path("schemes/", assessments.scheme_list, name="schemes"),
    path("schemes/new/", assessments.scheme_form, name="scheme-create"),
    path("schemes/<int:pk>/indicators/", assessments.scheme_indicators, name="scheme-indicators"),
    path("schemes/<int:pk>/", assessments.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/results/", assessments.scheme_results, name="results"),
    path("assessments/<int:pk>/", assessments.assessment_detail, name="assessment"),
]

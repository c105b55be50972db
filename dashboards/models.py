"""Dashboard figures, precomputed per organisation and year. A snapshot older than the CONFIG interval
(`dashboard_refresh_minutes`) is recomputed before it is shown, and the page says when it was computed."""

from django.db import models


class DashboardSnapshot(models.Model):
    org = models.ForeignKey("orgs.PartyOrg", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    computed_at = models.DateTimeField()
    seconds = models.FloatField(default=0)  # how long the computation took
    data = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="snapshot_once")]

"""Whether this database holds the demo scenario, and as of which day it was loaded."""

import datetime as dt

from django.core.cache import cache
from django.db import models

CACHE_KEY = "demo:scenario-loaded-on"


class DemoScenario(models.Model):
    """One row once `load_demo` has run: every page then says it shows demo data."""

    loaded_on = models.DateField(help_text="The day the scenario's dates were counted from.")
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "demo scenario"

    def __str__(self):
        return f"Demo scenario loaded as of {self.loaded_on:%d %B %Y}"

    @classmethod
    def mark_loaded(cls, *, today: dt.date) -> "DemoScenario":
        row = cls.objects.order_by("pk").first()
        if row is None:
            row = cls.objects.create(loaded_on=today)
        cache.delete(CACHE_KEY)
        return row

    @classmethod
    def loaded_on_cached(cls) -> dt.date | None:
        """The day the demo was loaded, or None when this is not a demo database; read once a minute."""
        value = cache.get(CACHE_KEY)
        if value is None:
            row = cls.objects.order_by("pk").values_list("loaded_on", flat=True).first()
            value = row or "no"
            cache.set(CACHE_KEY, value, 60)
        return None if value == "no" else value

"""Where an organisation is: England's regions, the partnerships' sub-regions, local authorities."""

from django.db import models


class Region(models.Model):
    name = models.CharField(max_length=100, unique=True)
    code = models.CharField("ONS code", max_length=9, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class SubRegion(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="sub_regions")
    name = models.CharField(max_length=100, unique=True)
    number = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["number", "name"]

    def __str__(self):
        return self.name


class LocalAuthority(models.Model):
    name = models.CharField(max_length=100, unique=True)
    gss_code = models.CharField("ONS (GSS) code", max_length=9, unique=True)
    dfe_code = models.CharField("DfE LA number", max_length=3, unique=True, null=True, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="local_authorities")
    sub_region = models.ForeignKey(
        SubRegion, null=True, blank=True, on_delete=models.PROTECT, related_name="local_authorities"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self):
        return self.name

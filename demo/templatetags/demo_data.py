"""`{% demo_loaded_on as day %}`: the day the demo scenario was loaded, or None (for PDFs, which have no request)."""

from django import template

from demo.models import DemoScenario

register = template.Library()


@register.simple_tag
def demo_loaded_on():
    return DemoScenario.loaded_on_cached()

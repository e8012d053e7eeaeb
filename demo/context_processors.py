import functools

from .models import DemoScenario


def demo(request):
    """`demo_loaded_on` for the "Demo data" banner every page shows on a demo database.

    Handed to templates as a callable, so a response that never shows the banner (the API's own pages,
    files) never reads it; a page that does reads it once."""
    return {"demo_loaded_on": functools.cache(DemoScenario.loaded_on_cached)}

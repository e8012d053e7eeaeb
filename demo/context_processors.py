from .models import DemoScenario


def demo(request):
    """`demo_loaded_on` for the "Demo data" banner every page shows on a demo database."""
    return {"demo_loaded_on": DemoScenario.loaded_on_cached()}

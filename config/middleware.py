"""When the database drops mid-request (a restart, a failover), say so plainly with a 503.

The request's transaction has already rolled back, so nothing was half-saved; the next request
reconnects (CONN_HEALTH_CHECKS).
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.template.response import TemplateResponse

logger = logging.getLogger("exchange.database")

MESSAGE = (
    "The database is not answering just now, so nothing was saved. "
    "Please try again in a minute; if it keeps happening, tell your administrator."
)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable during %s %s: %s", request.method, request.path, exception)
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": MESSAGE}, status=503)
        else:
            response = TemplateResponse(request, "503.html", {"message": MESSAGE}, status=503)
        response["Retry-After"] = "30"
        return response

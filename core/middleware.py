"""Middleware of our own besides the sign-in checks (accounts.security)."""

import logging

from django.db import OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class DatabaseBusyMiddleware:
    """SQLite has one write lock: a save that waited its whole timeout behind a large import gets a page that says
    so, and that nothing was saved, instead of a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError) and "locked" in str(exception):
            logger.warning("database busy: %s %s", request.method, request.path)
            html = render_to_string("busy.html", {"method": request.method}, request=request)
            response = HttpResponse(html, status=503)
            response["Retry-After"] = "30"
            return response
        return None

"""The console's 403, 404 and 500 pages (``handler403/404/500`` in ``config.urls``).

403 and 404 use the console's layout; the 500 page renders without a request context (no
database query, no user), so it still shows when the database is what failed. None lists
URLs or settings.
"""

from __future__ import annotations

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def forbidden(request, exception=None):
    """403: the page exists but your role does not allow it."""
    reason = str(exception) if exception and str(exception) else "Your role does not allow this page."
    return render(request, "nfvo/error.html", {"code": 403, "title": "Not allowed", "reason": reason}, status=403)


def not_found(request, exception=None):
    """404: nothing here, or nothing you can see (other tenants' objects look absent)."""
    return render(
        request,
        "nfvo/error.html",
        {"code": 404, "title": "Not found", "reason": "There is nothing here, or nothing you can see."},
        status=404,
    )


def server_error(request):
    """500: a fault on our side; the request's details are in the server log."""
    return HttpResponseServerError(loader.get_template("nfvo/error500.html").render({}))

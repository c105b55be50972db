from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accounts.models import RoleGrant


def healthz(request):
    """Trivial view: the benchmark's yardstick, through the same middleware as every page."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request):
    grants = RoleGrant.objects.filter(user=request.user, is_active=True).select_related("org")
    person = getattr(request.user, "person", None)
    return render(request, "core/home.html", {"grants": grants, "person": person})

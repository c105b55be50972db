from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from accounts.models import RoleGrant
from core.access import get_visible_or_404, require
from core.history import history_for


def healthz(request):
    """Trivial view: the benchmark's yardstick, through the same middleware as every page."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request):
    grants = RoleGrant.objects.filter(user=request.user, is_active=True).select_related("org")
    person = getattr(request.user, "person", None)
    return render(request, "core/home.html", {"grants": grants, "person": person})


@login_required
def history(request, model: str, pk: int):
    """An object's change history. Pages load it when it scrolls into view (`history_later` in _macros.html):
    it costs a query per related model named in it, for a table most readers of the page never reach."""
    model_class = _model_with_history(model)
    obj = get_visible_or_404(request.user, model_class.objects, pk=pk)
    require(request.user, obj, "history")
    template = "core/_history.html" if request.htmx else "core/history.html"
    return render(request, template, {"obj": obj, "entries": history_for(obj)})


def _model_with_history(label: str):
    """The audited model whose access roles say who may read its history; 404 for any other label."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404("没有这类记录") from None
    if "history" not in getattr(model, "access_roles", {}) or not auditlog.contains(model):
        raise Http404("没有这类记录")
    return model

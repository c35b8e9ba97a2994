"""Designer GUI pages (``/designer/``): the project list and the project page (graph and
text editors, see ``frontend/src/designer.js``), plus two JSON helpers the page needs and
the REST API lacks: the graph of unsaved text (``preview``) and the nesting check.

The page reads and saves files through the REST API (``/api/rdcl/``); these helpers store
nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from translators import limits
from translators.errors import DescriptorError

from . import checks, services
from .api import type_data
from .models import GraphLayout
from .types.description import DescriptionError
from .types.registry import get_type, types


def _project(request, pk):
    return get_object_or_404(services.visible_projects(request.user), pk=pk)


@login_required
def project_list(request):
    """Your projects; create one (POST): empty with the type's starter files
    (``example=starter``), or from the type's examples."""
    if request.method == "POST":
        name, type_name = request.POST.get("name", "").strip(), request.POST.get("type", "")
        example = request.POST.get("example", "") or "all"
        if not name or type_name not in types():
            messages.error(request, "a project needs a name and a known type")
        else:
            try:
                if example == "starter":
                    project = services.create_from_starter(request.user, name, type_name)
                else:
                    project = services.create_from_example(request.user, name, type_name, example)
            except services.Refused as exc:
                messages.error(request, f"{exc.detail}: " + "; ".join(p["message"] for p in exc.problems))
            except Exception as exc:  # duplicate name, unknown example: shown, not a 500
                messages.error(request, f"not created: {exc}")
            else:
                return redirect("rdcl:project", pk=project.pk)
    catalogue = {name: list(services.examples(name)) for name in types()}
    return render(
        request,
        "rdcl/project_list.html",
        {
            "projects": services.visible_projects(request.user).select_related("owner").order_by("name"),
            "catalogue": catalogue,
            "types": [(n, get_type(n).label) for n in types()],
        },
    )


@login_required
def project_page(request, pk):
    """The project's files, a graph per view of its type and the text editor."""
    project = _project(request, pk)
    current = sorted(services.current_revisions(project).items())
    kinds = checks.file_kinds(project.type, {path: r.text for path, r in current})
    files = [
        {"id": r.file_id, "path": path, "revision": r.number, "text": r.text, "kind": kinds.get(path)}
        for path, r in current
    ]
    config = {
        "project": {
            "id": project.pk,
            "name": project.name,
            "type": project.type,
            "access": services.access_of(project, request.user),
        },
        "type": type_data(project.type, with_text=False),
        "files": files,
        "csar": checks.is_tosca(get_type(project.type)),
    }
    return render(request, "rdcl/project.html", {"project": project, "config": config, "csar": config["csar"]})


class _BadBody(Exception):
    """A request body these views cannot use: ``status`` and ``detail`` for the answer."""

    def __init__(self, detail: str, status: int = 400):
        super().__init__(detail)
        self.detail, self.status = detail, status


def _body(request) -> dict:
    """The JSON object a request carries (``{}`` when it has none or it is not an object).

    :raises _BadBody: over a parser limit (:mod:`translators.limits`: 413 for its size).
    """
    try:
        data = limits.load_json(request.body or b"{}")
    except limits.LimitError as exc:
        raise _BadBody(f"refused: {exc.message}", exc.status) from None
    except ValueError:
        data = None
    return data if isinstance(data, dict) else {}


@login_required
@require_POST
def preview(request, pk, view):
    """``{"graph", "problems", "model_problems", "kinds", "error"}`` of the project with
    ``files`` (path: text) changed; ``graph`` is null when the files cannot be read.
    ``model_problems``: how the view's graph breaks the description model (links of types
    that may not join their ends, composition constraints), in the model's labels;
    ``kinds``: each file's descriptor kind (:func:`rdcl.checks.file_kinds`). Stores nothing."""
    project = _project(request, pk)
    try:
        changes = _body(request).get("files") or {}
    except _BadBody as exc:
        return JsonResponse({"detail": exc.detail}, status=exc.status)
    if not isinstance(changes, dict):
        return JsonResponse({"detail": "files is an object of path: text"}, status=400)
    changes = {p: t for p, t in changes.items() if isinstance(t, str)}
    files = {**services.current_files(project), **changes}
    problems = services.validation(project, changes)
    try:
        graph, error = services.cached_graph(project.type, files, view), ""
    except KeyError as exc:
        raise Http404(exc.args[0]) from None
    except (DescriptorError, ValueError) as exc:
        graph, error = None, str(exc)
    model_problems: list[str] = []
    if graph is not None:
        model_problems = get_type(project.type).description_model().check_graph(graph)
        layout = GraphLayout.objects.filter(project=project, view=view).first()
        positions = layout.positions if layout else {}
        for node in graph["nodes"]:
            node["position"] = positions.get(node["id"])
    return JsonResponse(
        {
            "graph": graph,
            "problems": problems,
            "model_problems": model_problems,
            "kinds": checks.file_kinds(project.type, files),
            "error": error,
        }
    )


@login_required
@require_POST
def check_nesting(request, pk):
    """May a ``child`` node type sit inside a ``parent`` node type? ``allowed`` or the reason."""
    project = _project(request, pk)
    try:
        data = _body(request)
    except _BadBody as exc:
        return JsonResponse({"detail": exc.detail}, status=exc.status)
    try:
        answer = (
            get_type(project.type).description_model().check_nesting(str(data.get("child")), str(data.get("parent")))
        )
    except DescriptionError as exc:
        return JsonResponse({"allowed": False, "reason": str(exc)})
    return JsonResponse({"allowed": answer.allowed, "reason": answer.reason})

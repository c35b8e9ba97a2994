"""Designer GUI pages (``/designer/``): the project list and the project page (graph and
text editors, see ``frontend/src/designer.js``), plus two JSON helpers the page needs and
the REST API lacks: the graph of unsaved text (``preview``) and the nesting check.

The page reads and saves files through the REST API (``/api/rdcl/``); these helpers store
nothing.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from rest_framework.exceptions import NotFound

from config.problems import problem_response
from translators import limits
from translators.errors import DescriptorError

from . import checks, services
from .api import type_data
from .exceptions import BadBody, InvalidProject, RdclError
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
            except InvalidProject as exc:
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


def _answers_problems(view):
    """The designer's JSON helpers answer their errors (:class:`rdcl.exceptions.RdclError`,
    404 for a project you cannot see) as problem details, as the REST API does
    (:func:`config.problems.problem_response`)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except RdclError as exc:
            return problem_response(exc, request)
        except Http404 as exc:  # a project you cannot see
            return problem_response(NotFound(str(exc) or NotFound.default_detail), request)

    return wrapped


def _body(request) -> dict:
    """The JSON object a request carries (``{}`` when it has none or it is not an object).

    :raises BadBody: over a parser limit (:mod:`translators.limits`: 413 for its size).
    """
    try:
        data = limits.load_json(request.body or b"{}")
    except limits.LimitError as exc:
        raise BadBody(f"refused: {exc.message}", status=exc.status) from None
    except ValueError:
        data = None
    return data if isinstance(data, dict) else {}


@login_required
@require_POST
@_answers_problems
def preview(request, pk, view):
    """``{"graph", "problems", "model_problems", "kinds", "error"}`` of the project with
    ``files`` (path: text) changed; ``graph`` is null when the files cannot be read.
    ``model_problems``: how the view's graph breaks the description model (links of types
    that may not join their ends, composition constraints), in the model's labels;
    ``kinds``: each file's descriptor kind (:func:`rdcl.checks.file_kinds`). Stores nothing."""
    project = _project(request, pk)
    changes = _body(request).get("files") or {}
    if not isinstance(changes, dict):
        raise BadBody("files is an object of path: text", field="files")
    changes = {p: t for p, t in changes.items() if isinstance(t, str)}
    files = {**services.current_files(project), **changes}
    problems = services.validation(project, changes)
    try:
        graph, error = services.cached_graph(project.type, files, view), ""
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
@_answers_problems
def check_nesting(request, pk):
    """May a ``child`` node type sit inside a ``parent`` node type? ``allowed`` or the reason."""
    project = _project(request, pk)
    data = _body(request)
    try:
        answer = (
            get_type(project.type).description_model().check_nesting(str(data.get("child")), str(data.get("parent")))
        )
    except DescriptionError as exc:
        return JsonResponse({"allowed": False, "reason": str(exc)})
    return JsonResponse({"allowed": answer.allowed, "reason": answer.reason})

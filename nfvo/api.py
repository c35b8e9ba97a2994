"""REST API (Django REST framework): sites, catalogue, orders, instances, jobs, events,
tenants and the audit log. Everything needs a login; what a user sees follows
:mod:`nfvo.access` (objects of other tenants are 404, not 403), what they may do the
permission classes of :mod:`nfvo.permissions`. Views raise errors (:mod:`nfvo.exceptions`,
DRF's); :mod:`config.problems` answers each as RFC 9457 problem details."""

import git
from django.db import transaction
from django.db.models import ProtectedError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from rdcl.services import visible_projects

from . import access, event_stream, publications, services, site_check
from .credentials import NAMES as credential_names
from .exceptions import (
    DialogError,
    Forbidden,
    InUse,
    ItemOutdated,
    NameTaken,
    RefNotFound,
    RemoteRefused,
    RepositoryUnreadable,
)
from .models import AuditEntry, CatalogueItem, Membership, Publication, Site, Tenant
from .permissions import (
    IsOperator,
    IsSuperuserOrReadOnly,
    MayApprove,
    MayChangeItem,
    MayManageMembers,
    MayOperate,
    MaySeeSiteDetails,
    PerAction,
)
from .serializers import (
    AuditEntrySerializer,
    CatalogueItemSerializer,
    CatalogueSettingsSerializer,
    DecisionSerializer,
    JobEventSerializer,
    JobSerializer,
    JobSummarySerializer,
    MembershipSerializer,
    OperationRequestSerializer,
    OrderRequestSerializer,
    OrderSerializer,
    PublicationRequestSerializer,
    PublicationSerializer,
    PublishRequestSerializer,
    ServiceInstanceDetailSerializer,
    ServiceInstanceSerializer,
    SiteSerializer,
    TenantSerializer,
)


def conflict(description: str) -> OpenApiResponse:
    """A 409 answer: a problem (:mod:`config.problems`) saying why the state does not allow it."""
    return OpenApiResponse(description=description)


def _integer(request, name: str, default: int) -> int:
    """The query parameter ``name`` as an integer (``default`` when absent).

    :raises ValidationError: not an integer (400, ``errors: {name: [...]}``).
    """
    try:
        return int(request.query_params.get(name, default))
    except ValueError:
        raise ValidationError({name: ["must be an integer"]}) from None


class SiteViewSet(viewsets.ModelViewSet):
    """Sites you can see (global ones and your tenants'; :mod:`nfvo.access`). Superusers
    create, change and delete them; credentials are write-only fields (reads say which
    are set, never their values). ``check/`` (POST: superusers, operators of the site's
    tenant) tests reachability and credentials and records the result."""

    serializer_class = SiteSerializer
    permission_classes = [permissions.IsAuthenticated, IsSuperuserOrReadOnly]
    lookup_field = "name"
    queryset = Site.objects.all()  # the router's basename; requests use get_queryset

    def get_queryset(self):
        return access.sites(self.request.user).select_related("tenant")

    def _audit(self, action_name: str, site: Site) -> None:
        given = sorted(n for n in credential_names if n in self.request.data)  # names only, never values
        access.audit(self.request, action_name, f"site:{site.name}", credentials=given)

    def perform_create(self, serializer):
        self._audit("create_site", serializer.save())

    def perform_update(self, serializer):
        self._audit("change_site", serializer.save())

    def perform_destroy(self, instance):
        instance.delete()
        access.audit(self.request, "delete_site", f"site:{instance.name}")

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "SiteCheck",
                {
                    "status": serializers.ChoiceField(["ok", "failed"]),
                    "message": serializers.CharField(),
                    "checked": serializers.DateTimeField(),
                },
            )
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated, MaySeeSiteDetails])
    def check(self, request, name=None):
        """Reach the site now; 200 with ``{status, message, checked}`` (also stored)."""
        site = self.get_object()
        result = site_check.check(site)
        access.audit(request, "check_site", f"site:{site.name}", status=result["status"])
        return Response(result)


class TenantViewSet(viewsets.ModelViewSet):
    """Tenants: the ones you belong to (all of them for superusers, who also create, change
    and delete them; a tenant that still owns instances cannot be deleted: 409).
    ``members/`` lists, adds or changes (POST ``{user, role}``) and removes
    (DELETE ``members/<username>/``) members: tenant admins and superusers."""

    serializer_class = TenantSerializer
    permission_classes = [permissions.IsAuthenticated, IsSuperuserOrReadOnly]
    lookup_field = "name"

    def get_queryset(self):
        return access.tenants(self.request.user)

    def perform_create(self, serializer):
        tenant = serializer.save()
        access.audit(self.request, "create_tenant", f"tenant:{tenant.name}")

    def perform_update(self, serializer):
        tenant = serializer.save()
        access.audit(self.request, "update_tenant", f"tenant:{tenant.name}")

    @extend_schema(responses={204: None, 409: conflict("the tenant still owns service instances")})
    def destroy(self, request, *args, **kwargs):
        tenant = self.get_object()
        try:
            tenant.delete()
        except ProtectedError:
            raise InUse(f"tenant {tenant.name} still owns service instances or catalogue items") from None
        access.audit(request, "delete_tenant", f"tenant:{tenant.name}")
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["GET"], request=None, responses={200: MembershipSerializer(many=True)})
    @extend_schema(
        methods=["POST"], request=MembershipSerializer, responses={200: MembershipSerializer, 201: MembershipSerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[permissions.IsAuthenticated, MayManageMembers],
        serializer_class=MembershipSerializer,
        pagination_class=None,
    )
    def members(self, request, name=None):
        """GET: the members and their roles. POST ``{user, role}``: add a member or change
        their role (201 added, 200 changed); tenant admins and superusers."""
        tenant = self.get_object()
        if request.method == "GET":
            rows = tenant.memberships.select_related("user").order_by("user__username")
            return Response(MembershipSerializer(rows, many=True).data)
        req = MembershipSerializer(data=request.data)
        req.is_valid(raise_exception=True)
        user, role = req.validated_data["user"], req.validated_data["role"]
        _, created = Membership.objects.update_or_create(user=user, tenant=tenant, defaults={"role": role})
        access.audit(
            request,
            "add_member" if created else "change_member",
            f"tenant:{tenant.name}",
            user=user.get_username(),
            role=role,
        )
        return Response(
            {"user": user.get_username(), "role": role},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=None, responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"members/(?P<username>[^/]+)",
        permission_classes=[permissions.IsAuthenticated, MayManageMembers],
    )
    def remove_member(self, request, name=None, username=None):
        """Remove a member (204; 404 when not a member); tenant admins and superusers."""
        tenant = self.get_object()
        deleted, _ = tenant.memberships.filter(user__username=username).delete()
        if not deleted:
            raise NotFound(f"{username} is not a member of {tenant.name}")
        access.audit(request, "remove_member", f"tenant:{tenant.name}", user=username)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AuditViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit log: who did what, when, from where (admins only)."""

    serializer_class = AuditEntrySerializer
    permission_classes = [permissions.IsAdminUser]
    queryset = AuditEntry.objects.all()


def _requested_tenant(user, name: str) -> Tenant | None:
    """The tenant a request names (``''``: none); an unknown name is refused like one the
    user may not use (no existence oracle).

    :raises Forbidden: no tenant of that name.
    """
    if not name:
        return None
    tenant = Tenant.objects.filter(name=name).first()
    if tenant is None:
        raise Forbidden(f"{user} may not publish for tenant {name}")
    return tenant


class CatalogueItemViewSet(PerAction, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Catalogue items shared with your tenants. Operators publish any git repository of
    playbooks (POST) for their tenant, which then owns the item; the owner's operators
    change its settings (PATCH: approval, timeout, queue, tenants, description) and
    ``refresh/`` it (POST, also a git push webhook) to pick up new commits. Rules:
    :mod:`nfvo.access`; repositories: :mod:`nfvo.remotes`."""

    serializer_class = CatalogueItemSerializer
    lookup_field = "name"
    action_permissions = {
        "create": [IsOperator],
        "update": [MayChangeItem],
        "partial_update": [MayChangeItem],
        "refresh": [MayChangeItem],
    }

    def get_queryset(self):
        return access.items(self.request.user)

    def get_serializer_class(self):
        return {
            "create": PublishRequestSerializer,
            "update": CatalogueSettingsSerializer,
            "partial_update": CatalogueSettingsSerializer,
        }.get(self.action, CatalogueItemSerializer)

    def create(self, request, *args, **kwargs):
        """Publish ``{name, repository, ref, folder, playbooks, sites, dialog, tenant?, ...}``
        for ``tenant`` (default: yours): 201 with the item and the commit its ref names now;
        400 with errors per field (a repository the settings do not allow, naming the rule,
        and a ref that does not exist included); 403 without an operator role (of
        ``tenant``), or sharing with every tenant (``tenants: []``) unless a superuser; 409
        when the name belongs to another tenant. Settings left out keep an existing item's."""
        req = PublishRequestSerializer(data=request.data)
        req.is_valid(raise_exception=True)
        data = dict(req.validated_data)
        name, shared = data.pop("name"), data.pop("tenants", None)
        if "tenants" not in request.data:  # a form leaving it out reads as [] (every tenant): keep as is
            shared = None
        owner = access.publishing_tenant(
            request.user,
            CatalogueItem.objects.filter(name=name).first(),
            _requested_tenant(request.user, data.pop("tenant", "")),
        )
        if shared is not None and not access.may_share(request.user, shared):
            raise Forbidden("only superusers share an item with every tenant; name its tenants")
        try:
            item = services.publish_repository(
                name,
                data.pop("repository"),
                data.pop("ref"),
                data.pop("folder"),
                data.pop("playbooks"),
                data.pop("sites"),
                dialog_schema=data.pop("dialog"),
                tenants=shared,
                owner=owner,
                take_over=access.may_take_over(request.user),
                **data,
            )
        except NameTaken as exc:
            access.audit(request, "publish_refused", f"item:{name}", reason=str(exc))
            raise
        except DialogError as exc:
            raise exc.within("dialog") from None
        except git.GitError as exc:  # GitPython's own refusals: never a 500
            raise RepositoryUnreadable(f"cannot read the repository: {str(exc)[:500]}") from None
        access.audit(
            request,
            "publish",
            f"item:{item.name}",
            commit=item.published_commit,
            owner=item.owner.name if item.owner else None,
        )
        return Response(CatalogueItemSerializer(item).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        """Change an item's settings (operators of its owner tenant, superusers); 200 with the
        item; 404 when you cannot see it, 403 when you see it but do not own it or share it
        with every tenant (``tenants: []``) without being a superuser."""
        item = self.get_object()
        req = CatalogueSettingsSerializer(item, data=request.data, partial=kwargs.get("partial", False))
        req.is_valid(raise_exception=True)
        shared = req.validated_data.pop("tenants", None)
        if shared is not None and not access.may_share(request.user, shared):
            raise Forbidden("only superusers share an item with every tenant; name its tenants")
        with transaction.atomic():
            req.save()
            if shared is not None:
                services.share(item, shared)
        access.audit(request, "change_item", f"item:{item.name}", fields=sorted(request.data))
        return Response(CatalogueItemSerializer(item).data)

    @extend_schema(request=None, responses={200: CatalogueItemSerializer, 409: conflict("the ref no longer resolves")})
    @action(detail=True, methods=["post"])
    def refresh(self, request, name=None):
        """Resolve the item's ref again (call it from a push webhook): operators of its owner
        tenant and superusers (404/403 as PATCH); 409 when the ref is gone, the repository
        cannot be read or is no longer an allowed remote (naming the rule)."""
        item = self.get_object()
        try:
            item = services.refresh(item)
        except (RemoteRefused, RepositoryUnreadable, RefNotFound) as exc:
            raise ItemOutdated(str(exc), field=exc.field, rule=getattr(exc, "rule", None)) from None
        access.audit(request, "refresh", f"item:{item.name}", commit=item.published_commit)
        return Response(CatalogueItemSerializer(item).data)


class ServiceInstanceViewSet(PerAction, viewsets.ReadOnlyModelViewSet):
    """Your tenants' services; ``operate/`` (POST) runs a lifecycle operation (delete, scale, ...)."""

    serializer_class = ServiceInstanceSerializer
    action_permissions = {"operate": [MayOperate]}

    def get_queryset(self):
        return access.instances(self.request.user).select_related("item", "tenant")

    def get_serializer_class(self):
        return ServiceInstanceDetailSerializer if self.action == "retrieve" else ServiceInstanceSerializer

    @extend_schema(request=OperationRequestSerializer, responses={201: JobSerializer})
    @action(detail=True, methods=["post"])
    def operate(self, request, pk=None):
        """``{operation, mode?, limit?, parameters?}`` -> 201 with the job."""
        instance = self.get_object()
        req = OperationRequestSerializer(data=request.data)
        req.is_valid(raise_exception=True)
        data = req.validated_data
        try:
            job = services.operate(
                instance, data["operation"], data["mode"], data["limit"], data["parameters"], user=request.user
            )
        except DialogError as exc:
            raise exc.within("parameters") from None
        access.audit(request, data["operation"], f"instance:{instance.pk}", job=job.pk, mode=job.mode)
        return Response(JobSerializer(job).data, status=status.HTTP_201_CREATED)


class JobViewSet(PerAction, viewsets.ReadOnlyModelViewSet):
    """Your tenants' jobs; ``events/?after=N`` returns the events after counter N (a cursor)."""

    serializer_class = JobSerializer
    action_permissions = {"cancel": [MayOperate], "retry": [MayOperate]}

    def get_queryset(self):
        jobs = access.jobs(self.request.user)
        if self.action == "list":
            return jobs.only(*JobSummarySerializer.Meta.fields)
        return jobs

    def get_serializer_class(self):
        return JobSummarySerializer if self.action == "list" else JobSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("after", int, description="events after this counter (default 0)"),
            OpenApiParameter("limit", int, description="at most this many events (1-500, default 500)"),
        ],
        responses={
            200: inline_serializer(
                "JobEvents",
                {
                    "status": serializers.CharField(),
                    "done": serializers.BooleanField(),
                    "events": JobEventSerializer(many=True),
                },
            )
        },
    )
    @action(detail=True)
    def events(self, request, pk=None):
        """Events after ``?after=`` (default 0), at most ``?limit=`` (1-500, default 500), and
        whether the job is done. The job page asks for a short first page so it paints at once.
        A job run in parts lists its parts' events, in the order they ran, as one stream
        (``counter`` rises across parts, ``part`` says whose: :mod:`nfvo.event_stream`)."""
        job = self.get_object()
        after = _integer(request, "after", 0)
        limit = min(max(_integer(request, "limit", 500), 1), 500)
        stream = event_stream.segments(job)  # a job run in parts: theirs merged in (nfvo.event_stream)
        events = event_stream.after(stream, after, limit)
        parts = {seg.job_id: seg.part for seg in stream}
        data = JobEventSerializer(events, many=True, context={"parts": parts}).data
        return Response({"status": job.status, "done": job.done, "events": data})

    @extend_schema(request=None, responses={200: JobSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel the job (at once when not started; through ansible-runner when running)."""
        job = self.get_object()
        access.audit(request, "cancel", f"job:{job.pk}")
        return Response(JobSerializer(services.cancel(job, user=request.user)).data)

    @extend_schema(request=None, responses={201: JobSerializer, 409: conflict("the job has not finished")})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Run a finished job's operation again; 201 with the new job, 409 if not finished."""
        job = self.get_object()
        new = services.retry(job, user=request.user)
        access.audit(request, "retry", f"job:{job.pk}", job=new.pk)
        return Response(JobSerializer(new).data, status=status.HTTP_201_CREATED)


class OrderViewSet(PerAction, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Orders of your tenants. POST orders a catalogue item; ``approve/`` and ``deny/``
    (POST ``{note}``) decide an order waiting for approval."""

    serializer_class = OrderSerializer
    action_permissions = {"approve": [MayApprove], "deny": [MayApprove]}

    def get_queryset(self):
        return (
            access.orders(self.request.user)
            .select_related("item", "user", "instance__tenant")
            .prefetch_related("transitions", "jobs")
        )

    def get_serializer_class(self):
        return OrderRequestSerializer if self.action == "create" else OrderSerializer

    @extend_schema(responses={201: OrderSerializer, 409: conflict("the item's ref no longer resolves")})
    def create(self, request, *args, **kwargs):
        """Order ``{item, parameters?, mode?, limit?, tenant?, name?}``: 201 with the order (its job
        when no approval is needed), 400 with errors per dialog field, 403 when your role
        does not allow it. ``tenant`` picks the tenant when you have several; ``name`` names
        the service instance (default: the item's name)."""
        req = OrderRequestSerializer(data=request.data)
        req.is_valid(raise_exception=True)
        data = req.validated_data
        item = access.items(request.user).filter(pk=data["item"].pk).first()
        if item is None:
            raise ValidationError({"item": ["no such item"]})
        tenant = Tenant.objects.filter(name=data["tenant"]).first() if data.get("tenant") else None
        try:
            tenant = access.ordering_tenant(request.user, item, tenant)
            placed = services.place_order(
                item,
                data["parameters"],
                data["mode"],
                data["limit"],
                name=data["name"].strip(),
                user=request.user,
                tenant=tenant,
            )
        except DialogError as exc:
            raise exc.within("parameters") from None
        except (RemoteRefused, RepositoryUnreadable, RefNotFound) as exc:  # ref gone, repository no longer allowed
            raise ItemOutdated(str(exc), field="item", rule=getattr(exc, "rule", None)) from None
        job = placed.jobs.first()
        access.audit(
            request,
            "order",
            f"item:{item.name}",
            order=placed.pk,
            job=job.pk if job else None,
            instance=placed.instance_id,
            mode=placed.mode,
            status=placed.status,
        )
        return Response(OrderSerializer(placed).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: OrderSerializer, 409: conflict("the order is not waiting for approval")})
    @action(detail=True, methods=["post"], serializer_class=DecisionSerializer)
    def approve(self, request, pk=None):
        """Approve an order waiting at ``approve``: 200 with the order and its queued job;
        403 for your own order or without an operator role; 409 when it is not waiting."""
        return self._decide(request, services.approve, "approve")

    @extend_schema(responses={200: OrderSerializer, 409: conflict("the order is not waiting for approval")})
    @action(detail=True, methods=["post"], serializer_class=DecisionSerializer)
    def deny(self, request, pk=None):
        """Deny an order waiting at ``approve``: 200 with the order (``denied``); 403, 409 as approve."""
        return self._decide(request, services.deny, "deny")

    def _decide(self, request, decide, verb: str):
        placed = self.get_object()
        req = DecisionSerializer(data=request.data)
        req.is_valid(raise_exception=True)
        decide(placed, request.user, req.validated_data["note"])
        access.audit(request, verb, f"order:{placed.pk}", note=req.validated_data["note"])
        return Response(OrderSerializer(self.get_queryset().get(pk=placed.pk)).data)


class PublicationViewSet(PerAction, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Designer projects sent to the catalogue (yours; all for superusers). POST
    ``{project}`` (operators with read access to the project): 202 with the publication,
    which a worker translates, commits, pushes and publishes; poll it for the outcome."""

    serializer_class = PublicationSerializer
    action_permissions = {"create": [IsOperator]}
    queryset = Publication.objects.none()  # the schema's model (ids are integers); get_queryset filters

    def get_queryset(self):
        pubs = Publication.objects.select_related("item", "user")
        user = self.request.user  # a User: IsAuthenticated (DEFAULT_PERMISSION_CLASSES)
        return pubs if access.is_admin(user) else pubs.filter(user=user)  # type: ignore[misc]  # see above

    def get_serializer_class(self):
        return PublicationRequestSerializer if self.action == "create" else PublicationSerializer

    @extend_schema(responses={202: PublicationSerializer})
    def create(self, request, *args, **kwargs):
        """``{project, tenant?}``: 202 with the publication; ``tenant`` (one you operate)
        will own the item (default: yours, see :func:`nfvo.access.publishing_tenant`). A
        service name another tenant owns ends the publication failed (nothing committed)."""
        req = PublicationRequestSerializer(data=request.data)
        req.is_valid(raise_exception=True)
        project = visible_projects(request.user).filter(pk=req.validated_data["project"]).first()
        if project is None:
            raise ValidationError({"project": ["no such project"]})
        tenant = _requested_tenant(request.user, req.validated_data["tenant"])
        if tenant is not None:
            access.publishing_tenant(request.user, None, tenant)
        pub = publications.request(project, request.user, tenant, req.validated_data["replace"])
        access.audit(request, "publish_project", f"project:{project.pk}", publication=pub.pk, revisions=pub.revisions)
        return Response(PublicationSerializer(pub).data, status=status.HTTP_202_ACCEPTED)

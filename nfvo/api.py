"""REST API (Django REST framework): sites, catalogue, orders, instances, jobs, events,
tenants and the audit log. Everything needs a login; what a user sees follows
:mod:`nfvo.access` (objects of other tenants are 404, not 403)."""
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.response import Response

from . import access, services
from .dialog import DialogError
from .models import AuditEntry, Site, Tenant
from .serializers import (AuditEntrySerializer, CatalogueItemSerializer, JobEventSerializer, JobSerializer,
                          OperationRequestSerializer, OrderRequestSerializer, ServiceInstanceSerializer,
                          SiteSerializer, TenantSerializer)

FORBIDDEN = Response({"detail": "your role does not allow this"}, status=status.HTTP_403_FORBIDDEN)


class SiteViewSet(viewsets.ReadOnlyModelViewSet):
    """Registered sites (credentials never shown); ``check/`` (POST, operators) tests
    reachability and credentials and records the result."""

    queryset = Site.objects.all()
    serializer_class = SiteSerializer
    lookup_field = "name"

    @action(detail=True, methods=["post"])
    def check(self, request, name=None):
        """Reach the site now; 200 with ``{status, message, checked}`` (also stored)."""
        from . import site_check

        site = self.get_object()
        if not access.is_operator(request.user):
            return FORBIDDEN
        result = site_check.check(site)
        access.audit(request, "check_site", f"site:{site.name}", status=result["status"])
        return Response(result)


class TenantViewSet(viewsets.ReadOnlyModelViewSet):
    """The tenants you belong to (all of them for admins)."""

    serializer_class = TenantSerializer
    lookup_field = "name"

    def get_queryset(self):
        return access.tenants(self.request.user)


class AuditViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit log: who did what, when, from where (admins only)."""

    serializer_class = AuditEntrySerializer
    permission_classes = [permissions.IsAdminUser]
    queryset = AuditEntry.objects.all()


class CatalogueItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Catalogue items shared with your tenants; ``refresh/`` (POST, also a git webhook)
    picks up new commits (operators)."""

    serializer_class = CatalogueItemSerializer
    lookup_field = "name"

    def get_queryset(self):
        return access.items(self.request.user)

    @action(detail=True, methods=["post"])
    def refresh(self, request, name=None):
        """Resolve the item's ref again (call it from a push webhook)."""
        item = self.get_object()
        if not access.is_operator(request.user):
            return FORBIDDEN
        try:
            item = services.refresh(item)
        except LookupError as exc:
            return Response({"ref": str(exc)}, status=status.HTTP_409_CONFLICT)
        access.audit(request, "refresh", f"item:{item.name}", commit=item.published_commit)
        return Response(CatalogueItemSerializer(item).data)


class ServiceInstanceViewSet(viewsets.ReadOnlyModelViewSet):
    """Your tenants' services; ``operate/`` (POST) runs a lifecycle operation (delete, scale, ...)."""

    serializer_class = ServiceInstanceSerializer

    def get_queryset(self):
        return access.instances(self.request.user)

    @action(detail=True, methods=["post"])
    def operate(self, request, pk=None):
        """``{operation, mode?, limit?, parameters?}`` -> 201 with the job."""
        instance = self.get_object()
        if not access.may_operate(request.user, instance):
            return FORBIDDEN
        req = OperationRequestSerializer(data=request.data)
        req.is_valid(raise_exception=True)
        data = req.validated_data
        try:
            job = services.operate(instance, data["operation"], data["mode"], data["limit"],
                                   data["parameters"], user=request.user)
        except KeyError as exc:
            return Response({"operation": str(exc).strip("'\\\"")}, status=status.HTTP_400_BAD_REQUEST)
        except DialogError as exc:
            return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
        access.audit(request, data["operation"], f"instance:{instance.pk}", job=job.pk, mode=job.mode)
        return Response(JobSerializer(job).data, status=status.HTTP_201_CREATED)


class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Your tenants' jobs; ``events/?after=N`` returns the events after counter N (a cursor)."""

    serializer_class = JobSerializer

    def get_queryset(self):
        return access.jobs(self.request.user)

    @action(detail=True)
    def events(self, request, pk=None):
        """Events after ``?after=`` (default 0), at most 500, and whether the job is done."""
        job = self.get_object()
        try:
            after = int(request.query_params.get("after", 0))
        except ValueError:
            return Response({"after": "must be an integer"}, status=status.HTTP_400_BAD_REQUEST)
        events = job.events.filter(counter__gt=after).order_by("counter")[:500]
        return Response({"status": job.status, "done": job.done,
                         "events": JobEventSerializer(events, many=True).data})

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel the job (at once when not started; through ansible-runner when running)."""
        job = self.get_object()
        if not access.may_operate(request.user, job.instance):
            return FORBIDDEN
        access.audit(request, "cancel", f"job:{job.pk}")
        return Response(JobSerializer(services.cancel(job)).data)

    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Run a finished job's operation again; 201 with the new job, 409 if not finished."""
        job = self.get_object()
        if not access.may_operate(request.user, job.instance):
            return FORBIDDEN
        try:
            new = services.retry(job, user=request.user)
        except ValueError as exc:
            return Response({"status": str(exc)}, status=status.HTTP_409_CONFLICT)
        access.audit(request, "retry", f"job:{job.pk}", job=new.pk)
        return Response(JobSerializer(new).data, status=status.HTTP_201_CREATED)


@api_view(["POST"])
def create_order(request):
    """Order a catalogue item; 201 with the job, 400 with errors per dialog field, 403 when
    your role does not allow it. ``tenant`` picks the tenant when you have several."""
    req = OrderRequestSerializer(data=request.data)
    req.is_valid(raise_exception=True)
    data = req.validated_data
    item = access.items(request.user).filter(pk=data["item"].pk).first()
    if item is None:
        return Response({"item": "no such item"}, status=status.HTTP_400_BAD_REQUEST)
    tenant = Tenant.objects.filter(name=data["tenant"]).first() if data.get("tenant") else None
    try:
        tenant = access.ordering_tenant(request.user, item, tenant)
        job = services.order(item, data["parameters"], data["mode"], data["limit"], user=request.user,
                             tenant=tenant)
    except PermissionError as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    except DialogError as exc:
        return Response({"parameters": exc.errors}, status=status.HTTP_400_BAD_REQUEST)
    access.audit(request, "order", f"item:{item.name}", job=job.pk, instance=job.instance_id, mode=job.mode)
    return Response(JobSerializer(job).data, status=status.HTTP_201_CREATED)

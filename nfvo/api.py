"""REST API (Django REST framework): sites, catalogue, orders, instances, jobs and events."""
from rest_framework import status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.response import Response

from . import services
from .dialog import DialogError
from .models import CatalogueItem, Job, ServiceInstance, Site
from .serializers import (CatalogueItemSerializer, JobEventSerializer, JobSerializer,
                          OperationRequestSerializer, OrderRequestSerializer, ServiceInstanceSerializer,
                          SiteSerializer)


class SiteViewSet(viewsets.ReadOnlyModelViewSet):
    """Registered sites."""

    queryset = Site.objects.all()
    serializer_class = SiteSerializer
    lookup_field = "name"


class CatalogueItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Published catalogue items; ``refresh/`` (POST, also a git webhook) picks up new commits."""

    queryset = CatalogueItem.objects.all()
    serializer_class = CatalogueItemSerializer
    lookup_field = "name"

    @action(detail=True, methods=["post"])
    def refresh(self, request, name=None):
        """Resolve the item's ref again (call it from a push webhook)."""
        try:
            item = services.refresh(self.get_object())
        except LookupError as exc:
            return Response({"ref": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(CatalogueItemSerializer(item).data)


class ServiceInstanceViewSet(viewsets.ReadOnlyModelViewSet):
    """Ordered services; ``operate/`` (POST) runs a lifecycle operation (delete, scale, ...)."""

    queryset = ServiceInstance.objects.all()
    serializer_class = ServiceInstanceSerializer

    @action(detail=True, methods=["post"])
    def operate(self, request, pk=None):
        """``{operation, mode?, limit?, parameters?}`` -> 201 with the job."""
        req = OperationRequestSerializer(data=request.data)
        req.is_valid(raise_exception=True)
        data = req.validated_data
        try:
            job = services.operate(self.get_object(), data["operation"], data["mode"], data["limit"],
                                   data["parameters"])
        except KeyError as exc:
            return Response({"operation": str(exc).strip("'\"")}, status=status.HTTP_400_BAD_REQUEST)
        except DialogError as exc:
            return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(JobSerializer(job).data, status=status.HTTP_201_CREATED)


class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Jobs; ``events/?after=N`` returns the events after counter N (a cursor for polling)."""

    queryset = Job.objects.all()
    serializer_class = JobSerializer

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
        return Response(JobSerializer(services.cancel(self.get_object())).data)

    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Run a finished job's operation again; 201 with the new job, 409 if not finished."""
        try:
            job = services.retry(self.get_object())
        except ValueError as exc:
            return Response({"status": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(JobSerializer(job).data, status=status.HTTP_201_CREATED)


@api_view(["POST"])
def create_order(request):
    """Order a catalogue item; 201 with the job, 400 with errors per dialog field."""
    req = OrderRequestSerializer(data=request.data)
    req.is_valid(raise_exception=True)
    data = req.validated_data
    try:
        job = services.order(data["item"], data["parameters"], data["mode"], data["limit"])
    except DialogError as exc:
        return Response({"parameters": exc.errors}, status=status.HTTP_400_BAD_REQUEST)
    return Response(JobSerializer(job).data, status=status.HTTP_201_CREATED)

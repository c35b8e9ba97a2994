"""REST API routes of the designer (``/api/rdcl/``)."""
urlpatterns = []

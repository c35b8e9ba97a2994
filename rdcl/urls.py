"""Designer GUI routes (``/designer/``)."""
urlpatterns = []

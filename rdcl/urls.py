"""Designer GUI routes (``/designer/``)."""

from django.urls import path

from . import views

app_name = "rdcl"
urlpatterns = [
    path("", views.project_list, name="projects"),
    path("projects/<int:pk>/", views.project_page, name="project"),
    path("projects/<int:pk>/preview/<str:view>/", views.preview, name="preview"),
    path("projects/<int:pk>/check-nesting/", views.check_nesting, name="check-nesting"),
]

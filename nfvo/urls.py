"""GUI routes."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("catalogue/<slug:name>/", views.item, name="item"),
    path("instances/<int:pk>/", views.instance, name="instance"),
    path("orders/<int:pk>/", views.order, name="order"),
    path("jobs/<int:pk>/", views.job, name="job"),
]

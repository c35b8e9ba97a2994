"""Console routes (GUI pages and the small JSON answers their scripts poll)."""

from django.urls import path

from . import view_lists, views

urlpatterns = [
    path("", views.home, name="home"),
    path("catalogue/", view_lists.catalogue, name="catalogue"),
    path("catalogue/<slug:name>/", views.item, name="item"),
    path("orders/", view_lists.orders, name="orders"),
    path("orders/<int:pk>/", views.order, name="order"),
    path("instances/", view_lists.instances, name="instances"),
    path("instances/<int:pk>/", views.instance, name="instance"),
    path("jobs/", view_lists.jobs, name="jobs"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/state/", views.job_state, name="job-state"),
    path("state/<str:kind>/<int:pk>/", views.state, name="state"),
    path("approvals/", view_lists.approvals, name="approvals"),
    path("audit/", view_lists.audit, name="audit"),
    path("sites/", view_lists.sites, name="sites"),
    path("sites/new/", views.site_form, name="site-new"),
    path("sites/<slug:name>/", views.site_form, name="site"),
]

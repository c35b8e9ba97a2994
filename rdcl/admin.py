"""Admin pages of the designer: projects, shares, files and their revisions (read-only:
changes go through the API, which validates them)."""

from django.contrib import admin

from .models import DescriptorFile, GraphLayout, Project, ProjectShare, Revision


class ShareInline(admin.TabularInline):
    """Who a project is shared with."""

    model = ProjectShare
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """Projects with their shares."""

    list_display = ("name", "type", "owner", "created")
    list_filter = ("type",)
    search_fields = ("name", "owner__username")
    inlines = [ShareInline]


@admin.register(DescriptorFile)
class DescriptorFileAdmin(admin.ModelAdmin):
    """Descriptor files."""

    list_display = ("path", "project", "created")
    search_fields = ("path", "project__name")


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Revisions are history: shown, never edited here."""

    list_display = ("file", "number", "author", "created", "digest")
    search_fields = ("file__path", "file__project__name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(GraphLayout)

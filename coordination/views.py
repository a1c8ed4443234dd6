from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView
from django.views.i18n import set_language
from rules.contrib.views import PermissionRequiredMixin

from coordination import selectors


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "unhealthy"
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class LanguageSwitchView(View):
    """Django's ``set_language``, which also stores a signed-in user's preference."""

    def post(self, request, *args, **kwargs):
        response = set_language(request)
        language = request.POST.get("language", "")
        if request.user.is_authenticated and language in {"en", "fr", "nl", "de"}:
            request.user.preferred_language = language
            request.user.save(update_fields=["preferred_language"])
            messages.success(request, _("Your language preference was saved."))
        return response


class DirectoryPermission(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "coordination.view_directory"


class OrganisationListView(DirectoryPermission, ListView):
    template_name = "coordination/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = 50

    def get_queryset(self):
        queryset = selectors.organisation_list(user=self.request.user).order_by("name")
        query = self.request.GET.get("q", "").strip()
        if query:
            queryset = queryset.filter(name__icontains=query)
        return queryset


class OrganisationDetailView(DirectoryPermission, DetailView):
    template_name = "coordination/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return selectors.organisation_list(user=self.request.user)


class WorkingGroupListView(DirectoryPermission, ListView):
    template_name = "coordination/working_group_list.html"
    context_object_name = "groups"

    def get_queryset(self):
        return selectors.working_group_list(user=self.request.user).order_by("name")


class WorkingGroupDetailView(DirectoryPermission, DetailView):
    template_name = "coordination/working_group_detail.html"
    context_object_name = "group"

    def get_queryset(self):
        return selectors.working_group_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.request.user.has_perm("coordination.manage_group", self.object)
        context["visible_contact_ids"] = selectors.contact_ids_with_visible_details(
            user=self.request.user
        )
        return context


class RoundListView(DirectoryPermission, ListView):
    template_name = "coordination/round_list.html"
    context_object_name = "rounds"

    def get_queryset(self):
        return selectors.round_list(user=self.request.user).order_by("-created_at")


class RoundDetailView(DirectoryPermission, DetailView):
    template_name = "coordination/round_detail.html"
    context_object_name = "round"

    def get_object(self, queryset=None):
        return get_object_or_404(selectors.round_list(user=self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.request.user.has_perm("coordination.manage_round", self.object)
        return context

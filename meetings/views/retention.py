"""The retention rules in force, when the purge last ran and what it removed (team only)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from coordination.models import PurgeRun
from meetings.services.retention import retention_rules


class RetentionView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "coordination.view_audit_trail"
    template_name = "meetings/retention.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        runs = list(PurgeRun.objects.all()[:10])
        rules = retention_rules()
        last = runs[0] if runs else None
        for rule in rules:
            rule["removed"] = last.removed.get(rule["key"]) if last else None
        context.update(rules=rules, last_run=last, runs=runs)
        return context

from django.contrib import admin

from meetings import enums, models


class AgendaItemInline(admin.TabularInline):
    model = models.AgendaItem
    extra = 0
    fields = ("position", "title", "purpose", "planned_minutes", "presenter")
    autocomplete_fields = ("presenter",)


@admin.register(models.Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "starts_at", "working_group", "consultation_round", "format", "status")
    list_filter = ("status", "format", "language", "working_group", "consultation_round")
    search_fields = ("title", "location")
    date_hierarchy = "starts_at"
    list_select_related = ("working_group", "consultation_round")
    readonly_fields = ("ical_uid", "sequence")
    inlines = [AgendaItemInline]


@admin.register(models.PanelDraw)
class PanelDrawAdmin(admin.ModelAdmin):
    list_display = ("meeting", "seats", "seed", "pool_size", "is_current", "created_at")
    list_filter = ("is_current",)
    search_fields = ("meeting__title",)
    list_select_related = ("meeting",)


@admin.register(models.Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("contact", "meeting", "status", "sent_at", "answered_at")
    list_filter = ("status", "meeting__consultation_round", "meeting__working_group")
    search_fields = ("contact__name", "contact__email", "meeting__title")
    list_select_related = ("contact", "meeting")
    autocomplete_fields = ("contact", "meeting")
    readonly_fields = ("token_nonce",)


@admin.register(models.AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ("title", "meeting", "position", "purpose", "planned_minutes")
    list_filter = ("purpose",)
    search_fields = ("title", "description", "meeting__title")
    list_select_related = ("meeting",)
    autocomplete_fields = ("meeting", "presenter")


@admin.register(models.Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ("contact", "meeting", "status")
    list_filter = ("status",)
    search_fields = ("contact__name", "meeting__title")
    list_select_related = ("contact", "meeting")


class MinutesNoteInline(admin.StackedInline):
    model = models.MinutesNote
    extra = 0


class DecisionInline(admin.TabularInline):
    model = models.Decision
    extra = 0


@admin.register(models.Minutes)
class MinutesAdmin(admin.ModelAdmin):
    list_display = ("meeting", "version", "status", "approved_at")
    list_filter = ("status",)
    search_fields = ("meeting__title",)
    list_select_related = ("meeting",)
    inlines = [MinutesNoteInline, DecisionInline]

    def has_change_permission(self, request, obj=None):
        """Approved minutes are locked here too: a correction is a new version (minutes page)."""
        if obj is not None and obj.status == enums.MinutesStatus.APPROVED:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == enums.MinutesStatus.APPROVED:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(models.Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ("text", "minutes", "agenda_item")
    search_fields = ("text",)
    list_select_related = ("minutes__meeting", "agenda_item")


class ActionItemEventInline(admin.TabularInline):
    model = models.ActionItemEvent
    extra = 0
    readonly_fields = ("kind", "from_status", "to_status", "text", "meeting", "author", "at")
    can_delete = False


@admin.register(models.ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ("description", "owner_organisation", "owner_contact", "due_date", "status")
    list_filter = ("status", "due_date")
    search_fields = ("description", "owner_contact__name", "owner_organisation__name")
    list_select_related = ("owner_organisation", "owner_contact")
    autocomplete_fields = ("owner_contact", "owner_organisation", "origin_meeting")
    inlines = [ActionItemEventInline]


# --- Consultation reports: read-only here; written through the report pages ---------
class ReportVersionInline(admin.TabularInline):
    model = models.ReportVersion
    extra = 0
    fields = ("number", "language", "is_final", "pdf", "docx", "created_by", "created_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


class ReportJobInline(admin.TabularInline):
    model = models.ReportJob
    extra = 0
    fields = ("status", "error", "requested_by", "requested_at", "finished_at", "result")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("consultation_round", "language", "locked_at", "updated_at")
    list_select_related = ("consultation_round",)
    readonly_fields = ("consultation_round", "locked_at")
    inlines = [ReportVersionInline, ReportJobInline]


@admin.register(models.OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    """The e-mail outbox: read-only; retry failed messages from the session page."""

    list_display = ("to_email", "kind", "sequence", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("to_email", "subject")
    list_select_related = ("invitation",)
    readonly_fields = [f.name for f in models.OutboundMessage._meta.fields]

    def has_add_permission(self, request):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only through the services (uploads are checked there)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.AgendaAttachment)
class AgendaAttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "agenda_item", "content_type", "size", "uploaded_at")
    list_filter = ("content_type",)
    search_fields = ("original_name", "agenda_item__title", "agenda_item__meeting__title")
    list_select_related = ("agenda_item__meeting",)


@admin.register(models.MinutesComment)
class MinutesCommentAdmin(ReadOnlyAdmin):
    list_display = ("text", "minutes", "agenda_item", "author", "created_at")
    search_fields = ("text", "minutes__meeting__title")
    list_select_related = ("minutes__meeting", "agenda_item", "author")


@admin.register(models.MinutesExport)
class MinutesExportAdmin(ReadOnlyAdmin):
    list_display = ("title", "format", "status", "requested_by", "created_at", "finished_at")
    list_filter = ("status", "format")
    list_select_related = ("requested_by",)

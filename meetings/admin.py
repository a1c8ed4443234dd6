"""The admin of meetings. Workflow fields (a meeting's time, place and status, invitations'
answers and seats, minutes' approval, action items' status, the outbox, panel draws) are
read-only here; the actions call the services instead, so that capacity, SEQUENCE, the
outbox, the locks and the histories are never bypassed. The data fields that stay editable
are saved through the same services as on the pages."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coordination.admin import PersonalDataAdminMixin, ServiceSaveMixin, run_for_each
from coordination.enums import AccessAction
from coordination.models import Contact
from meetings import emails, enums, models
from meetings.services import actions as action_services
from meetings.services import agendas as agenda_services
from meetings.services import invitations as invitation_services
from meetings.services import minutes as minutes_services
from meetings.services import scheduling

MEETING_WORKFLOW_FIELDS = (
    "working_group",
    "consultation_round",
    "starts_at",
    "ends_at",
    "timezone",
    "format",
    "location",
    "online_url",
    "status",
    "ical_uid",
    "sequence",
    "recurrence_rule",
    "recurrence_exdates",
    "recurrence_parent",
    "recurrence_id",
    "agenda_version",
    "agenda_published_at",
)
INVITATION_WORKFLOW_FIELDS = (
    "meeting",
    "contact",
    "status",
    "waitlist_position",
    "holds_seat",
    "panel_draw",
    "delegated_from",
    "sent_at",
    "answered_at",
    "reminded_at",
    "token_nonce",
    "calendar_sequence",
    "needs_consented_at",
)
MINUTES_WORKFLOW_FIELDS = (
    "meeting",
    "version",
    "status",
    "circulated_at",
    "comments_due",
    "circulation_notified_at",
    "approved_at",
    "approved_by",
    "approved_at_meeting",
    "correction_reason",
    "created_by",
    "revision",
)
ACTION_ITEM_WORKFLOW_FIELDS = (
    "status",
    "closed_at",
    "reminded_on",
    "origin_meeting",
    "origin_agenda_item",
)


def _agenda_item_changes(form) -> dict:
    return {name: form.cleaned_data[name] for name in form.changed_data if name != "questions"}


class AgendaItemInline(admin.TabularInline):
    """Items are added and reordered on the agenda page; changes and deletions here go
    through the agenda services (a published agenda gets a new version)."""

    model = models.AgendaItem
    extra = 0
    fields = ("position", "title", "purpose", "planned_minutes", "presenter")
    readonly_fields = ("position",)
    autocomplete_fields = ("presenter",)
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Meeting)
class MeetingAdmin(ServiceSaveMixin, admin.ModelAdmin):
    """Meetings are created on the scheduling pages; time, place and status change there
    (or with the actions below), which keeps the invitees' calendars up to date."""

    list_display = ("title", "starts_at", "working_group", "consultation_round", "format", "status")
    list_filter = ("status", "format", "language", "working_group", "consultation_round")
    search_fields = ("title", "location")
    date_hierarchy = "starts_at"
    list_select_related = ("working_group", "consultation_round")
    readonly_fields = MEETING_WORKFLOW_FIELDS
    inlines = [AgendaItemInline]
    actions = ["send_drafted_invitations", "cancel_meeting"]

    def has_add_permission(self, request):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "facilitator" in form.base_fields:
            # The scheduling service keeps a facilitator to contact; it can be changed, not
            # removed.
            form.base_fields["facilitator"].required = True
        return form

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if changes:
            scheduling.meeting_update(meeting=obj, by=request.user, **changes)

    def save_formset(self, request, form, formset, change):
        if formset.model is not models.AgendaItem:
            return super().save_formset(request, form, formset, change)
        # What ``formset.save()`` would record, for the admin's change message.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        deleted = formset.deleted_forms
        for item_form in formset.initial_forms:
            item = item_form.instance
            if item_form in deleted:
                agenda_services.agenda_item_delete(item=item)
                formset.deleted_objects.append(item)
            elif item_form.has_changed():
                agenda_services.agenda_item_update(item=item, **_agenda_item_changes(item_form))
                formset.changed_objects.append((item, item_form.changed_data))
        return None

    @admin.action(
        description=gettext_lazy("Send the drafted invitations of the selected meetings"),
        permissions=["change"],
    )
    def send_drafted_invitations(self, request, queryset):
        def send(meeting):
            count = invitation_services.invitations_send(meeting=meeting, by=request.user)
            return ngettext(
                "“%(object)s”: %(count)d invitation was sent.",
                "“%(object)s”: %(count)d invitations were sent.",
                count,
            ) % {"object": meeting, "count": count}

        run_for_each(self, request, queryset.order_by("pk"), send)

    @admin.action(description=gettext_lazy("Cancel the selected meetings"), permissions=["change"])
    def cancel_meeting(self, request, queryset):
        def cancel(meeting):
            scheduling.meeting_cancel(meeting=meeting, by=request.user)
            return _("“%(object)s” was cancelled; everyone invited is sent a cancellation.") % {
                "object": meeting
            }

        run_for_each(self, request, queryset.order_by("pk"), cancel)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only through the services (uploads are checked there)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.PanelDraw)
class PanelDrawAdmin(ReadOnlyAdmin):
    """A draw is recorded by the panel page, reproducibly, and kept for the record."""

    list_display = ("meeting", "seats", "seed", "pool_size", "is_current", "created_at")
    list_filter = ("is_current",)
    search_fields = ("meeting__title",)
    list_select_related = ("meeting",)
    readonly_fields = [field.name for field in models.PanelDraw._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Invitation)
class InvitationAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    """Invitees are added on the session page; answers, seats and the waitlist change only
    through the invitation services (RSVP, the session page, the action below)."""

    list_display = ("contact", "meeting", "status", "sent_at", "answered_at")
    list_filter = ("status", "meeting__consultation_round", "meeting__working_group")
    search_fields = ("contact__name", "contact__email", "meeting__title")
    list_select_related = ("contact__organisation", "meeting")
    readonly_fields = INVITATION_WORKFLOW_FIELDS
    actions = ["remove_invitee"]

    def personal_data_action(self, obj) -> str:
        if obj.accessibility_needs or obj.needs_interpretation or obj.participation_language:
            return AccessAction.NEEDS_VIEWED
        return AccessAction.CONTACT_DETAILS_VIEWED

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Only while nobody was told: afterwards removing an invitee sends a cancellation
        # and may free a seat for the waitlist (the action below).
        if obj is not None and obj.sent_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=gettext_lazy("Remove the selected invitees"), permissions=["change"])
    def remove_invitee(self, request, queryset):
        def remove(invitation):
            invitation_services.invitation_remove(invitation=invitation, by=request.user)
            return _("%(contact)s was removed from “%(meeting)s”.") % {
                "contact": invitation.contact.name,
                "meeting": invitation.meeting,
            }

        run_for_each(
            self, request, queryset.select_related("contact", "meeting").order_by("pk"), remove
        )


@admin.register(models.AgendaItem)
class AgendaItemAdmin(PersonalDataAdminMixin, ServiceSaveMixin, admin.ModelAdmin):
    list_display = ("title", "meeting", "position", "purpose", "planned_minutes")
    list_filter = ("purpose",)
    search_fields = ("title", "description", "meeting__title")
    list_select_related = ("meeting",)
    autocomplete_fields = ("presenter",)
    readonly_fields = ("meeting", "position", "revision")

    def personal_data_contact_ids(self, rows) -> list[int]:
        return sorted({row.presenter_id for row in rows if row.presenter_id})

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        questions = form.cleaned_data["questions"] if "questions" in form.changed_data else None
        agenda_services.agenda_item_update(
            item=obj, questions=questions, **_agenda_item_changes(form)
        )

    def save_related(self, request, form, formsets, change):
        pass  # the survey questions were set by ``agenda_item_update``; there are no inlines

    def delete_model(self, request, obj):
        agenda_services.agenda_item_delete(item=obj)

    def delete_queryset(self, request, queryset):
        for item in queryset.select_related("meeting"):
            agenda_services.agenda_item_delete(item=item)


@admin.register(models.Attendance)
class AttendanceAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ("contact", "meeting", "status")
    list_filter = ("status",)
    search_fields = ("contact__name", "meeting__title")
    list_select_related = ("contact__organisation", "meeting")
    autocomplete_fields = ("contact", "meeting")


class MinutesNoteInline(admin.StackedInline):
    model = models.MinutesNote
    extra = 0


class DecisionInline(admin.TabularInline):
    model = models.Decision
    extra = 0


def _approved(minutes: models.Minutes | None) -> bool:
    return minutes is not None and minutes.status == enums.MinutesStatus.APPROVED


@admin.register(models.Minutes)
class MinutesAdmin(admin.ModelAdmin):
    """Minutes are started, circulated and corrected on the minutes page; approved here with
    the action. Notes and decisions stay editable until the minutes are approved."""

    list_display = ("meeting", "version", "status", "approved_at")
    list_filter = ("status",)
    search_fields = ("meeting__title",)
    list_select_related = ("meeting",)
    readonly_fields = MINUTES_WORKFLOW_FIELDS
    inlines = [MinutesNoteInline, DecisionInline]
    actions = ["approve_minutes"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        """Approved minutes are locked here too: a correction is a new version (minutes page)."""
        if _approved(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if _approved(obj):
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(
        description=gettext_lazy("Approve the selected minutes (they are then locked)"),
        permissions=["change"],
    )
    def approve_minutes(self, request, queryset):
        def approve(minutes):
            minutes_services.minutes_approve(minutes=minutes, user=request.user)
            return _("“%(object)s” was approved and is now locked.") % {"object": minutes}

        run_for_each(self, request, queryset.select_related("meeting").order_by("pk"), approve)


@admin.register(models.Decision)
class DecisionAdmin(admin.ModelAdmin):
    """Decisions are written with the minutes (page or the minutes' admin page) and locked
    with them."""

    list_display = ("text", "minutes", "agenda_item")
    search_fields = ("text",)
    list_select_related = ("minutes__meeting", "agenda_item")
    readonly_fields = ("minutes",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and _approved(obj.minutes):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _approved(obj.minutes):
            return False
        return super().has_delete_permission(request, obj)


class ActionItemEventInline(admin.TabularInline):
    model = models.ActionItemEvent
    extra = 0
    readonly_fields = ("kind", "from_status", "to_status", "text", "meeting", "author", "at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _action_status_action(status: enums.ActionStatus, description):
    """An admin action that sets the status of the selected action items through
    ``action_item_set_status`` (which records the change in the item's history)."""

    def set_status(model_admin, request, queryset):
        def change(action):
            action_services.action_item_set_status(action=action, status=status, user=request.user)
            return _("“%(object)s” is now “%(status)s”.") % {
                "object": action,
                "status": status.label,
            }

        run_for_each(model_admin, request, queryset.order_by("pk"), change)

    set_status.__name__ = f"mark_{status.value}"
    return admin.action(description=description, permissions=["change"])(set_status)


@admin.register(models.ActionItem)
class ActionItemAdmin(PersonalDataAdminMixin, ServiceSaveMixin, admin.ModelAdmin):
    """Action items are created with the minutes; their status changes with the actions
    (recorded in their history), their description, owner and due date through
    ``action_item_update``."""

    list_display = ("description", "owner_organisation", "owner_contact", "due_date", "status")
    list_filter = ("status", "due_date")
    search_fields = ("description", "owner_contact__name", "owner_organisation__name")
    list_select_related = ("owner_organisation", "owner_contact__organisation")
    autocomplete_fields = ("owner_contact", "owner_organisation")
    readonly_fields = ACTION_ITEM_WORKFLOW_FIELDS
    inlines = [ActionItemEventInline]
    actions = [
        _action_status_action(
            enums.ActionStatus.DONE, gettext_lazy("Mark the selected action items as done")
        ),
        _action_status_action(
            enums.ActionStatus.DROPPED, gettext_lazy("Drop the selected action items")
        ),
    ]

    def personal_data_contact_ids(self, rows) -> list[int]:
        return sorted({row.owner_contact_id for row in rows if row.owner_contact_id})

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        action_services.action_item_update(
            action=obj,
            description=data["description"],
            owner_contact=data["owner_contact"],
            owner_organisation=data["owner_organisation"],
            due_date=data["due_date"],
            user=request.user,
        )


# --- Consultation reports: read-only here; written through the report pages ---------
class ReportVersionInline(admin.TabularInline):
    model = models.ReportVersion
    extra = 0
    # The files through the report's download view (MEDIA is never served as such).
    fields = (
        "number",
        "language",
        "is_final",
        "pdf_download",
        "docx_download",
        "created_by",
        "created_at",
    )
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def _download(self, version, fmt: str):
        if not getattr(version, fmt):
            return "-"
        url = reverse(
            f"round-report-{fmt}",
            kwargs={"round_pk": version.report.consultation_round_id, "number": version.number},
        )
        return format_html('<a href="{}">{}</a>', url, fmt.upper())

    @admin.display(description=gettext_lazy("PDF"))
    def pdf_download(self, version):
        return self._download(version, "pdf")

    @admin.display(description=gettext_lazy("DOCX"))
    def docx_download(self, version):
        return self._download(version, "docx")


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
    readonly_fields = ("consultation_round", "language", "locked_at")
    inlines = [ReportVersionInline, ReportJobInline]

    def has_add_permission(self, request):
        return False


@admin.register(models.OutboundMessage)
class OutboundMessageAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):
    """The e-mail outbox, read-only: a failed message is sent again with the action."""

    list_display = ("to_email", "kind", "sequence", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("to_email", "subject")
    list_select_related = ("invitation",)
    readonly_fields = [field.name for field in models.OutboundMessage._meta.fields]
    actions = ["retry_failed"]

    def personal_data_contact_ids(self, rows) -> list[int]:
        emails_shown = {row.to_email.lower() for row in rows if row.to_email}
        return sorted(Contact.objects.filter(email__in=emails_shown).values_list("pk", flat=True))

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("meetings.change_outboundmessage")

    @admin.action(
        description=gettext_lazy("Send the selected failed e-mails again"),
        permissions=["retry"],
    )
    def retry_failed(self, request, queryset):
        def retry(message):
            if not emails.outbox_retry(message_id=message.pk):
                raise ValidationError(_("Only a failed e-mail can be sent again."))
            return _("“%(object)s” will be sent again.") % {"object": message}

        run_for_each(self, request, queryset.order_by("pk"), retry)


@admin.register(models.AgendaAttachment)
class AgendaAttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "agenda_item", "content_type", "size", "uploaded_at")
    list_filter = ("content_type",)
    search_fields = ("original_name", "agenda_item__title", "agenda_item__meeting__title")
    list_select_related = ("agenda_item__meeting",)
    # The file through the agenda's download view (MEDIA is never served as such).
    fields = (
        "agenda_item",
        "original_name",
        "download",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    )
    readonly_fields = fields

    @admin.display(description=gettext_lazy("file"))
    def download(self, attachment):
        url = reverse("agenda-attachment", args=[attachment.agenda_item.meeting_id, attachment.pk])
        return format_html('<a href="{}">{}</a>', url, attachment.original_name)


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
    # Only the person who asked for an export downloads it (from the exports page).
    exclude = ("file",)

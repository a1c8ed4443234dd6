"""Choices shared by models, forms and serializers of the ``meetings`` app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")
    HELD = "held", pgettext_lazy("meeting status", "Held")


class InvitationStatus(models.TextChoices):
    DRAFTED = "drafted", _("Drafted")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    TENTATIVE = "tentative", _("Tentative")
    DECLINED = "declined", _("Declined")
    WAITLISTED = "waitlisted", _("Waitlisted")
    DELEGATED = "delegated", _("Delegated")
    CANCELLED = "cancelled", pgettext_lazy("invitation status", "Cancelled")


class AgendaPurpose(models.TextChoices):
    INFORMATION = "information", _("Information")
    DISCUSSION = "discussion", _("Discussion")
    DECISION = "decision", _("Decision")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("minutes status", "Draft")
    CIRCULATED = "circulated", _("Circulated for comments")
    APPROVED = "approved", _("Approved")


class ActionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("action item status", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class ActionEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    STATUS = "status", _("Status changed")
    COMMENT = "comment", _("Comment")
    REVIEWED = "reviewed", _("Reviewed at a meeting")


# --- Consultation reports -----------------------------------------------------------
class ReportSectionKind(models.TextChoices):
    INTRODUCTION = "introduction", _("Introduction")
    THEME = "theme", _("Summary of a theme")
    CONCLUSIONS = "conclusions", _("Conclusions")


class ReportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    DONE = "done", pgettext_lazy("report generation status", "Done")
    FAILED = "failed", _("Failed")


class OutboxKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    UPDATE = "update", _("Update")
    CANCEL = "cancel", _("Cancellation")
    REMINDER = "reminder", _("Reminder")
    NUDGE = "nudge", _("Reminder to answer")
    WAITLIST = "waitlist", _("Waitlist notice")
    WAITLISTED = "waitlisted", _("On the waitlist")
    DECLINECOUNTER = "declinecounter", _("Proposed time declined")
    ACTION_REMINDER = "action_reminder", _("Action-item reminder")
    MINUTES_CIRCULATED = "minutes_circulated", _("Minutes circulated for comments")
    TIME_POLL = "time_poll", _("Time poll")
    TIME_POLL_REMINDER = "time_poll_reminder", _("Reminder to answer a time poll")
    FEEDBACK = "feedback", _("Feedback after a session")
    FEEDBACK_REMINDER = "feedback_reminder", _("Reminder to give feedback")
    REPORT_BACK = "report_back", _("Report sent back to an organisation consulted")
    AGENDA = "agenda", _("Agenda published or changed")


class TimeProposalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", pgettext_lazy("time proposal", "Accepted")
    DECLINED = "declined", pgettext_lazy("time proposal", "Declined")


class DelegationRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # Never sent: its recipient's data were erased (or they withdrew the purpose).
    CANCELLED = "cancelled", pgettext_lazy("e-mail status", "Cancelled")


class AgendaItemKind(models.TextChoices):
    TOPIC = "topic", _("Topic")
    MINUTES_APPROVAL = "minutes_approval", _("Approval of the previous minutes")
    ACTION_REVIEW = "action_review", _("Review of open action items")


class AgendaTemplate(models.TextChoices):
    ROUND_SESSION = "round_session", _("Consultation round session")
    WORKING_GROUP = "working_group", _("Working-group meeting")


class ExportFormat(models.TextChoices):
    PDF = "pdf", _("One PDF")
    ZIP = "zip", _("ZIP of PDF, DOCX and Markdown files")


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class PollChoice(models.TextChoices):
    """An invitee's answer to one proposed slot of a time poll."""

    YES = "yes", pgettext_lazy("time poll answer", "Yes")
    IF_NEED_BE = "if_need_be", pgettext_lazy("time poll answer", "If need be")
    NO = "no", pgettext_lazy("time poll answer", "No")


class FeedbackRating(models.TextChoices):
    YES = "yes", pgettext_lazy("feedback rating", "Yes")
    PARTLY = "partly", pgettext_lazy("feedback rating", "Partly")
    NO = "no", pgettext_lazy("feedback rating", "No")

"""The when and what happened: meetings, invitations, agendas, attendance, minutes, decisions
and action items. ``meetings`` depends on ``coordination``; never the reverse.

One module per concern; every model is re-exported here."""

from meetings.models.actions import ActionItem, ActionItemEvent
from meetings.models.agendas import AgendaAttachment, AgendaItem, AgendaVersion
from meetings.models.feedback import FeedbackAnswer, FeedbackQuestionnaire, FeedbackRequest
from meetings.models.invitations import DelegationRequest, Invitation, TimeProposal
from meetings.models.meetings import Meeting
from meetings.models.minutes import (
    Attendance,
    Decision,
    Minutes,
    MinutesComment,
    MinutesExport,
    MinutesNote,
)
from meetings.models.outbox import OutboundMessage
from meetings.models.panels import PanelDraw, RoundDraw
from meetings.models.polls import TimePoll, TimePollAnswer, TimePollSlot
from meetings.models.report_back import ReportBack, ReportBackDelivery
from meetings.models.reports import Report, ReportJob, ReportSection, ReportVersion

__all__ = [
    "ActionItem",
    "ActionItemEvent",
    "AgendaAttachment",
    "AgendaItem",
    "AgendaVersion",
    "Attendance",
    "Decision",
    "DelegationRequest",
    "FeedbackAnswer",
    "FeedbackQuestionnaire",
    "FeedbackRequest",
    "Invitation",
    "Meeting",
    "Minutes",
    "MinutesComment",
    "MinutesExport",
    "MinutesNote",
    "OutboundMessage",
    "PanelDraw",
    "Report",
    "ReportBack",
    "ReportBackDelivery",
    "ReportJob",
    "ReportSection",
    "ReportVersion",
    "RoundDraw",
    "TimePoll",
    "TimePollAnswer",
    "TimePollSlot",
    "TimeProposal",
]

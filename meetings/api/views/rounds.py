"""API of a round's feedback results and of the report back (the team and the round's
facilitators)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from coordination.enums import AccessAction, Door
from coordination.models import ConsultationRound
from coordination.services import access_record
from coordination.validators import id_or_none
from meetings.api.serializers.feedback import RoundFeedbackSerializer
from meetings.api.serializers.report_back import (
    QueuedSerializer,
    ReportBackSendSerializer,
    ReportBackSerializer,
)
from meetings.models import Report, ReportBack
from meetings.selectors.feedback import round_feedback_results
from meetings.selectors.report_back import report_back_deliveries, report_back_recipients
from meetings.services import report_back as report_back_services


def _round(request, pk: str, permission: str) -> ConsultationRound:
    """The round of the URL if the user has ``permission`` on it: 404 for those who do not
    see rounds at all (any id), 403 for the team and facilitators of other rounds."""
    round_id = id_or_none(pk)
    if round_id is None:
        raise Http404
    round_ = get_object_or_404(ConsultationRound, pk=round_id)
    if request.user.has_perm(permission, round_):
        return round_
    if request.user.has_perm("coordination.view_directory"):
        raise PermissionDenied
    raise Http404


class RoundFeedbackView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=RoundFeedbackSerializer)
    def get(self, request, pk: str):
        """The round's session feedback: response rate, totals per question, open answers."""
        round_ = _round(request, pk, "meetings.view_round_feedback")
        results = round_feedback_results(consultation_round=round_)
        results["questions"] = [{**q, "text": str(q["text"])} for q in results["questions"]]
        return Response(RoundFeedbackSerializer(results).data)


def _report(round_) -> Report:
    report = Report.objects.filter(consultation_round=round_).first()
    if report is None:
        raise Http404
    return report


class ReportBackView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ReportBackSerializer)
    def get(self, request, pk: str):
        """The report back of the round's report: its text and who received it, when."""
        report = _report(_round(request, pk, "meetings.manage_report"))
        sent = ReportBack.objects.filter(report=report).first()
        deliveries = report_back_deliveries(report=report)
        if deliveries:
            access_record(
                actor=request.user,
                action=AccessAction.LIST_EXPORTED,
                door=Door.API,
                contacts=sorted({row["delivery"].contact_id for row in deliveries}),
                detail=f"report back of round {report.consultation_round_id} (api)",
                count=len(deliveries),
            )
        return Response(
            ReportBackSerializer(
                {
                    "text": sent.text if sent else "",
                    "sent_at": sent.sent_at if sent else None,
                    "deliveries": deliveries,
                }
            ).data
        )


class ReportBackSendView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReportBackSendSerializer, responses={202: QueuedSerializer})
    def post(self, request, pk: str):
        """Send the final report with the text to every organisation consulted that has not
        received it yet (in a background task)."""
        report = _report(_round(request, pk, "meetings.manage_report"))
        serializer = ReportBackSendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        received = set(
            ReportBack.objects.filter(report=report).values_list(
                "deliveries__contact_id", flat=True
            )
        )
        count = sum(
            1 for r in report_back_recipients(report=report) if r.contact.pk not in received
        )
        report_back_services.report_back_send(
            report=report, text=serializer.validated_data["text"], by=request.user
        )
        detail = (
            ngettext(
                "The report is being sent to %(count)s contact.",
                "The report is being sent to %(count)s contacts.",
                count,
            )
            % {"count": count}
            if count
            else _("Everyone consulted has already received the report.")
        )
        return Response({"count": count, "detail": detail}, status=status.HTTP_202_ACCEPTED)

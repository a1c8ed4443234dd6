"""API of a user's invitations and of RSVP answers by the link's secret token."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response
from rest_framework.views import APIView

from meetings.api.serializers.invitations import (
    InvitationAnswerResultSerializer,
    InvitationAnswerSerializer,
    InvitationSerializer,
)
from meetings.selectors.invitations import my_invitations
from meetings.services import invitations as invitation_services


class MyInvitationViewSet(viewsets.ReadOnlyModelViewSet):
    """The requesting user's invitations (sent, answered, waitlisted, delegated)."""

    serializer_class = InvitationSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["meeting__starts_at", "sent_at", "answered_at"]
    ordering = ["-meeting__starts_at", "id"]

    def get_queryset(self):
        return my_invitations(user=self.request.user)


class RsvpView(APIView):
    """Answer an invitation with the secret token of its RSVP link (no log-in). A tampered,
    expired or withdrawn link is a 404."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=InvitationSerializer)
    def get(self, request, token):
        invitation = invitation_services.invitation_from_token(token)
        return Response(InvitationSerializer(invitation).data)

    @extend_schema(request=InvitationAnswerSerializer, responses=InvitationAnswerResultSerializer)
    def post(self, request, token):
        invitation = invitation_services.invitation_from_token(token)
        answer = InvitationAnswerSerializer(data=request.data)
        answer.is_valid(raise_exception=True)
        result = invitation_services.invitation_answer(
            invitation=invitation, **answer.validated_data
        )
        return Response(InvitationAnswerResultSerializer(result).data)

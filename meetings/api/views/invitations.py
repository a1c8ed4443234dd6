"""API of a user's invitations and of RSVP answers by the link's secret token."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from meetings.api.serializers.invitations import (
    AnswerResultSerializer,
    AnswerSerializer,
    InvitationSerializer,
)
from meetings.api.serializers.scheduling import ErrorSerializer
from meetings.api.views.scheduling import NOT_FOUND, VALIDATION_ERROR, _error_response
from meetings.selectors.invitations import my_invitations
from meetings.services import invitations as invitation_services


@extend_schema_view(
    list=extend_schema(responses={200: InvitationSerializer(many=True), 404: NOT_FOUND}),
    retrieve=extend_schema(responses={200: InvitationSerializer, 404: NOT_FOUND}),
)
class MyInvitationViewSet(viewsets.ReadOnlyModelViewSet):
    """The requesting user's invitations (sent, answered, waitlisted, delegated)."""

    serializer_class = InvitationSerializer
    filter_backends = []

    def get_queryset(self):
        return my_invitations(user=self.request.user)


class RsvpView(APIView):
    """Answer an invitation with the secret token of its RSVP link (no log-in)."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    def _invitation(self, token):
        return invitation_services.invitation_from_token(token)

    @extend_schema(responses={200: InvitationSerializer, 404: ErrorSerializer})
    def get(self, request, token):
        try:
            invitation = self._invitation(token)
        except invitation_services.RsvpTokenError as exc:
            return _error_response(exc, status.HTTP_404_NOT_FOUND)
        return Response(InvitationSerializer(invitation).data)

    @extend_schema(
        request=AnswerSerializer,
        responses={
            200: AnswerResultSerializer,
            400: VALIDATION_ERROR,
            404: ErrorSerializer,
        },
    )
    def post(self, request, token):
        try:
            invitation = self._invitation(token)
        except invitation_services.RsvpTokenError as exc:
            return _error_response(exc, status.HTTP_404_NOT_FOUND)
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = invitation_services.invitation_answer(
                invitation=invitation, **serializer.validated_data
            )
        except DjangoValidationError as exc:
            return _error_response(exc)
        return Response(
            {
                "invitation": InvitationSerializer(result.invitation).data,
                "waitlisted": result.waitlisted,
            }
        )

"""API of the volunteer pool and of the joint draw of a round: feasibility, draws and
redraws with their explanation and probabilities, alternates."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from coordination import enums, selectors
from coordination.api.views import IsTeamOrFacilitator
from coordination.models import ConsultationRound
from coordination.panels import PanelInputError, default_targets, problem_text, round_feasibility
from coordination.services import access_record
from meetings.api.serializers.panels import (
    AlternateSerializer,
    FeasibilitySerializer,
    RoundDrawCreateSerializer,
    RoundDrawInputSerializer,
    RoundDrawSerializer,
    SessionAlternatesSerializer,
    VolunteerSerializer,
    VolunteerWithoutContactSerializer,
)
from meetings.models import Meeting, RoundDraw
from meetings.selectors.panels import (
    round_alternates,
    round_draw_input,
    volunteer_pool_with_load,
    with_loads_of_rows,
)
from meetings.services.invitations import alternate_invite_next
from meetings.services.panels import round_draw_record


class VolunteerFilter(filters.FilterSet):
    working_language = filters.ChoiceFilter(
        choices=enums.WorkingLanguage.choices, method="filter_pool"
    )
    area = filters.ChoiceFilter(choices=enums.Area.choices, method="filter_pool")
    domain = filters.ChoiceFilter(choices=enums.Domain.choices, method="filter_pool")
    target_public = filters.CharFilter(method="filter_pool", max_length=40)
    support_role = filters.ChoiceFilter(choices=enums.SupportRole.choices, method="filter_pool")
    shares_data = filters.ChoiceFilter(choices=[("yes", "yes"), ("no", "no")], method="filter_pool")
    active_engagement = filters.ChoiceFilter(
        choices=[(c, c) for c in ("definitely_yes", "yes", "no", "definitely_no")],
        method="filter_pool",
    )
    meeting_interest = filters.ChoiceFilter(
        choices=[("yes", "yes"), ("no", "no")], method="filter_pool"
    )

    def filter_pool(self, queryset, name, value):
        return selectors.pool_filter(queryset, {name: value})


class VolunteerPoolViewSet(viewsets.GenericViewSet, mixins.ListModelMixin):
    """The volunteer pool (Q56 yes, a contact with consent) with the consultation load of the
    last 12 months."""

    serializer_class = VolunteerSerializer
    permission_classes = [IsTeamOrFacilitator]
    filterset_class = VolunteerFilter
    ordering_fields = ["name", "load"]
    ordering = ["name"]

    def get_queryset(self):
        # Ordered by load: the load of the whole pool; otherwise of the page's rows only.
        if "load" in self.request.query_params.get("ordering", ""):
            return volunteer_pool_with_load()
        return selectors.volunteer_pool()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if "load" not in queryset.query.annotations:
            page = with_loads_of_rows(page)
        context = self.get_serializer_context()
        context["pool_contacts"] = selectors.pool_contacts(page, user=request.user)
        data = VolunteerSerializer(page, many=True, context=context).data
        access_record(
            actor=request.user,
            action=enums.AccessAction.LIST_EXPORTED,
            door=enums.Door.API,
            contacts=selectors.pool_contacts_with_details_shown(context["pool_contacts"]),
            detail="volunteer pool",
            count=len(data),
        )
        return self.get_paginated_response(data)


class VolunteerWithoutContactViewSet(viewsets.GenericViewSet, mixins.ListModelMixin):
    """Organisations that volunteered (Q56) but have no contact with consent yet: the team
    adds one and they join the pool."""

    serializer_class = VolunteerWithoutContactSerializer
    permission_classes = [IsTeamOrFacilitator]
    filterset_class = VolunteerFilter
    ordering_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self):
        return selectors.volunteers_without_contact()


# --- The joint draw of a round ---


def _managed_round(request, round_pk: int) -> ConsultationRound:
    consultation_round = get_object_or_404(ConsultationRound, pk=round_pk)
    if not request.user.has_perm("coordination.manage_round", consultation_round):
        raise PermissionDenied
    return consultation_round


class RoundDrawFeasibilityView(APIView):
    """Whether targets can be met before drawing: the failing targets with their shortfall,
    the nearest feasible targets; without ``targets``, the defaults proportional to the pool."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=RoundDrawInputSerializer, responses=FeasibilitySerializer)
    def post(self, request, round_pk):
        consultation_round = _managed_round(request, round_pk)
        serializer = RoundDrawInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _pool, sessions, eligible, _exclusions = round_draw_input(
            consultation_round=consultation_round,
            exclude_declined_twice=data["exclude_declined_twice"],
            must_invite=data["must_invite"],
        )
        targets = serializer.target_objects()
        if targets is None:
            targets = default_targets(eligible, sessions)
        try:
            feasibility = round_feasibility(
                eligible, sessions=sessions, targets=targets, must_invite=data["must_invite"]
            )
        except PanelInputError as exc:
            raise DjangoValidationError(exc.message, code=exc.code) from exc
        names = {c.organisation_id: c.name for c in eligible}
        body = feasibility.to_json()
        for problem, row in zip(feasibility.problems, body["problems"], strict=True):
            row["message"] = problem_text(problem, sessions, names)
        body["targets"] = [t.to_json() for t in targets]
        return Response(body)


class RoundDrawListView(APIView):
    """The round's draws (current first, then the earlier ones), and a new draw or redraw
    (``replaces``: the current draw's id, with a ``reason``)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=RoundDrawSerializer(many=True))
    def get(self, request, round_pk):
        consultation_round = _managed_round(request, round_pk)
        draws = RoundDraw.objects.filter(consultation_round=consultation_round).select_related(
            "created_by", "consultation_round"
        )
        ordered = sorted(draws, key=lambda d: (not d.is_current, -d.pk))
        return Response(RoundDrawSerializer(ordered, many=True).data)

    @extend_schema(request=RoundDrawCreateSerializer, responses={201: RoundDrawSerializer})
    def post(self, request, round_pk):
        consultation_round = _managed_round(request, round_pk)
        serializer = RoundDrawCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        draw = round_draw_record(
            consultation_round=consultation_round,
            targets=serializer.target_objects(),
            seed=data["seed"],
            seed_commitment=data["seed_commitment"],
            must_invite=data["must_invite"],
            exclude_declined_twice=data["exclude_declined_twice"],
            method=data["method"],
            reason=data["reason"],
            replaces_draw_id=data["replaces"],
            user=request.user,
        )
        return Response(RoundDrawSerializer(draw).data, status=status.HTTP_201_CREATED)


class RoundDrawDetailView(APIView):
    """One draw with its explanation: panels, alternates, targets and probabilities."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=RoundDrawSerializer)
    def get(self, request, round_pk, pk):
        consultation_round = _managed_round(request, round_pk)
        draw = get_object_or_404(
            RoundDraw.objects.select_related("created_by", "consultation_round"),
            consultation_round=consultation_round,
            pk=pk,
        )
        return Response(RoundDrawSerializer(draw).data)


class RoundAlternatesView(APIView):
    """Per session: the alternates still available, in order, and the replacements so far."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=SessionAlternatesSerializer(many=True))
    def get(self, request, round_pk):
        consultation_round = _managed_round(request, round_pk)
        return Response(
            SessionAlternatesSerializer(round_alternates(consultation_round), many=True).data
        )


class SessionAlternateNextView(APIView):
    """Invite the next alternate of a round session by hand."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={201: AlternateSerializer})
    def post(self, request, pk):
        meeting = get_object_or_404(Meeting, pk=pk, consultation_round__isnull=False)
        _managed_round(request, meeting.consultation_round_id)
        invitation = alternate_invite_next(meeting=meeting, by=request.user)
        body = {
            "organisation_id": invitation.contact.organisation_id,
            "name": invitation.contact.organisation.name,
            "contact_id": invitation.contact_id,
        }
        return Response(AlternateSerializer(body).data, status=status.HTTP_201_CREATED)

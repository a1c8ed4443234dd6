"""API of the directory (organisations, working groups, rounds) and the survey import."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from coordination import enums, selectors
from coordination.api.serializers import (
    ConsultationRoundSerializer,
    OrganisationSerializer,
    SurveyImportCreateSerializer,
    SurveyImportJobSerializer,
    WorkingGroupSerializer,
)
from coordination.imports import jobs
from coordination.rules import is_facilitator, is_team
from coordination.services import access_record


class IsTeamOrFacilitator(permissions.BasePermission):
    """The directory of organisations is for the team and facilitators."""

    def has_permission(self, request, view) -> bool:
        return is_team(request.user) or is_facilitator(request.user)


class AccessRecordedMixin:
    """For a viewset whose list and detail routes return personal data: the rows each answer
    holds are recorded in the audit trail through ``access_record`` (door "api"), with the
    contacts they name, by id only (the answer's objects pass through ``get_serializer``, so
    this is the one place to see them). ``access_contact_ids(rows)`` says which contacts the
    rows name; an answer that names nobody is not recorded."""

    access_subject = ""

    def access_contact_ids(self, rows) -> list[int]:
        raise NotImplementedError

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if args and args[0] is not None and self.action in ("list", "retrieve"):
            rows = list(args[0]) if kwargs.get("many") else [args[0]]
            contact_ids = self.access_contact_ids(rows)
            if contact_ids:
                listed = self.action == "list"
                access_record(
                    actor=self.request.user,
                    action=enums.AccessAction.LIST_EXPORTED
                    if listed
                    else enums.AccessAction.CONTACT_DETAILS_VIEWED,
                    door=enums.Door.API,
                    contacts=contact_ids,
                    detail=f"{self.access_subject} list (api)"
                    if listed
                    else f"{self.access_subject} {rows[0].pk} (api)",
                    count=len(rows) if listed else None,
                )
        return serializer


class OrganisationFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=enums.OrganisationKind.choices)
    support_role = filters.ChoiceFilter(choices=enums.SupportRole.choices)
    working_language = filters.ChoiceFilter(
        choices=enums.WorkingLanguage.choices, method="filter_json_list"
    )
    area = filters.ChoiceFilter(choices=enums.Area.choices, method="filter_json_list")
    domain = filters.ChoiceFilter(choices=enums.Domain.choices, method="filter_json_list")
    name = filters.CharFilter(field_name="name", lookup_expr="icontains")

    FIELDS = {"working_language": "working_languages", "area": "areas", "domain": "domains"}

    def filter_json_list(self, queryset, name, value):
        field = self.FIELDS[name]
        return selectors.with_json_text(queryset, field).filter(
            selectors.json_list_contains(field, value)
        )


class OrganisationViewSet(AccessRecordedMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganisationSerializer
    permission_classes = [IsTeamOrFacilitator]
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "kind"]
    ordering = ["name"]
    access_subject = "organisation"

    def access_contact_ids(self, rows) -> list[int]:
        return sorted({c.pk for organisation in rows for c in organisation.visible_contacts})

    def get_queryset(self):
        return selectors.organisation_list()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return (
            None if page is None else selectors.with_visible_contacts(page, user=self.request.user)
        )

    def get_object(self):
        organisation = super().get_object()
        return selectors.with_visible_contacts([organisation], user=self.request.user)[0]


class WorkingGroupViewSet(AccessRecordedMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = WorkingGroupSerializer
    permission_classes = [IsTeamOrFacilitator]
    filterset_fields = ["is_active"]
    ordering_fields = ["name"]
    ordering = ["name"]
    access_subject = "working group"

    def access_contact_ids(self, rows) -> list[int]:
        return sorted({m.contact_id for group in rows for m in group.current_memberships})

    def get_queryset(self):
        return selectors.working_groups_with_members(user=self.request.user)


class ConsultationRoundViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ConsultationRoundSerializer
    permission_classes = [IsTeamOrFacilitator]
    filterset_fields = ["status"]
    ordering_fields = ["title", "created_at"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return selectors.round_list(user=self.request.user)


class IsTeam(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user.has_perm("coordination.import_survey"))


class SurveyImportView(APIView):
    """Import a survey export in the background (the same job as the upload page)."""

    permission_classes = [IsTeam]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request=SurveyImportCreateSerializer,
        responses={202: SurveyImportJobSerializer},
        description=(
            "Stores the file and queues the import; returns 202 with the job, whose url "
            "(also in the Location header) gives its status (queued, running, done, failed), "
            "its progress (rows_done of rows_total) and, once done, the report. 400: the "
            "request is invalid (no file, too large, unknown language). A file that cannot be "
            "read ends done with the reason in report.file_error; rejected rows, the import "
            "being all-or-nothing, end done with report.committed false and the problems "
            "listed (send partial=true to keep the good rows)."
        ),
    )
    def post(self, request):
        form = SurveyImportCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        upload = data["file"]
        mapping = data.get("mapping")
        mapping_name = mapping.name if mapping else ""
        if mapping and data.get("mapping_format"):
            mapping_name = f"mapping.{data['mapping_format']}"
        job = jobs.survey_import_job_create(
            upload=upload,
            filename=upload.name,
            language=data.get("language") or "",
            mapping=mapping,
            mapping_filename=mapping_name,
            dry_run=data["dry_run"],
            partial=data["partial"],
            user=request.user,
        )
        body = SurveyImportJobSerializer(job, context={"request": request}).data
        return Response(body, status=202, headers={"Location": body["url"]})


class SurveyImportJobView(APIView):
    """One survey import of the requesting user: status, progress, report."""

    permission_classes = [IsTeam]

    @extend_schema(responses={200: SurveyImportJobSerializer})
    def get(self, request, token):
        job = selectors.survey_import_job_of(user=request.user, token=token)
        if job is None:
            raise NotFound()
        return Response(SurveyImportJobSerializer(job, context={"request": request}).data)

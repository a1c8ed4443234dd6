"""The admin of the directory. Workflow fields (consents given or withdrawn, a round's
status, calendar addresses) are read-only here: the actions call the services instead, and
report per object what happened."""

from collections.abc import Callable, Iterable

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordination import enums, models
from coordination.selectors import active_consent_purposes
from coordination.services import (
    access_record,
    consent_give,
    consent_withdraw,
    contact_erase,
    round_status_change,
    user_calendar_token_revoke,
)


def run_for_each(
    model_admin: admin.ModelAdmin,
    request,
    objects: Iterable,
    service: Callable[[object], str],
) -> None:
    """Call ``service`` for each selected object, each in its own transaction, and tell the
    user what happened to each: the sentence ``service`` returns, or the service's refusal
    (nothing changed for that object)."""
    for obj in objects:
        try:
            with transaction.atomic():
                outcome = service(obj)
        except ValidationError as exc:
            model_admin.message_user(
                request,
                _("“%(object)s” was left as it was: %(reason)s")
                % {"object": obj, "reason": " ".join(exc.messages)},
                messages.ERROR,
            )
        else:
            model_admin.message_user(request, outcome, messages.SUCCESS)


class ServiceSaveMixin:
    """For an admin whose saves call services: a service's refusal is shown as a message and
    nothing is saved (the admin's own transaction is rolled back), never a server error."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class PersonalDataAdminMixin:
    """For an admin whose pages show personal data: each change list that names contacts and
    each change page is recorded in the audit trail through ``access_record`` (door
    "admin"), with the contacts shown, by id only. ``personal_data_contact_ids(rows)`` says
    which contacts a list of objects names."""

    personal_data_in_list = True

    def personal_data_contact_ids(self, rows) -> list[int]:
        return sorted({row.contact_id for row in rows if row.contact_id})

    def personal_data_action(self, obj) -> str:
        return enums.AccessAction.CONTACT_DETAILS_VIEWED

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if request.method == "GET" and self.personal_data_in_list and changelist is not None:
            rows = list(changelist.result_list)
            contact_ids = self.personal_data_contact_ids(rows)
            if contact_ids:
                access_record(
                    actor=request.user,
                    action=enums.AccessAction.LIST_EXPORTED,
                    door=enums.Door.ADMIN,
                    contacts=contact_ids,
                    detail=f"{self.opts.model_name} list",
                    count=len(rows),
                )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = (getattr(response, "context_data", None) or {}).get("original")
        if request.method == "GET" and response.status_code == 200 and obj is not None:
            access_record(
                actor=request.user,
                action=self.personal_data_action(obj),
                door=enums.Door.ADMIN,
                contacts=self.personal_data_contact_ids([obj]),
                detail=f"{self.opts.model_name} {obj.pk}",
            )
        return response


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (gettext_lazy("Preferences"), {"fields": ("preferred_language", "time_zone")}),
    )
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "is_staff",
        "preferred_language",
    )
    list_filter = (*BaseUserAdmin.list_filter, "preferred_language")
    actions = ["revoke_calendar_links"]

    @admin.action(
        description=gettext_lazy("Switch off the calendar links of the selected users"),
        permissions=["change"],
    )
    def revoke_calendar_links(self, request, queryset):
        def revoke(user):
            user_calendar_token_revoke(user=user)
            return _("The calendar links of “%(object)s” were switched off.") % {"object": user}

        run_for_each(self, request, queryset.order_by("pk"), revoke)


class ContactInline(admin.TabularInline):
    model = models.Contact
    extra = 0
    fields = ("name", "email", "phone", "function", "preferred_language", "is_active")
    show_change_link = True


@admin.register(models.Organisation)
class OrganisationAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ("name", "department", "kind", "support_role", "email_domain")
    list_filter = ("kind", "support_role")
    search_fields = ("name", "department", "email_domain")
    inlines = [ContactInline]
    personal_data_in_list = False  # the list names no person; each page lists its contacts

    def personal_data_contact_ids(self, rows) -> list[int]:
        return sorted(
            models.Contact.objects.filter(organisation__in=rows).values_list("pk", flat=True)
        )


# Evidence of a consent: written by the services (survey import, web form, RSVP, the add form
# here through ``consent_give``), never edited afterwards.
CONSENT_RECORD_FIELDS = (
    "contact",
    "purpose",
    "lawful_basis",
    "source",
    "given_at",
    "withdrawn_at",
    "recorded_by",
    "recorded_at",
)


class ConsentInline(admin.TabularInline):
    """The contact's consents, read-only: give one with “Add consent”, withdraw one with the
    action of the consents list."""

    model = models.Consent
    extra = 0
    fields = ("purpose", "lawful_basis", "source", "source_detail", "given_at", "withdrawn_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Contact)
class ContactAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ("name", "organisation", "email", "preferred_language", "is_active")
    list_filter = (
        "is_active",
        "preferred_language",
        "organisation__kind",
        "source",
        "lawful_basis",
    )
    # ``name_key``: "helene" finds "Hélène" (the search key ignores case and accents).
    search_fields = ("name", "name_key", "email", "organisation__name")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation", "user")
    readonly_fields = ("erased_at",)
    inlines = [ConsentInline]
    actions = ["erase_personal_data"]

    def personal_data_contact_ids(self, rows) -> list[int]:
        return sorted(row.pk for row in rows)

    @admin.action(
        description=gettext_lazy("Erase personal data of the selected contacts"),
        permissions=["change"],
    )
    def erase_personal_data(self, request, queryset):
        def erase(contact):
            # The message names the pseudonym only: it is kept in the session until shown.
            erased = contact_erase(contact=contact, by=request.user, door=enums.Door.ADMIN)
            return _("The personal data of contact #%(id)s were erased: now “%(pseudonym)s”.") % {
                "id": erased.pk,
                "pseudonym": erased.erasure.pseudonym,
            }

        run_for_each(self, request, queryset.order_by("pk"), erase)


class ConsentGiveForm(forms.ModelForm):
    """The consent a member of the team records (saved by ``consent_give``)."""

    class Meta:
        model = models.Consent
        fields = ("contact", "purpose", "lawful_basis", "source", "source_detail", "given_at")

    def clean(self):
        cleaned = super().clean()
        contact, purpose = cleaned.get("contact"), cleaned.get("purpose")
        if contact is not None and purpose and purpose in active_consent_purposes(contact):
            raise ValidationError(
                _("“%(contact)s” already has an active consent for this purpose.")
                % {"contact": contact},
                code="active_consent",
            )
        return cleaned


@admin.register(models.Consent)
class ConsentAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    """A consent recorded by the team is given through ``consent_give`` (an active consent
    for the same purpose is kept as it is); afterwards only the note on its source changes,
    and it is withdrawn with the action."""

    list_display = ("contact", "purpose", "source", "given_at", "withdrawn_at")
    list_filter = (
        "purpose",
        "source",
        "lawful_basis",
        ("withdrawn_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("contact__name", "contact__email", "contact__organisation__name")
    list_select_related = ("contact__organisation",)
    autocomplete_fields = ("contact",)
    actions = ["withdraw_consent"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ConsentGiveForm._meta.fields
        return (*CONSENT_RECORD_FIELDS, "source_detail")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ConsentGiveForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return CONSENT_RECORD_FIELDS if obj is not None else ()

    def get_changeform_initial_data(self, request):
        return {"source": enums.ConsentSource.STAFF, **super().get_changeform_initial_data(request)}

    def has_delete_permission(self, request, obj=None):
        return False  # the record of a consent is kept; withdraw it instead

    def save_form(self, request, form, change):
        if change:
            return super().save_form(request, form, change)
        data = form.cleaned_data
        return consent_give(
            contact=data["contact"],
            purpose=data["purpose"],
            source=data["source"],
            given_at=data["given_at"],
            lawful_basis=data["lawful_basis"],
            source_detail=data["source_detail"],
            recorded_by=request.user,
            door=enums.Door.ADMIN,
        )

    def save_model(self, request, obj, form, change):
        if change:  # a new consent was saved by ``consent_give`` in ``save_form``
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    @admin.action(
        description=gettext_lazy("Withdraw the selected consents"), permissions=["change"]
    )
    def withdraw_consent(self, request, queryset):
        def withdraw(consent):
            if not consent_withdraw(
                contact=consent.contact,
                purpose=consent.purpose,
                by=request.user,
                door=enums.Door.ADMIN,
            ):
                raise ValidationError(_("This consent was already withdrawn."))
            return _("“%(object)s” was withdrawn.") % {"object": consent}

        run_for_each(
            self, request, queryset.select_related("contact__organisation").order_by("pk"), withdraw
        )


class QuestionInline(admin.TabularInline):
    model = models.Question
    extra = 0
    fields = ("number", "section", "kind", "required", "two_column")
    readonly_fields = fields
    can_delete = False


@admin.register(models.Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("code", "__str__")
    search_fields = ("code",)
    inlines = [QuestionInline]


@admin.register(models.Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("number", "__str__", "section", "kind", "required", "two_column")
    list_filter = ("survey", "section", "kind", "two_column")
    search_fields = ("text",)


@admin.register(models.SurveyResponse)
class SurveyResponseAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ("organisation", "form_language", "submitted_at", "external_id")
    list_filter = ("survey", "form_language")
    search_fields = ("organisation__name", "external_id")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation", "contact")


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ("contact",)

    def get_queryset(self, request):
        # Each row names its contact with the organisation (``Contact.__str__``).
        return super().get_queryset(request).select_related("contact__organisation", "group")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "contact":  # the lookup reads each row's contact, and its name
            kwargs["queryset"] = models.Contact.objects.select_related("organisation")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(models.WorkingGroup)
class WorkingGroupAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ("name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "mandate")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]
    personal_data_in_list = False  # the list names no person; each page lists its members

    def personal_data_contact_ids(self, rows) -> list[int]:
        return sorted(
            set(
                models.Membership.objects.filter(group__in=rows).values_list(
                    "contact_id", flat=True
                )
            )
        )


@admin.register(models.Membership)
class MembershipAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ("contact", "group", "role", "since", "until")
    list_filter = ("group", "role")
    search_fields = ("contact__name", "group__name")
    list_select_related = ("contact__organisation", "group")
    autocomplete_fields = ("contact", "group")


def _round_status_action(status: enums.RoundStatus):
    """An admin action that moves the selected rounds to ``status`` through
    ``round_status_change`` (which refuses the moves the workflow does not allow)."""

    def move(model_admin, request, queryset):
        def change(consultation_round):
            round_status_change(consultation_round=consultation_round, to=status)
            return _("“%(object)s” is now “%(status)s”.") % {
                "object": consultation_round,
                "status": status.label,
            }

        run_for_each(model_admin, request, queryset.order_by("pk"), change)

    move.__name__ = f"move_to_{status.value}"
    return admin.action(
        description=format_lazy(
            gettext_lazy("Move the selected rounds to “{status}”"), status=status.label
        ),
        permissions=["change"],
    )(move)


@admin.register(models.ConsultationRound)
class ConsultationRoundAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "capacity_per_session")
    list_filter = ("status",)
    search_fields = ("title", "purpose")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("facilitators", "questions")
    readonly_fields = ("status",)
    # The other statuses follow what happened (the services that cause them move them).
    actions = [_round_status_action(enums.RoundStatus.CLOSED)]


@admin.register(models.ErasureRecord)
class ErasureRecordAdmin(admin.ModelAdmin):
    """What was erased and when (read only: erasures are made by the contact's action)."""

    list_display = ("pseudonym", "erased_at", "erased_by", "door")
    list_filter = ("door",)
    search_fields = ("pseudonym",)
    readonly_fields = ("contact", "pseudonym", "erased_at", "erased_by", "door", "summary")
    exclude = ("email_hash",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

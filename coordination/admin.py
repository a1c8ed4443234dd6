from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from coordination import models
from coordination.services import contact_erase


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Preferences"), {"fields": ("preferred_language", "time_zone")}),
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


class ContactInline(admin.TabularInline):
    model = models.Contact
    extra = 0
    fields = ("name", "email", "phone", "function", "preferred_language", "is_active")
    show_change_link = True


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "kind", "support_role", "email_domain")
    list_filter = ("kind", "support_role")
    search_fields = ("name", "department", "email_domain")
    inlines = [ContactInline]


class ConsentInline(admin.TabularInline):
    model = models.Consent
    extra = 0
    fields = ("purpose", "lawful_basis", "source", "source_detail", "given_at", "withdrawn_at")


@admin.register(models.Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "email", "preferred_language", "is_active")
    list_filter = ("is_active", "preferred_language", "organisation__kind")
    search_fields = ("name", "email", "organisation__name")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation", "user")
    inlines = [ConsentInline]
    actions = ["erase_personal_data"]

    @admin.action(description=_("Erase personal data of the selected contacts"))
    def erase_personal_data(self, request, queryset):
        for contact in queryset:
            contact_erase(contact=contact)
        self.message_user(request, _("%(count)d contact(s) erased.") % {"count": queryset.count()})


@admin.register(models.Consent)
class ConsentAdmin(admin.ModelAdmin):
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
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ("organisation", "form_language", "submitted_at", "external_id")
    list_filter = ("survey", "form_language")
    search_fields = ("organisation__name", "external_id")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation", "contact")


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ("contact",)


@admin.register(models.WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "mandate")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("contact", "group", "role", "since", "until")
    list_filter = ("group", "role")
    search_fields = ("contact__name", "group__name")
    list_select_related = ("contact__organisation", "group")
    autocomplete_fields = ("contact", "group")


@admin.register(models.ConsultationRound)
class ConsultationRoundAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "capacity_per_session")
    list_filter = ("status",)
    search_fields = ("title", "purpose")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("facilitators", "questions")

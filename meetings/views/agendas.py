"""Agenda pages: the participant-facing agenda, the editor and the PDF."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from coordination.exceptions import EditConflict
from coordination.models import Contact
from coordination.private_files import private_file_response
from coordination.views import ContactLookupView
from meetings import enums
from meetings.formats.documents import export_filename
from meetings.forms.agendas import AgendaItemForm, AttachmentForm, ReorderForm, TemplateForm
from meetings.models import AgendaAttachment, AgendaItem, Meeting
from meetings.selectors.agendas import (
    agenda_items,
    agenda_pdf_cached,
    agenda_time_plan,
    presenter_choices,
)
from meetings.selectors.scheduling import previous_meeting
from meetings.services import agendas as agenda_services
from meetings.views.base import (
    ManagedMeetingMixin,
    flash_errors,
    managed_meeting,
    visible_meeting,
)


def managed_item(request, meeting_pk: int, item_pk: int) -> AgendaItem:
    meeting = managed_meeting(request, meeting_pk)
    item = get_object_or_404(AgendaItem, meeting=meeting, pk=item_pk)
    item.meeting = meeting
    return item


def agenda_context(meeting: Meeting) -> dict:
    items = list(agenda_items(meeting=meeting))
    return {
        "meeting": meeting,
        "items": items,
        "plan": agenda_time_plan(meeting=meeting, items=items),
    }


@login_required
@require_GET
def agenda_page(request, pk: int):
    """The agenda as invitees see it (linked from the invitation e-mail)."""
    meeting = visible_meeting(request, pk)
    if not request.user.has_perm("meetings.view_agenda", meeting):
        return render(request, "meetings/agenda/unpublished.html", {"meeting": meeting})
    context = agenda_context(meeting)
    context["can_manage"] = request.user.has_perm("meetings.manage_meeting", meeting)
    return render(request, "meetings/agenda/agenda.html", context)


@login_required
@require_GET
def agenda_versions(request, pk: int, number: int | None = None):
    """Every published version of the agenda; one version as it was published, with what
    changed since the previous one."""
    meeting = visible_meeting(request, pk)
    if not request.user.has_perm("meetings.view_agenda", meeting):
        raise Http404
    versions = list(meeting.agenda_versions.select_related("published_by").order_by("-number"))
    context = {"meeting": meeting, "versions": versions}
    if number is not None:
        by_number = {v.number: v for v in versions}
        version = by_number.get(number)
        if version is None:
            raise Http404
        previous = max((n for n in by_number if n < number), default=None)
        context |= {
            "version": version,
            "previous": by_number.get(previous),
            "changes": agenda_services.agenda_changes_shown(
                before=by_number[previous].items if previous else None, after=version.items
            ),
            "purposes": dict(enums.AgendaPurpose.choices),
        }
    return render(request, "meetings/agenda/versions.html", context)


@login_required
@require_GET
def agenda_pdf(request, pk: int):
    meeting = visible_meeting(request, pk)
    if not request.user.has_perm("meetings.view_agenda", meeting):
        raise Http404
    bilingual = request.GET.get("bilingual") == "1"
    pdf = agenda_pdf_cached(meeting=meeting, bilingual=bilingual)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = export_filename(meeting, "agenda", "pdf", meeting.agenda_version or None)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def agenda_edit(request, pk: int):
    """The editor: items with up/down buttons (no JavaScript needed), the time plan, the
    templates, copy from the previous meeting, and publication."""
    meeting = managed_meeting(request, pk)
    form = AgendaItemForm(request.POST or None, prefix="new", meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            agenda_services.agenda_item_create(meeting=meeting, **form.service_kwargs())
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("The item was added."))
            return redirect("agenda-edit", pk=meeting.pk)
    context = agenda_context(meeting)
    context.update(
        {
            "form": form,
            "templates": enums.AgendaTemplate.choices,
            "previous": previous_meeting(meeting=meeting),
            "undo": request.session.pop(f"agenda-undo-{meeting.pk}", None),
        }
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/agenda/edit.html", context, status=status)


@login_required
def agenda_item_edit(request, pk: int, item_pk: int):
    item = managed_item(request, pk, item_pk)
    form = AgendaItemForm(request.POST or None, instance=item, prefix="item", meeting=item.meeting)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        questions = data.pop("questions")
        # The form already wrote the cleaned values on the instance; the service validates,
        # merges with a save made meanwhile, saves and marks a published agenda as changed.
        try:
            agenda_services.agenda_item_update(
                item=item,
                questions=questions,
                revision=form.cleaned_data.get("revision"),
                bases=form.loaded_values(),
                **data,
            )
        except EditConflict as error:
            conflict = error
            messages.error(request, error.messages[0])
            # Shown again with the user's values; saving again (after merging) is taken.
            item = AgendaItem.objects.get(pk=item.pk)
            posted = request.POST.copy()
            posted["item-revision"] = str(error.revision)
            posted["item-loaded"] = json.dumps(agenda_services.agenda_item_values(item))
            form = AgendaItemForm(posted, instance=item, prefix="item", meeting=item.meeting)
            form.is_valid()
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("The item was saved."))
            return redirect("agenda-edit", pk=pk)
    if request.method != "POST":
        form.load(revision=item.revision, values=agenda_services.agenda_item_values(item))
    context = {
        "meeting": item.meeting,
        "item": item,
        "form": form,
        "conflicts": _conflict_rows(form, conflict),
        "attachment_form": AttachmentForm(),
        "attachments": list(item.attachments.all()),
    }
    status = 409 if conflict else 400 if request.method == "POST" else 200
    return render(request, "meetings/agenda/item_edit.html", context, status=status)


class PresenterLookupView(ManagedMeetingMixin, ContactLookupView):
    """Who may present an item of the meeting's agenda, suggested while a name is typed."""

    def contacts(self):
        self.get_meeting()
        return presenter_choices()


def _conflict_rows(form, conflict) -> list[tuple[str, str]]:
    """(label, value saved meanwhile) of each clashing field, for people to read."""
    if conflict is None:
        return []
    rows = []
    for name, value in conflict.conflicts.items():
        field = form.fields[name]
        if name == "presenter":
            shown = str(Contact.objects.filter(pk=value).first() or "–")
        elif name == "questions":
            shown = ", ".join(f"Q{number}" for number in value) or "–"
        elif getattr(field, "choices", None) and not isinstance(value, list):
            shown = str(dict(field.choices).get(value, value))
        else:
            shown = str(value) if value not in (None, "") else "–"
        rows.append((str(field.label), shown))
    return rows


@login_required
@require_POST
def agenda_item_move(request, pk: int, item_pk: int):
    item = managed_item(request, pk, item_pk)
    direction = request.POST.get("direction", "")
    try:
        agenda_services.agenda_item_move(item=item, direction=direction)
    except ValidationError as error:
        flash_errors(request, error)
    return redirect(reverse("agenda-edit", args=[pk]) + f"#item-{item.pk}")


UNDO_SALT = "agenda-item-undo"
UNDO_MAX_AGE = 3600


@login_required
def agenda_item_delete(request, pk: int, item_pk: int):
    """GET: ask first (works without JavaScript). POST: delete; the agenda page then offers
    to undo it for an hour."""
    item = managed_item(request, pk, item_pk)
    if request.method != "POST":
        context = {"meeting": item.meeting, "item": item, "attachments": item.attachments.count()}
        return render(request, "meetings/agenda/item_delete.html", context)
    undo = signing.dumps(agenda_services.agenda_item_undo_data(item=item), salt=UNDO_SALT)
    title = item.title
    agenda_services.agenda_item_delete(item=item)
    messages.success(request, _("The item “%(title)s” was removed.") % {"title": title})
    request.session[f"agenda-undo-{pk}"] = {"token": undo, "title": title}
    return redirect("agenda-edit", pk=pk)


@login_required
@require_POST
def agenda_item_restore(request, pk: int):
    meeting = managed_meeting(request, pk)
    try:
        data = signing.loads(request.POST.get("token", ""), salt=UNDO_SALT, max_age=UNDO_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, _("This removal can no longer be undone."))
        return redirect("agenda-edit", pk=pk)
    try:
        item = agenda_services.agenda_item_restore(meeting=meeting, data=data)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        request.session.pop(f"agenda-undo-{pk}", None)
        messages.success(request, _("The item “%(title)s” is back.") % {"title": item.title})
    return redirect("agenda-edit", pk=pk)


@login_required
@require_POST
def agenda_reorder(request, pk: int):
    """Drag-and-drop (static/meetings/agenda.js) posts the new order here."""
    meeting = managed_meeting(request, pk)
    form = ReorderForm(request.POST)
    if not form.is_valid():
        flash_errors(request, ValidationError(form.errors["order"]))
        return redirect("agenda-edit", pk=pk)
    try:
        agenda_services.agenda_reorder(meeting=meeting, item_ids=form.cleaned_data["order"])
    except ValidationError as error:
        flash_errors(request, error)
    return redirect("agenda-edit", pk=pk)


@login_required
@require_POST
def agenda_template(request, pk: int):
    meeting = managed_meeting(request, pk)
    form = TemplateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the templates."))
        return redirect("agenda-edit", pk=pk)
    try:
        agenda_services.agenda_from_template(
            meeting=meeting, template=form.cleaned_data["template"]
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The agenda was created from the template."))
    return redirect("agenda-edit", pk=pk)


@login_required
@require_POST
def agenda_copy_previous(request, pk: int):
    meeting = managed_meeting(request, pk)
    try:
        agenda_services.agenda_copy_previous(meeting=meeting)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The agenda of the previous meeting was copied."))
    return redirect("agenda-edit", pk=pk)


@login_required
@require_POST
def agenda_publish(request, pk: int):
    meeting = managed_meeting(request, pk)
    try:
        meeting = agenda_services.agenda_publish(meeting=meeting, user=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request,
            _("The agenda was published (version %(version)s).")
            % {"version": meeting.agenda_version},
        )
    return redirect("agenda-edit", pk=pk)


@login_required
@require_POST
def attachment_add(request, pk: int, item_pk: int):
    item = managed_item(request, pk, item_pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
    else:
        try:
            agenda_services.agenda_attachment_add(
                item=item, upload=form.cleaned_data["file"], user=request.user
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("The file was attached."))
    return redirect("agenda-item-edit", pk=pk, item_pk=item.pk)


@login_required
@require_POST
def attachment_delete(request, pk: int, attachment_pk: int):
    meeting = managed_meeting(request, pk)
    attachment = get_object_or_404(
        AgendaAttachment.objects.select_related("agenda_item"),
        pk=attachment_pk,
        agenda_item__meeting=meeting,
    )
    item_pk = attachment.agenda_item_id
    agenda_services.agenda_attachment_delete(attachment=attachment)
    messages.success(request, _("The file was removed."))
    return redirect("agenda-item-edit", pk=pk, item_pk=item_pk)


@login_required
@require_GET
def attachment_download(request, pk: int, attachment_pk: int):
    meeting = visible_meeting(request, pk)
    if not request.user.has_perm("meetings.view_agenda", meeting):
        raise Http404
    attachment = get_object_or_404(AgendaAttachment, pk=attachment_pk, agenda_item__meeting=meeting)
    return private_file_response(
        request,
        attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )

"""Minutes pages: reading and commenting, the editor (attendance, notes, decisions,
inline action items), the workflow buttons and the exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from coordination.exceptions import EditConflict
from coordination.models import ConsultationRound, WorkingGroup
from coordination.private_files import private_file_response
from coordination.validators import id_or_none
from meetings import enums
from meetings.formats.documents import export_filename, minutes_docx, minutes_markdown, minutes_pdf
from meetings.forms.actions import ActionItemForm, owner_suggestions
from meetings.forms.minutes import (
    CirculateForm,
    CommentForm,
    CorrectionForm,
    DecisionForm,
    MinutesExportForm,
)
from meetings.models import AgendaItem, Decision, Meeting, Minutes, MinutesExport
from meetings.selectors.actions import action_owner_choices
from meetings.selectors.minutes import (
    meeting_attendance,
    minutes_document,
    minutes_for,
    minutes_versions,
)
from meetings.selectors.scheduling import meetings_managed_by, previous_meeting
from meetings.services import actions as action_services
from meetings.services import minutes as minutes_services
from meetings.services.minutes import minutes_export_request
from meetings.views.base import flash_errors, managed_meeting, visible_meeting


def _version(request) -> int | None:
    return id_or_none(request.GET.get("version", ""))


def _item_or_none(meeting: Meeting, pk) -> AgendaItem | None:
    if not pk:
        return None
    return get_object_or_404(AgendaItem, meeting=meeting, pk=pk)


def _latest(meeting: Meeting) -> Minutes | None:
    return Minutes.objects.filter(meeting=meeting).order_by("-version").first()


@login_required
@require_GET
def minutes_page(request, pk: int):
    meeting = visible_meeting(request, pk)
    minutes = minutes_for(meeting=meeting, user=request.user, version=_version(request))
    if minutes is None:
        if _version(request) is not None:
            raise Http404
        return render(request, "meetings/minutes/none.html", {"meeting": meeting}, status=200)
    doc = minutes_document(minutes=minutes, with_comments=True)
    versions = minutes_versions(meeting=meeting, user=request.user)
    context = {
        "meeting": meeting,
        "doc": doc,
        "minutes": minutes,
        "versions": versions,
        "is_latest": versions and versions[0].pk == minutes.pk,
        "can_comment": request.user.has_perm("meetings.comment_minutes", minutes)
        and (minutes.comments_due is None or timezone.now() <= minutes.comments_due),
        "can_manage": request.user.has_perm("meetings.manage_meeting", meeting),
    }
    return render(request, "meetings/minutes/page.html", context)


@login_required
@require_POST
def minutes_comment(request, pk: int, minutes_pk: int):
    meeting = visible_meeting(request, pk)
    minutes = get_object_or_404(Minutes, meeting=meeting, pk=minutes_pk)
    if not request.user.has_perm("meetings.comment_minutes", minutes):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment."))
    else:
        try:
            minutes_services.minutes_comment_add(
                minutes=minutes,
                user=request.user,
                text=form.cleaned_data["text"],
                agenda_item=_item_or_none(meeting, form.cleaned_data["agenda_item"]),
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Thank you, your comment was recorded."))
    return redirect(reverse("minutes-page", args=[pk]) + f"?version={minutes.version}")


@login_required
def minutes_edit(request, pk: int):
    """The editor: one form holds attendance, the notes, new decisions and new action items
    of every item and the workflow buttons, so whichever button is pressed, everything typed
    is saved together (or, when refused, shown again as typed)."""
    meeting = managed_meeting(request, pk)
    minutes = _latest(meeting)
    if request.method == "POST":
        if minutes is None:
            minutes_services.minutes_start(meeting=meeting, user=request.user)
            return redirect("minutes-edit", pk=pk)
        return _minutes_save(request, meeting, minutes)
    return _minutes_editor(request, meeting, minutes)


def _minutes_editor(request, meeting, minutes, *, posted=None, conflict=None, status=200):
    context = {"meeting": meeting, "minutes": minutes, "posted": posted is not None}
    if minutes is not None:
        doc = minutes_document(minutes=minutes, with_comments=True)
        attendance = doc.attendance
        owners = action_owner_choices(meeting=meeting)
        posted = posted or {}
        old_bases = posted.get("bases") or {}
        theirs = conflict.conflicts if conflict else {}
        merged = conflict.merged if conflict else {}
        action_forms = posted.get("action_forms", {})
        rows = []
        for row in doc.rows:
            key = minutes_services.note_key(row.item.pk)
            rows.append(
                {
                    "row": row,
                    "note": merged.get(key, posted.get("notes", {}).get(row.item.pk, row.note)),
                    "base": old_bases.get(key, row.note),
                    "theirs": theirs.get(key),
                    "new_decision": posted.get("decisions", {}).get(row.item.pk, ""),
                    "action_form": action_forms.get(row.item.pk)
                    or ActionItemForm(
                        owners=owners,
                        prefix=f"action-{row.item.pk}",
                        use_required_attribute=False,
                    ),
                }
            )
        attendance_rows = []
        for contact, recorded in attendance:
            key = minutes_services.attendance_key(contact.pk)
            value = posted.get("attendance", {}).get(contact.pk, recorded)
            attendance_rows.append(
                {
                    "contact": contact,
                    "status": merged.get(key, value),
                    "base": old_bases.get(key, recorded),
                    "theirs": theirs.get(key),
                }
            )
        context.update(
            {
                "doc": doc,
                "rows": rows,
                "attendance_rows": attendance_rows,
                "attendance_choices": enums.AttendanceStatus.choices,
                "owner_suggestions": owner_suggestions(owners),
                "locked": minutes.status == enums.MinutesStatus.APPROVED,
                "conflict": conflict,
                "revision": posted.get("revision") or minutes.revision,
                # One form holds every field: no field may stop the browser from sending it.
                "circulate_form": CirculateForm(posted.get("data"), use_required_attribute=False),
                "correction_form": CorrectionForm(),
                "previous_minutes": _previous_minutes_to_approve(meeting),
            }
        )
    return render(request, "meetings/minutes/edit.html", context, status=status)


def _posted_revision(request) -> int | None:
    return id_or_none(request.POST.get("revision", ""))


def _minutes_save(request, meeting: Meeting, minutes: Minutes):
    """Save everything the editor holds, then do what the pressed button asks."""
    data = request.POST
    attendance = meeting_attendance(meeting=meeting)
    owners = action_owner_choices(meeting=meeting)
    items = list(meeting.agenda_items.all())
    notes = {i.pk: data[f"note-{i.pk}"] for i in items if f"note-{i.pk}" in data}
    statuses = {
        c.pk: data[f"attendance-{c.pk}"] for c, _s in attendance if f"attendance-{c.pk}" in data
    }
    bases = {
        minutes_services.note_key(i.pk): data[f"base-note-{i.pk}"]
        for i in items
        if f"base-note-{i.pk}" in data
    }
    bases |= {
        minutes_services.attendance_key(c.pk): data[f"base-attendance-{c.pk}"]
        for c, _s in attendance
        if f"base-attendance-{c.pk}" in data
    }
    decisions_typed = {i.pk: data.get(f"decision-{i.pk}", "") for i in items}
    action_forms, actions, invalid = {}, [], False
    for item in items:
        prefix = f"action-{item.pk}"
        if not any(data.get(f"{prefix}-{name}") for name in ACTION_FIELDS):
            continue
        form = ActionItemForm(data, owners=owners, prefix=prefix, use_required_attribute=False)
        action_forms[item.pk] = form
        if form.is_valid():
            actions.append(
                minutes_services.NewActionItem(
                    agenda_item=item,
                    description=form.cleaned_data["description"],
                    owner_contact=form.cleaned_data["owner_contact"],
                    owner_organisation=form.cleaned_data["owner_organisation"],
                    due_date=form.cleaned_data["due_date"],
                )
            )
        else:
            invalid = True
    then = data.get("then", "")
    circulate = CirculateForm(data) if then == "circulate" else None
    if circulate is not None and not circulate.is_valid():
        invalid = True
    removed = [n for n in map(id_or_none, data.getlist("remove_decision")) if n is not None]
    posted = {
        "notes": notes,
        "attendance": statuses,
        "decisions": decisions_typed,
        "action_forms": action_forms,
        "data": data if circulate is not None else None,
        "revision": _posted_revision(request),
        "bases": bases,
    }
    if invalid:
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
        return _minutes_editor(request, meeting, minutes, posted=posted, status=400)
    by_pk = {i.pk: i for i in items}
    try:
        saved = minutes_services.minutes_save(
            minutes=minutes,
            revision=_posted_revision(request),
            notes=notes,
            attendance=statuses,
            bases=bases,
            decisions=[
                minutes_services.NewDecision(agenda_item=by_pk[pk], text=text)
                for pk, text in decisions_typed.items()
                if text.strip()
            ],
            removed_decisions=removed,
            actions=actions,
            user=request.user,
        )
    except EditConflict as conflict:
        messages.error(request, conflict.messages[0])
        minutes.refresh_from_db()
        posted |= {"revision": None, "bases": None}
        return _minutes_editor(
            request, meeting, minutes, posted=posted, conflict=conflict, status=409
        )
    except ValidationError as error:
        # Nothing was written: the editor shows again what was typed, on the revision and
        # the texts it was loaded with.
        flash_errors(request, error)
        return _minutes_editor(request, meeting, minutes, posted=posted, status=400)
    try:
        if then == "circulate":
            minutes_services.minutes_circulate(
                minutes=minutes, comments_due=circulate.deadline(), user=request.user
            )
        elif then in ("approve", "approve-previous"):
            _approve(request, meeting, previous=then == "approve-previous")
    except ValidationError as error:
        messages.success(request, _("The minutes were saved."))
        flash_errors(request, error)
        return redirect("minutes-edit", pk=meeting.pk)
    if saved.merged:
        messages.info(
            request,
            _("Someone else saved these minutes meanwhile; their changes were kept with yours."),
        )
    messages.success(request, SAVED_MESSAGES.get(then, _("The minutes were saved.")))
    return redirect("minutes-edit", pk=meeting.pk)


ACTION_FIELDS = ("description", "owner_contact", "owner_organisation", "due_date")
SAVED_MESSAGES = {
    "circulate": gettext_lazy("The minutes were saved and circulated for comments."),
    "approve": gettext_lazy("The minutes were saved, approved and are now locked."),
    "approve-previous": gettext_lazy("The minutes were saved and the previous minutes approved."),
}


def _previous_minutes_to_approve(meeting: Meeting) -> Minutes | None:
    """Circulated minutes of the previous meeting, when this meeting has an "approval of the
    previous minutes" item."""
    if not meeting.agenda_items.filter(kind=enums.AgendaItemKind.MINUTES_APPROVAL).exists():
        return None
    previous = previous_meeting(meeting=meeting)
    if previous is None:
        return None
    latest = _latest(previous)
    if latest is None or latest.status != enums.MinutesStatus.CIRCULATED:
        return None
    return latest


def _approve(request, meeting: Meeting, *, previous: bool) -> None:
    if previous:
        minutes = _previous_minutes_to_approve(meeting)
        if minutes is None:
            raise ValidationError(_("There are no circulated minutes of a previous meeting."))
        minutes_services.minutes_approve(minutes=minutes, user=request.user, at_meeting=meeting)
    else:
        minutes_services.minutes_approve(minutes=_latest(meeting), user=request.user)


@login_required
@require_POST
def decision_add(request, pk: int):
    meeting = managed_meeting(request, pk)
    minutes = _latest(meeting)
    form = DecisionForm(request.POST)
    if minutes is None or not form.is_valid():
        messages.error(request, _("Write the decision."))
        return redirect("minutes-edit", pk=pk)
    try:
        minutes_services.decision_add(
            minutes=minutes,
            text=form.cleaned_data["text"],
            agenda_item=_item_or_none(meeting, form.cleaned_data["agenda_item"]),
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The decision was recorded."))
    return redirect("minutes-edit", pk=pk)


@login_required
@require_POST
def decision_delete(request, pk: int, decision_pk: int):
    meeting = managed_meeting(request, pk)
    decision = get_object_or_404(Decision, pk=decision_pk, minutes__meeting=meeting)
    try:
        minutes_services.decision_delete(decision=decision)
    except ValidationError as error:
        flash_errors(request, error)
    return redirect("minutes-edit", pk=pk)


@login_required
@require_POST
def action_add(request, pk: int):
    meeting = managed_meeting(request, pk)
    form = ActionItemForm(request.POST, owners=action_owner_choices(meeting=meeting))
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                label = form.fields[field].label if field in form.fields else ""
                shown = {"label": label, "error": error}
                messages.error(request, _("%(label)s: %(error)s") % shown if label else error)
        return redirect("minutes-edit", pk=pk)
    data = form.cleaned_data
    try:
        action_services.action_item_create(
            meeting=meeting,
            description=data["description"],
            owner_contact=data["owner_contact"],
            owner_organisation=data["owner_organisation"],
            due_date=data["due_date"],
            agenda_item=_item_or_none(meeting, data["agenda_item"]),
            user=request.user,
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The action item was added."))
    return redirect("minutes-edit", pk=pk)


@login_required
@require_POST
def minutes_circulate(request, pk: int):
    meeting = managed_meeting(request, pk)
    minutes = _latest(meeting)
    form = CirculateForm(request.POST)
    if minutes is None:
        raise Http404
    if not form.is_valid():
        for error in form.errors.get("comments_due", []):
            messages.error(request, error)
        return redirect("minutes-edit", pk=pk)
    try:
        minutes_services.minutes_circulate(
            minutes=minutes, comments_due=form.deadline(), user=request.user
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The minutes were circulated for comments."))
    return redirect("minutes-edit", pk=pk)


@login_required
@require_POST
def minutes_approve(request, pk: int):
    """Approve this meeting's minutes, or (``previous``) the previous meeting's minutes at
    this meeting's "approval of the previous minutes" item."""
    meeting = managed_meeting(request, pk)
    at_meeting = None
    if request.POST.get("previous"):
        minutes = _previous_minutes_to_approve(meeting)
        at_meeting = meeting
        if minutes is None:
            messages.error(request, _("There are no circulated minutes of a previous meeting."))
            return redirect("minutes-edit", pk=pk)
    else:
        minutes = _latest(meeting)
        if minutes is None:
            raise Http404
    try:
        minutes_services.minutes_approve(minutes=minutes, user=request.user, at_meeting=at_meeting)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The minutes were approved and are now locked."))
    return redirect("minutes-edit", pk=pk)


@login_required
@require_POST
def minutes_correct(request, pk: int):
    meeting = managed_meeting(request, pk)
    minutes = _latest(meeting)
    form = CorrectionForm(request.POST)
    if minutes is None:
        raise Http404
    if not form.is_valid():
        messages.error(request, _("Say why the approved minutes are corrected."))
        return redirect("minutes-edit", pk=pk)
    try:
        minutes_services.minutes_correct(
            minutes=minutes, user=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("A correction (new version) was started."))
    return redirect("minutes-edit", pk=pk)


EXPORT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
}


@login_required
@require_GET
def minutes_export(request, pk: int, extension: str):
    meeting = visible_meeting(request, pk)
    minutes = minutes_for(meeting=meeting, user=request.user, version=_version(request))
    if minutes is None or extension not in EXPORT_TYPES:
        raise Http404
    doc = minutes_document(minutes=minutes)
    if extension == "pdf":
        content = minutes_pdf(documents=[doc])
    elif extension == "docx":
        content = minutes_docx(doc=doc)
    else:
        content = minutes_markdown(doc=doc).encode("utf-8")
    response = HttpResponse(content, content_type=EXPORT_TYPES[extension])
    name = export_filename(meeting, "minutes", extension, minutes.version)
    disposition = "inline" if extension == "pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


def _export_scopes(user):
    managed = meetings_managed_by(user=user)
    groups = WorkingGroup.objects.filter(meetings__in=managed.values("pk")).distinct()
    rounds = ConsultationRound.objects.filter(sessions__in=managed.values("pk")).distinct()
    return list(groups.order_by("name")), list(rounds.order_by("title"))


@login_required
def minutes_exports(request):
    """Export the minutes of a group's year or a round's sessions at once (built by a task)."""
    groups, rounds = _export_scopes(request.user)
    if not groups and not rounds and not request.user.has_perm("coordination.view_directory"):
        raise PermissionDenied  # the page is in the facilitators' navigation
    form = MinutesExportForm(request.POST or None, groups=groups, rounds=rounds)
    if request.method == "POST" and form.is_valid():
        kind, _sep, scope_pk = form.cleaned_data["scope"].partition(":")
        managed = meetings_managed_by(user=request.user).filter(minutes__isnull=False)
        if kind == "group":
            meetings = managed.filter(working_group_id=int(scope_pk))
            label = str(next(g for g in groups if g.pk == int(scope_pk)))
        else:
            meetings = managed.filter(consultation_round_id=int(scope_pk))
            label = str(next(r for r in rounds if r.pk == int(scope_pk)))
        year = form.cleaned_data.get("year")
        if year:
            meetings = meetings.filter(starts_at__year=year)
            label = f"{label} {year}"
        try:
            minutes_export_request(
                user=request.user,
                meetings=list(meetings.distinct().order_by("starts_at")),
                export_format=form.cleaned_data["format"],
                title=_("Minutes: %(scope)s") % {"scope": label},
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("The export is being prepared; it appears below."))
            return redirect("minutes-exports")
    exports_list = MinutesExport.objects.filter(requested_by=request.user)[:20]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "meetings/minutes/exports.html",
        {"form": form, "exports": exports_list},
        status=status,
    )


@login_required
@require_GET
def minutes_export_download(request, export_pk: int):
    export = get_object_or_404(
        MinutesExport, pk=export_pk, requested_by=request.user, status=enums.ExportStatus.READY
    )
    content_type = "application/pdf" if export.format == "pdf" else "application/zip"
    filename = f"{slugify(export.title)[:80] or 'minutes'}.{export.format}"
    return private_file_response(request, export.file, filename=filename, content_type=content_type)

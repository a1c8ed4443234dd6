"""Action-item pages: lists with filters (per meeting, group/round, owner, overdue),
the detail with history, status changes, comments, the signed e-mail link and exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coordination import dates
from coordination.enums import AccessAction, Door
from coordination.languages import link_page_language
from coordination.services import access_record
from meetings.enums import ActionStatus
from meetings.formats.documents import action_items_csv, action_items_xlsx
from meetings.forms.actions import (
    ActionCommentForm,
    ActionFilterForm,
    ActionItemForm,
    ActionStatusForm,
    owner_suggestions,
)
from meetings.selectors.actions import (
    OPEN_STATUSES,
    action_item_history,
    action_item_list,
    action_item_reviews,
    action_items_listed,
    action_items_visible_to,
    action_owner_choices,
)
from meetings.services import actions as action_services
from meetings.views.access import link_post_rate_limit
from meetings.views.base import flash_errors, link_refused, url_maker

EXPORT_ROW_LIMIT = 10_000


def action_list_rows(actions: list[dict], *, today) -> list[dict]:
    """What the list shows of each action item (``action_items_listed``), ready for the
    template (which then only prints): a list of 50 rows rendered from attribute lookups,
    filters and ``{% url %}`` tags cost more than the page's SQL."""
    detail_url, meeting_url = url_maker("action-detail"), url_maker("meeting-detail")
    reviews = action_item_reviews([action["pk"] for action in actions])
    statuses = {code: str(label) for code, label in ActionStatus.choices}
    due_labels: dict = {}
    rows = []
    for action in actions:
        contact_id, organisation_id = action["owner_contact_id"], action["owner_organisation_id"]
        due, status = action["due_date"], action["status"]
        if due is not None and due not in due_labels:
            due_labels[due] = dates.medium_date(due)
        rows.append(
            {
                "pk": action["pk"],
                "url": detail_url(action["pk"]),
                "description": Truncator(action["description"]).chars(120),
                "contact_name": action["owner_contact__name"] if contact_id else "",
                "contact_url": f"?status=open&owner={contact_id}" if contact_id else "",
                "organisation_name": action["owner_organisation__name"] if organisation_id else "",
                "organisation_url": (
                    f"?status=open&organisation={organisation_id}" if organisation_id else ""
                ),
                "due": due_labels[due] if due is not None else "–",
                "overdue": status in OPEN_STATUSES and due is not None and due < today,
                "status": status,
                "status_label": statuses.get(status, status),
                "meeting_url": meeting_url(action["origin_meeting_id"]),
                "meeting_title": action["origin_meeting__title"],
                "reviewed_at": ", ".join(title or "–" for title in reviews.get(action["pk"], []))
                or "–",
            }
        )
    return rows


@login_required
@require_GET
def action_list(request):
    visible = action_items_visible_to(user=request.user)
    form = ActionFilterForm(request.GET or {"status": "open"}, user=request.user, visible=visible)
    if not form.is_valid():
        return render(
            request,
            "meetings/actions/list.html",
            {"form": form, "rows": [], "page_obj": None, "query": ""},
            status=400,
        )
    actions = action_item_list(user=request.user, filters=form.filters(), visible=visible)
    paginator = Paginator(action_items_listed(actions), 50)
    paginator.count = actions.count()  # counted without the joins of the rows' columns
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/actions/list.html",
        {
            "form": form,
            "rows": action_list_rows(list(page.object_list), today=timezone.localdate()),
            "page_obj": page,
            "query": query.urlencode(),
        },
    )


@login_required
@require_GET
def action_export(request, extension: str):
    form = ActionFilterForm(request.GET or {"status": "open"}, user=request.user)
    if not form.is_valid():
        return HttpResponse(_("Invalid filters."), status=400, content_type="text/plain")
    actions = list(action_item_list(user=request.user, filters=form.filters())[:EXPORT_ROW_LIMIT])
    stamp = timezone.localdate().isoformat()
    if extension == "csv":
        content = action_items_csv(actions)
        content_type = "text/csv; charset=utf-8"
    elif extension == "xlsx":
        content = action_items_xlsx(actions)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    access_record(
        actor=request.user,
        action=AccessAction.LIST_EXPORTED,
        door=Door.PAGE,
        contacts=sorted({a.owner_contact_id for a in actions if a.owner_contact_id}),
        detail=f"action items ({extension})",
        count=len(actions),
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="action-items-{stamp}.{extension}"'
    return response


def _visible_action(request, pk: int):
    action = get_object_or_404(action_items_visible_to(user=request.user), pk=pk)
    if not request.user.has_perm("meetings.view_action", action):
        raise Http404
    return action


@login_required
@require_GET
def action_detail(request, pk: int):
    action = _visible_action(request, pk)
    context = {
        "action": action,
        "history": action_item_history(action=action),
        "can_update": request.user.has_perm("meetings.update_action", action),
        "can_manage": request.user.has_perm("meetings.manage_action", action),
        "status_form": ActionStatusForm(initial={"status": action.status}),
        "comment_form": ActionCommentForm(),
    }
    return render(request, "meetings/actions/detail.html", context)


@login_required
@require_POST
def action_status(request, pk: int):
    action = _visible_action(request, pk)
    if not request.user.has_perm("meetings.update_action", action):
        raise PermissionDenied
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect("action-detail", pk=pk)
    try:
        action_services.action_item_set_status(
            action=action,
            status=form.cleaned_data["status"],
            user=request.user,
            text=form.cleaned_data["text"],
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The status was changed."))
    return redirect("action-detail", pk=pk)


@login_required
@require_POST
def action_comment(request, pk: int):
    action = _visible_action(request, pk)
    form = ActionCommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment."))
        return redirect("action-detail", pk=pk)
    action_services.action_item_comment(
        action=action, text=form.cleaned_data["text"], user=request.user
    )
    messages.success(request, _("Your comment was added."))
    return redirect("action-detail", pk=pk)


@require_http_methods(["GET", "POST"])
@link_post_rate_limit
def action_done_by_token(request, token: str):
    """The link in a reminder: GET shows a confirmation button (mail scanners follow links),
    POST marks the action done. No sign-in needed: the signed token is the credential. The
    page is in the owner's language, as the reminder was."""
    try:
        action = action_services.action_done_token_check(token=token)
    except action_services.ActionLinkError as error:
        return link_refused(request, "meetings/actions/token.html", error, status=400)
    owner = action.owner_contact
    language = link_page_language(request, owner.preferred_language if owner else "")
    with translation.override(language):
        response = _action_done_page(request, token, action)
    response.headers["Content-Language"] = language
    return response


def _action_done_page(request, token: str, action):
    if request.method == "GET":
        return render(request, "meetings/actions/token.html", {"action": action})
    try:
        action, changed = action_services.action_item_mark_done_by_token(token=token)
    except ValidationError as error:
        return render(
            request,
            "meetings/actions/token.html",
            {"error": " ".join(error.messages), "action": action},
            status=400,
        )
    return render(
        request, "meetings/actions/token.html", {"action": action, "done": True, "changed": changed}
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, pk: int):
    """Facilitators change an action item's description, owner and due date."""
    action = _visible_action(request, pk)
    if not request.user.has_perm("meetings.manage_action", action):
        raise PermissionDenied
    owners = action_owner_choices(meeting=action.origin_meeting, action=action)
    if request.method == "POST":
        form = ActionItemForm(request.POST, owners=owners)
        if form.is_valid():
            data = form.cleaned_data
            try:
                action_services.action_item_update(
                    action=action,
                    description=data["description"],
                    owner_contact=data["owner_contact"],
                    owner_organisation=data["owner_organisation"],
                    due_date=data["due_date"],
                    user=request.user,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, _("The action item was saved."))
                return redirect("action-detail", pk=pk)
        status = 400
    else:
        form = ActionItemForm(
            owners=owners,
            initial={
                "description": action.description,
                "owner_contact": action.owner_contact_id,
                "owner_organisation": action.owner_organisation_id,
                "due_date": action.due_date,
            },
        )
        status = 200
    context = {"action": action, "form": form, "owner_suggestions": owner_suggestions(owners)}
    return render(request, "meetings/actions/edit.html", context, status=status)

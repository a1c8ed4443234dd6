"""Feedback after a round session: the day after, each attendee is sent a short questionnaire
through a personal link; answers are stored apart from who gave them (anonymous)."""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordination.exceptions import InvalidTokenError
from coordination.models import ConsultationRound
from meetings import emails
from meetings.enums import (
    AttendanceStatus,
    FeedbackRating,
    InvitationStatus,
    MeetingStatus,
    OutboxKind,
)
from meetings.models import (
    FeedbackAnswer,
    FeedbackQuestionnaire,
    FeedbackRequest,
    Invitation,
    Meeting,
)
from meetings.selectors.feedback import OPEN_QUESTION, feedback_questions
from meetings.selectors.outbox import message_may_be_written
from meetings.services.invitations import (
    invitee_reachable_require,
    old_link_language,
)

FEEDBACK_SALT = "meetings.feedback"
FEEDBACK_LINK_MAX_AGE = getattr(settings, "FEEDBACK_LINK_MAX_AGE", 30 * 24 * 3600)
FEEDBACK_DELAY = dt.timedelta(hours=getattr(settings, "FEEDBACK_DELAY_HOURS", 18))
FEEDBACK_WINDOW = dt.timedelta(days=7)
COMMENT_MAX = 4000


class FeedbackTokenError(InvalidTokenError):
    pass


def feedback_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.token_nonce}, salt=FEEDBACK_SALT)


def feedback_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("feedback-answer", args=[feedback_token(invitation)])


def feedback_from_token(token: str) -> FeedbackRequest:
    try:
        data = signing.loads(token, salt=FEEDBACK_SALT, max_age=FEEDBACK_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise FeedbackTokenError(
            gettext_lazy("This feedback link has expired."),
            code="expired",
            language=old_link_language(token, salt=FEEDBACK_SALT),
        ) from exc
    except signing.BadSignature as exc:
        raise FeedbackTokenError(
            gettext_lazy("This feedback link is not valid."), code="invalid"
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        raise FeedbackTokenError(gettext_lazy("This feedback link is not valid."), code="invalid")
    request = (
        FeedbackRequest.objects.select_related(
            "invitation__meeting__consultation_round", "invitation__contact"
        )
        .filter(invitation_id=data["i"], invitation__token_nonce=data.get("n"))
        .first()
    )
    if request is None:
        raise FeedbackTokenError(gettext_lazy("This feedback link was withdrawn."), code="revoked")
    return request


def _attendee_invitations(meeting: Meeting):
    """Those who were there: the attendance list if the minutes record one, else those who
    accepted."""
    present = meeting.attendances.filter(status=AttendanceStatus.PRESENT).values("contact_id")
    invitations = meeting.invitations.exclude(status=InvitationStatus.CANCELLED)
    if meeting.attendances.exists():
        return invitations.filter(contact_id__in=present)
    return invitations.filter(status=InvitationStatus.ACCEPTED)


def _feedback_message_enqueue(*, invitation: Invitation, kind: str, sequence: int):
    meeting = invitation.meeting
    language = invitation.contact.preferred_language or "en"
    with translation.override(language):
        context = {
            "kind": kind,
            "meeting": meeting,
            "contact": invitation.contact,
            "feedback_url": feedback_url(invitation),
            **emails.facilitator_context(meeting),
        }
        return emails.outbox_write(
            about={"invitation": invitation},
            to_email=invitation.contact.email,
            kind=kind,
            sequence=sequence,
            template="feedback",
            context=context,
            language=language,
        )


def feedback_requests_enqueue(*, now: dt.datetime | None = None) -> int:
    """Ask every attendee of round sessions that ended a day ago for their feedback, once
    (scheduled hourly; a second run writes nothing more)."""
    now = now or timezone.now()
    sessions = Meeting.objects.filter(
        consultation_round__isnull=False,
        ends_at__lte=now - FEEDBACK_DELAY,
        ends_at__gt=now - FEEDBACK_WINDOW,
    ).exclude(status=MeetingStatus.CANCELLED)
    count = 0
    for session in sessions:
        with transaction.atomic():
            asked = (
                _attendee_invitations(session)
                .filter(feedback_request__isnull=True)
                .select_related("contact", "meeting")
            )
            for invitation in asked:
                if not message_may_be_written(
                    about={"invitation": invitation},
                    to_email=invitation.contact.email,
                    kind=OutboxKind.FEEDBACK,
                ):
                    continue
                FeedbackRequest.objects.create(invitation=invitation, sent_at=now)
                count += bool(
                    _feedback_message_enqueue(
                        invitation=invitation, kind=OutboxKind.FEEDBACK, sequence=session.pk
                    )
                )
    return count


def feedback_remind(*, request: FeedbackRequest, by=None) -> bool:
    """Ask once more (at most once a day). False when already reminded today."""
    if request.answered_at is not None:
        raise ValidationError(_("This attendee has already given feedback."), code="answered")
    invitee_reachable_require(invitation=request.invitation, kind=OutboxKind.FEEDBACK_REMINDER)
    with transaction.atomic():
        row = _feedback_message_enqueue(
            invitation=request.invitation,
            kind=OutboxKind.FEEDBACK_REMINDER,
            sequence=timezone.localdate().toordinal(),
        )
    return row is not None


def feedback_submit(
    *,
    request: FeedbackRequest,
    ratings: dict[str, str],
    comment: str = "",
    now: dt.datetime | None = None,
) -> FeedbackAnswer:
    """Store an attendee's feedback apart from them; a second answer is refused."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            FeedbackRequest.objects.select_for_update(of=("self",))
            .select_related("invitation__meeting__consultation_round", "invitation__contact")
            .get(pk=request.pk)
        )
        if locked.answered_at is not None:
            raise ValidationError(
                _("You have already given your feedback on this session. Thank you!"),
                code="answered",
            )
        meeting = locked.invitation.meeting
        keys = [key for key, _text in feedback_questions(round_=meeting.consultation_round)]
        if set(ratings) != set(keys):
            raise ValidationError(_("Answer every question."), code="incomplete")
        if any(value not in FeedbackRating.values for value in ratings.values()):
            raise ValidationError(_("Answer yes, partly or no."), code="rating")
        comment = (comment or "").strip()
        if len(comment) > COMMENT_MAX:
            raise ValidationError(
                _("Keep the comment under %(max)s characters.") % {"max": COMMENT_MAX},
                code="long",
            )
        answer = FeedbackAnswer.objects.create(
            meeting=meeting,
            ratings={key: ratings[key] for key in keys},
            comment=comment,
            language=locked.invitation.contact.preferred_language or "en",
            submitted_on=timezone.localdate(now),
        )
        locked.answered_at = now
        locked.save(update_fields=["answered_at"])
    return answer


def feedback_questionnaire_set(
    *, consultation_round: ConsultationRound, texts: dict[str, dict[str, str]], by=None
) -> FeedbackQuestionnaire:
    """The round's own wording of the questions (question key → language → text); an empty
    text falls back to the default wording."""
    keys = {key for key, _text in feedback_questions(round_=None)} | {OPEN_QUESTION[0]}
    unknown = set(texts) - keys
    if unknown:
        raise ValidationError(_("Unknown questions: %(keys)s") % {"keys": sorted(unknown)})
    cleaned = {
        key: {lang: text.strip()[:300] for lang, text in by_language.items() if text.strip()}
        for key, by_language in texts.items()
    }
    questionnaire, _created = FeedbackQuestionnaire.objects.update_or_create(
        consultation_round=consultation_round, defaults={"texts": cleaned}
    )
    return questionnaire

"""Reads of time polls: the facilitators' grid (who answered what, totals per slot, per
language and per kind of organisation, who has not answered) and the totals participants see."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from coordination.enums import OrganisationKind
from meetings.enums import InvitationStatus, MeetingStatus, PollChoice
from meetings.models import Invitation, TimePoll, TimePollAnswer, TimePollSlot


@dataclass
class SlotTotals:
    slot: TimePollSlot
    yes: int = 0
    if_need_be: int = 0
    no: int = 0
    by_language: dict = field(default_factory=dict)  # language → yes + if need be
    by_kind: dict = field(default_factory=dict)  # organisation kind → yes + if need be

    @property
    def available(self) -> int:
        return self.yes + self.if_need_be


@dataclass
class PollRow:
    invitation: Invitation
    choices: list  # per slot, in slot order: a PollChoice value or ""


@dataclass
class PollGrid:
    poll: TimePoll
    slots: list[TimePollSlot]
    rows: list[PollRow]
    totals: list[SlotTotals]
    not_answered: list[Invitation]
    languages: list[str]
    kinds: list[tuple[str, str]]  # organisation kind, its label

    @property
    def best(self) -> SlotTotals | None:
        """Most yes, then most if need be, then the earliest."""
        if not self.totals:
            return None
        return max(self.totals, key=lambda t: (t.yes, t.if_need_be, -self.totals.index(t)))

    @property
    def available_by_language(self) -> list[tuple[str, list[int]]]:
        """Per language of those who answered: how many can come to each slot (0 included)."""
        return [
            (language, [total.by_language.get(language, 0) for total in self.totals])
            for language in self.languages
        ]

    @property
    def available_by_kind(self) -> list[tuple[str, list[int]]]:
        """Per kind of organisation (its label): how many can come to each slot."""
        return [
            (label, [total.by_kind.get(kind, 0) for total in self.totals])
            for kind, label in self.kinds
        ]


def time_poll_totals(*, poll: TimePoll) -> list[SlotTotals]:
    """Per slot: how many said yes, if need be and no (what participants may see). Two
    queries whatever the number of invitees."""
    slots = list(poll.slots.all())
    totals = {slot.pk: SlotTotals(slot=slot) for slot in slots}
    counts = Counter(
        TimePollAnswer.objects.filter(slot__poll=poll).values_list("slot_id", "choice")
    )
    for (slot_id, choice), n in counts.items():
        setattr(totals[slot_id], choice, n)
    return [totals[slot.pk] for slot in slots]


def time_poll_grid(*, poll: TimePoll) -> PollGrid:
    """Everything the facilitators' page shows, in three queries."""
    slots = list(poll.slots.all())
    invitations = list(
        poll.meeting.invitations.exclude(status=InvitationStatus.CANCELLED)
        .select_related("contact__organisation")
        .order_by("contact__organisation__name", "contact__name")
    )
    answers: dict[tuple[int, int], str] = {
        (invitation_id, slot_id): choice
        for invitation_id, slot_id, choice in TimePollAnswer.objects.filter(
            slot__poll=poll
        ).values_list("invitation_id", "slot_id", "choice")
    }
    totals = {slot.pk: SlotTotals(slot=slot) for slot in slots}
    rows, not_answered = [], []
    languages, kinds = set(), set()
    for invitation in invitations:
        choices = [answers.get((invitation.pk, slot.pk), "") for slot in slots]
        rows.append(PollRow(invitation=invitation, choices=choices))
        if not any(choices):
            not_answered.append(invitation)
            continue
        language = invitation.contact.preferred_language or "en"
        kind = invitation.contact.organisation.kind
        languages.add(language)
        kinds.add(kind)
        for slot, choice in zip(slots, choices, strict=True):
            total = totals[slot.pk]
            setattr(total, choice, getattr(total, choice) + 1)
            if choice in (PollChoice.YES, PollChoice.IF_NEED_BE):
                total.by_language[language] = total.by_language.get(language, 0) + 1
                total.by_kind[kind] = total.by_kind.get(kind, 0) + 1
    return PollGrid(
        poll=poll,
        slots=slots,
        rows=rows,
        totals=[totals[slot.pk] for slot in slots],
        not_answered=not_answered,
        languages=sorted(languages),
        kinds=[(kind, OrganisationKind(kind).label) for kind in sorted(kinds)],
    )


def time_poll_choices_of(*, poll: TimePoll, invitation: Invitation) -> dict[int, str]:
    """Slot id → this invitee's answer."""
    return dict(
        TimePollAnswer.objects.filter(slot__poll=poll, invitation=invitation).values_list(
            "slot_id", "choice"
        )
    )


def open_poll(meeting) -> TimePoll | None:
    """The meeting's time poll while it is open (no slot chosen yet), else None."""
    return TimePoll.objects.open().filter(meeting=meeting).first()


def time_poll_open_of_meeting():
    """Whether a meeting's time is still being found by a poll (an ``Exists`` over the
    meeting's pk, for ``annotate``)."""
    return Exists(TimePoll.objects.open().filter(meeting=OuterRef("pk")))


def my_open_time_polls(*, user) -> list[dict]:
    """The polls ``user`` has yet to answer, the earliest deadline first: per poll their
    invitation (still drafted: it goes out when a slot is chosen) as the columns its link and
    the home page need, ``pk``, ``token_nonce``, ``meeting__title``, ``poll`` and ``deadline``."""
    if not user.is_authenticated:
        return []
    answered = TimePollAnswer.objects.filter(invitation=OuterRef("pk"))
    return list(
        Invitation.objects.filter(
            contact__user=user,
            status=InvitationStatus.DRAFTED,
            meeting__time_poll__closed_at__isnull=True,
            meeting__time_poll__deadline__gt=timezone.now(),
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .filter(~Exists(answered))
        .order_by("meeting__time_poll__deadline", "pk")
        .values(
            "pk",
            "token_nonce",
            "meeting__title",
            poll=F("meeting__time_poll__pk"),
            deadline=F("meeting__time_poll__deadline"),
        )
    )

"""List pages at the mechanism's size: what a facilitator's list page asks the database does
not grow with the memberships and invitations of other people. The same statements are run
with few and with many unrelated members and invitees, and the multi-valued relations
(memberships, invitations, round facilitators) are read one at a time, each in its own
subquery over indexed columns, never joined together or with an outer join (the shape of an
OR across relations, which multiplies the rows by every membership and invitation)."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.enums import ActionStatus, InvitationStatus
from tests.factories import (
    ActionItemFactory,
    ConsultationRoundFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    RoundSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MULTI_VALUED = (
    "coordination_membership",
    "meetings_invitation",
    "coordination_consultationround_facilitators",
)
PAGES = [
    "/",
    "/meetings/",
    "/actions/",
    "/pool/",
    "/survey/results/",
    "/api/meetings/",
    "/api/organisations/",
    "/api/volunteer-pool/",
]


def _blocks(sql: str) -> list[str]:
    """Each SELECT of a statement on its own (subqueries taken out of their parents)."""
    blocks = []
    previous = None
    while previous != sql:
        previous = sql
        for inner in re.findall(r"\(([^()]*)\)", sql):
            if inner.lstrip().upper().startswith("SELECT"):
                blocks.append(inner)
        sql = re.sub(r"\([^()]*\)", "", sql)
    # The parts of a UNION are SELECTs of their own.
    return [part for block in [*blocks, sql] for part in re.split(r"\bUNION\b", block)]


def _multiplying(sql: str) -> list[str]:
    """The SELECTs that read more than one multi-valued relation at once, or join one with
    LEFT OUTER JOIN (the shape of an OR across relations): their rows multiply."""
    found = []
    for block in _blocks(sql):
        tables = re.findall(r'(?:FROM|JOIN) "(\w+)"', block)
        multi = [t for t in tables if t in MULTI_VALUED]
        outer = [t for t in MULTI_VALUED if f'LEFT OUTER JOIN "{t}"' in block]
        if len(multi) > 1 or outer:
            found.append(block)
    return found


def _normalised(sql: str) -> str:
    """Numbers as N, and a list of ids (the rows of the page, prefetching) as one."""
    sql = re.sub(r'"_django_curs_\w+"', "cursor", sql)  # PostgreSQL's named cursors
    sql = re.sub(r"\b\d+\b", "N", sql)
    # The audit trail records the contacts a page shows in one INSERT, one row each: one
    # statement, whatever its rows.
    if sql.startswith('INSERT INTO "coordination_accessevent"'):
        return 'INSERT INTO "coordination_accessevent" …'
    return re.sub(r"\(N(?:, N)*\)", "(N…)", sql)


def _queries(client, url) -> list[str]:
    cache.clear()  # the same work at both sizes (survey statistics are cached)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in captured.captured_queries]


@pytest.fixture
def facilitator_world():
    """A facilitator who chairs a group and facilitates a round, each with a meeting, an
    invitation and an action item."""
    user = UserFactory(username="chair", facilitator=True)
    contact = ContactFactory(user=user)
    chaired = MembershipFactory(contact=contact, role="chair")
    group_meeting = MeetingFactory(working_group=chaired.group)
    round_ = ConsultationRoundFactory()
    round_.facilitators.add(user)
    session = RoundSessionFactory(consultation_round=round_)
    InvitationFactory(meeting=session, status=InvitationStatus.ACCEPTED)
    for meeting in (group_meeting, session):
        ActionItemFactory(origin_meeting=meeting, status=ActionStatus.OPEN)
    return user, chaired.group, group_meeting, session


def _crowd(group, meetings, size: int) -> None:
    """Other people: members of the same group, invitees of the same meetings, and their
    own groups and meetings."""
    for _ in range(size):
        MembershipFactory(group=group)
        for meeting in meetings:
            InvitationFactory(meeting=meeting)
        elsewhere = MembershipFactory()
        InvitationFactory(meeting=MeetingFactory(working_group=elsewhere.group))


@pytest.mark.parametrize("url", PAGES)
def test_list_page_sql_does_not_grow_with_other_peoples_memberships(
    client_for, facilitator_world, url
):
    user, group, group_meeting, session = facilitator_world
    client = client_for(user)
    _crowd(group, [group_meeting, session], 2)
    few = _queries(client, url)

    _crowd(group, [group_meeting, session], 12)
    many = _queries(client, url)

    multiplying = [block for sql in many for block in _multiplying(sql)]
    assert [_normalised(sql) for sql in many] == [_normalised(sql) for sql in few]
    assert multiplying == []

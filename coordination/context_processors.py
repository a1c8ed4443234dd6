from django.utils.functional import SimpleLazyObject

from coordination.rules import is_facilitator, is_team


def roles(request) -> dict:
    """The signed-in user's roles, for navigation: worked out only when a template asks (a
    page for someone signed out, such as an answer link, never does)."""
    user = getattr(request, "user", None)
    if user is None:
        return {"is_team": False, "is_facilitator": False}
    team = SimpleLazyObject(lambda: user.is_authenticated and is_team(user))
    return {
        "is_team": team,
        "is_facilitator": SimpleLazyObject(
            lambda: user.is_authenticated and (bool(team) or is_facilitator(user))
        ),
    }

from coordination.rules import is_facilitator, is_team


def roles(request) -> dict:
    """The signed-in user's roles, for navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_team": False, "is_facilitator": False}
    return {"is_team": is_team(user), "is_facilitator": is_team(user) or is_facilitator(user)}

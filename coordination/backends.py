"""Authentication backends of the project."""

from axes.backends import AxesStandaloneBackend


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' lock-out for every log-in that comes with a request (the log-in page, the
    admin, the API's browsable log-in). A check of credentials without a request (a management
    command, Django's test client) is no log-in from a client and is not counted."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

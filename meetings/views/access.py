"""Pages of signing in without a password: the sign-in link of an e-mail, "e-mail me a
sign-in link", "forgot password" (Django's password-reset views, e-mails in the person's
language), withdrawing one's links, and the page shown when a rate limit is reached."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_q.tasks import async_task
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from coordination.languages import link_page_language
from coordination.middleware import PARTICIPANT_SESSION_KEY
from coordination.services import user_sign_in_links_revoke
from meetings.forms.access import PasswordResetRequestForm, SignInLinkRequestForm
from meetings.services import access as access_services


def rate_limited(request, exception=None):
    """What a client that reached a rate limit sees (django-ratelimit's view)."""
    return render(request, "registration/rate_limited.html", status=429)


def _link_posts_rate(group, request) -> str:
    return settings.RATELIMIT_LINK_POSTS_PER_IP


# The doors that a signed link opens without a password (an RSVP answer, "done" on an action
# item): their presses are limited per client address.
link_post_rate_limit = ratelimit(
    group="link-posts", key="ip", rate=_link_posts_rate, method="POST", block=True
)


def _email_key(group, request) -> str:
    return (request.POST.get("email") or "").strip().lower()


def _address_rate_limited(request, *, group: str) -> bool:
    """One more request from this client address; True once it is over its limit."""
    return is_ratelimited(
        request,
        group=group,
        key="ip",
        rate=settings.RATELIMIT_SIGN_IN_LINK_PER_IP,
        method="POST",
        increment=True,
    )


def _email_rate_limited(request, *, group: str) -> bool:
    """One more request for this e-mail address; True once it is over its limit."""
    return is_ratelimited(
        request,
        group=group,
        key=_email_key,
        rate=settings.RATELIMIT_SIGN_IN_LINK_PER_EMAIL,
        method="POST",
        increment=True,
    )


@require_GET
@never_cache
def sign_in_link(request):
    """Open the page a link names, signed in as its contact with participant rights. Reads
    only: it signs in and redirects. An expired, withdrawn or tampered link gets a page that
    offers a new link (in the contact's language when the link is only too old)."""
    next_path = access_services.safe_next_path(request.GET.get("next", ""))
    try:
        user, _contact = access_services.sign_in_link_check(
            contact_id=request.GET.get("c", ""),
            until=request.GET.get("u", ""),
            token=request.GET.get(settings.SESAME_TOKEN_NAME, ""),
        )
    except access_services.SignInLinkError as error:
        language = link_page_language(request, error.language)
        with translation.override(language):
            response = render(
                request,
                "registration/sign_in_link_invalid.html",
                {
                    "error": " ".join(str(message) for message in error.messages),
                    "code": error.code,
                    "form": SignInLinkRequestForm(initial={"next": next_path}),
                },
                status=400,
            )
        response.headers["Content-Language"] = language
        return response
    if not (request.user.is_authenticated and request.user.pk == user.pk):
        # A session already opened with this person's password keeps its rights.
        login(request, user, backend="sesame.backends.ModelBackend")
        request.session[PARTICIPANT_SESSION_KEY] = True
    return redirect(next_path)


@method_decorator(never_cache, name="dispatch")
class SignInLinkRequestView(View):
    """ "E-mail me a sign-in link": the same answer whether the address is known or not;
    limited per address and per client."""

    template_name = "registration/sign_in_link_request.html"

    def get(self, request):
        form = SignInLinkRequestForm(initial={"next": request.GET.get("next", "")})
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = SignInLinkRequestForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        if _address_rate_limited(request, group="sign-in-link-request"):
            return rate_limited(request)
        if not _email_rate_limited(request, group="sign-in-link-request-email"):
            contact = access_services.sign_in_link_contact(email=form.cleaned_data["email"])
            if contact is not None:
                async_task(
                    "meetings.tasks.sign_in_link_email",
                    contact.pk,
                    access_services.safe_next_path(form.cleaned_data.get("next", "")),
                )
        return render(
            request,
            "registration/sign_in_link_sent.html",
            {"email": form.cleaned_data["email"]},
        )


class PasswordResetRequestView(auth_views.PasswordResetView):
    """Django's "forgot password", limited per address and per client like sign-in links."""

    form_class = PasswordResetRequestForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs):
        if _address_rate_limited(request, group="password-reset"):
            return rate_limited(request)
        if _email_rate_limited(request, group="password-reset-email"):
            return redirect(self.success_url)
        return super().post(request, *args, **kwargs)


@login_required
@require_POST
def sign_in_links_revoke(request):
    """ "Withdraw my sign-in links" (My data): every link sent so far stops working."""
    user_sign_in_links_revoke(user=request.user)
    messages.success(
        request,
        _("Your sign-in links were withdrawn. New e-mails will carry new links."),
    )
    return redirect("my-data")

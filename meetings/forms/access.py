"""Forms of signing in without a password: a sign-in link by e-mail, a forgotten password."""

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _


class SignInLinkRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)


class PasswordResetRequestForm(PasswordResetForm):
    """Django's password-reset form whose e-mail goes out from a task, rendered in the
    person's language (``meetings.services.access.password_reset_email_send``)."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        from django_q.tasks import async_task

        async_task("meetings.tasks.password_reset_email", context["user"].pk)

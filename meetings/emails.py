"""The one entry point for e-mail: every message is rendered from three templates
(``<name>_subject.txt``, ``<name>.txt``, ``<name>.html`` under ``templates/emails/``) in the
recipient's language."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


@dataclass
class Attachment:
    filename: str
    content: bytes | str
    mimetype: str


@dataclass
class RenderedEmail:
    subject: str
    text: str
    html: str
    attachments: list[Attachment] = field(default_factory=list)


def email_render(*, template: str, context: dict, language: str) -> RenderedEmail:
    """Render ``templates/emails/<template>*`` with ``context`` in ``language``."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    return RenderedEmail(subject=" ".join(subject.split()), text=text, html=html)


def email_message(
    *,
    to: Sequence[str],
    rendered: RenderedEmail,
    headers: dict[str, str] | None = None,
    reply_to: Sequence[str] = (),
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=list(reply_to),
        headers=headers or {},
    )
    message.attach_alternative(rendered.html, "text/html")
    for attachment in rendered.attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message


def email_send(*, to: Sequence[str], template: str, context: dict, language: str, **kwargs) -> int:
    """Render and send one message now (call it from a django-q2 task, not a request)."""
    rendered = email_render(template=template, context=context, language=language)
    return email_message(to=to, rendered=rendered, **kwargs).send()

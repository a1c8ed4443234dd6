"""Markdown for notes and descriptions, rendered to sanitised HTML (Markdown, then nh3 with
an allow-list): no script, no raw HTML, no event handlers, links only to http(s)/mailto."""

import re

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "h5", "h6", "a", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str, *, top_heading: int = 3) -> SafeString:
    """Markdown → HTML safe to put in a page or a PDF (minutes notes, agenda descriptions,
    report sections: this is the one place). Raw HTML in the source is escaped by Markdown's
    own escaping plus nh3's allow-list; headings start at ``top_heading`` (h3 in a page, h4
    inside a report's sections) so that they fit under the page's own."""
    source = text or ""
    if not source.strip():
        return mark_safe("")
    html = markdown_lib.markdown(
        source.replace("<", "&lt;"),  # raw HTML is shown as text, never interpreted
        extensions=["extra", "sane_lists", "nl2br"],
        output_format="html",
    )
    html = re.sub(
        r"<(/?)h([1-6])>",
        lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + top_heading - 1)}>",
        html,
    )
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above

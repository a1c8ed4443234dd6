from django import template

from meetings.formats.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render Markdown notes as sanitised HTML."""
    return render_markdown(text or "")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None

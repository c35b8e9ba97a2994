"""Template helpers of the console: status labels and page links that keep the filters."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()

#: status word -> PatternFly label colour
COLOURS = {
    "successful": "green",
    "done": "green",
    "active": "green",
    "ok": "green",
    "published": "green",
    "running": "blue",
    "run_job": "blue",
    "pending": "grey",
    "waiting": "grey",
    "new": "grey",
    "parse_dialog": "grey",
    "approve": "orange",
    "needs_attention": "orange",
    "canceled": "orange",
    "failed": "red",
    "error": "red",
    "denied": "red",
    "deleted": "grey",
}


@register.simple_tag
def status(word: str, element_id: str = ""):
    """A PatternFly label for a status word (the word is its text, its colour the kind)."""
    word = word or ""
    colour = COLOURS.get(word, "grey")
    ident = format_html(' id="{}"', element_id) if element_id else ""
    return format_html(
        '<span class="pf-v6-c-label pf-m-{} rd-status status {}"{}>'
        '<span class="pf-v6-c-label__content">{}</span></span>',
        colour,
        word,
        ident,
        word,
    )


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    """``?<current filters>&page=<number>``: a link to another page of the same filtered list."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.filter
def elapsed(job) -> str:
    """A job's run time as ``1m 05s`` (started to finished, or to now while it runs; '' before it starts)."""
    if not job.started:
        return ""
    seconds = int(((job.finished or timezone.now()) - job.started).total_seconds())
    return f"{seconds // 60}m {seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"

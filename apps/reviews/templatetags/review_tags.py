from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def days_since(moment) -> int | str:
    """Whole calendar days from ``moment`` to today, in the site's time zone."""
    if not moment:
        return ""
    return (timezone.localdate() - timezone.localdate(moment)).days

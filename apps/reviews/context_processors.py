from django.utils.functional import SimpleLazyObject


def notifications(request):
    """The unread count for the navigation bar — counted only if a page shows it."""

    def unread():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return user.notifications.filter(read_at__isnull=True).count()

    return {"unread_notifications": SimpleLazyObject(unread)}

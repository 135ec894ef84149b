from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The pages users work in — the project list, the project page, the three sheets,
    the sub-projects — composed from the apps below them (projects, reviews, exports):
    the top of the app graph, so projects never imports the workflow."""

    name = "apps.pages"
    verbose_name = "申报页面"

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "apps.projects"
    verbose_name = "项目"

    def ready(self):
        # Connects the kept sheets to runserver's template reloads (kept._file_changed).
        from apps.projects import kept  # noqa: F401

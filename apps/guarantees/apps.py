from django.apps import AppConfig


class GuaranteesConfig(AppConfig):
    name = "apps.guarantees"
    verbose_name = "制度保障"

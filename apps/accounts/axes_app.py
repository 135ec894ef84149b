"""django-axes' app config under Chinese names (axes ships no zh-hans translation).

Its own module: in apps/accounts/apps.py a second AppConfig would hide AccountsConfig."""

from axes.apps import AppConfig as AxesAppConfig

MODEL_NAMES = {
    "AccessAttempt": "登录失败记录（锁定依据）",
    "AccessLog": "登录日志",
    "AccessFailureLog": "登录失败日志",
}


class AxesConfig(AxesAppConfig):
    verbose_name = "登录限制"

    def ready(self):
        super().ready()
        for model in self.get_models():
            name = MODEL_NAMES.get(model.__name__)
            if name:
                model._meta.verbose_name = model._meta.verbose_name_plural = name

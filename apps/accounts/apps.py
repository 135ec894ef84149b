from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = "用户与角色"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from apps.accounts.middleware import session_touch_at_login

        user_logged_in.connect(session_touch_at_login, dispatch_uid="session_touch_at_login")

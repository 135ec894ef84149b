"""django-tasks-db's app config under a Chinese name (its own is "Tasks Database Backend").

Its own module: in apps/exports/apps.py a second AppConfig would hide ExportsConfig."""

from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = "后台任务队列"

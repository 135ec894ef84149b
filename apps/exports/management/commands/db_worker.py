"""`manage.py db_worker`: django-tasks-db's worker, plus crash recovery of exports.

Beside the library's loop, a thread of each worker process beats for the export the
process runs and sweeps for exports whose worker died (apps/exports/recovery.py), so a
job outlives a killed worker as long as one worker runs anywhere. The command keeps the
library's name and options (this app comes before django_tasks_db in INSTALLED_APPS).
"""

import logging
import threading

from django.db import connection
from django_tasks_db.management.commands import db_worker

from apps.exports.recovery import export_jobs_beat, export_jobs_recover, heartbeat_seconds

logger = logging.getLogger(__name__)


class RecoveringWorker(db_worker.Worker):
    def run(self) -> None:
        stop = threading.Event()
        thread = threading.Thread(
            target=self._watch, args=(stop,), name="export-heartbeat", daemon=True
        )
        thread.start()
        try:
            super().run()
        finally:
            stop.set()
            thread.join(timeout=heartbeat_seconds() + 5)

    def _watch(self, stop: threading.Event) -> None:
        try:
            while True:
                try:
                    export_jobs_beat(worker_id=self.worker_id)
                    counts = export_jobs_recover()
                    if any(counts.values()):
                        logger.warning("exports recovered from lost workers: %s", counts)
                except Exception:  # a database blip must not end the thread
                    logger.exception("export heartbeat failed")
                    connection.close()
                if stop.wait(heartbeat_seconds()):
                    return
        finally:
            connection.close()


class Command(db_worker.Command):
    help = db_worker.Command.help + " (with heartbeats and recovery of exports)"

    def handle(self, *args, **options):
        original = db_worker.Worker
        db_worker.Worker = RecoveringWorker
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original

"""The Celery app: evaluation workers and the periodic reaper read their settings from Django's."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clueboard.settings")

app = Celery("clueboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

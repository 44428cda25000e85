"""Scoring submitted models against hidden test sets, in a sandbox, on Celery workers."""

"""WSGI entry point for production servers (``gunicorn safepassage.config.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.config.settings")

application = get_wsgi_application()

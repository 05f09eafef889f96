"""Project configuration: settings, root URLconf, WSGI/ASGI entry points."""

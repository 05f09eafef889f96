from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "safepassage.backups"
    label = "backups"
    verbose_name = "Backups"

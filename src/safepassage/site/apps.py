from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "safepassage.site"
    label = "site"
    verbose_name = _("Site")

    def ready(self) -> None:
        from safepassage.site import checks  # noqa: F401  # registers the system checks

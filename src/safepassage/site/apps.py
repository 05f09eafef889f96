from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

BLANK_CHOICE_LABEL = "—"
"""The empty first choice of every drop-down. Django 6.1's "- Select an option -" has no
Russian translation, so Russian forms showed it in English; a dash reads alike in both."""


class SiteConfig(AppConfig):
    name = "safepassage.site"
    label = "site"
    verbose_name = _("Site")

    def ready(self) -> None:
        from django.db.models import fields

        from safepassage.site import checks  # noqa: F401  # registers the system checks
        from safepassage.site.task_results import install_scrubbed_task_tracebacks

        install_scrubbed_task_tracebacks()  # failed tasks keep no exception message (decision 0048)

        # Django's documented way to change the label: an app's ready() (this app is first
        # in INSTALLED_APPS, before any form is defined).
        fields.BLANK_CHOICE_LABEL = BLANK_CHOICE_LABEL

"""``safepassage list-organisations``: every organisation's public id, kind and name.

``rotate-keys``, ``replace-staff-keys`` and the operator guide name an organisation by its
public id; this is where the operator finds it. It also says whether the organisation has a
recovery key (without one nobody can open cases there).
"""

from typing import Any

from django.core.management.base import BaseCommand

from safepassage.cases.models import OrganisationKeyring
from safepassage.organisations.models import Organisation


class Command(BaseCommand):
    help = "List every organisation: public id, kind, recovery key set or not, name."

    def handle(self, *args: Any, **options: Any) -> None:
        keyed = set(OrganisationKeyring.objects.values_list("organisation_id", flat=True))
        for organisation in Organisation.objects.order_by("name", "pk"):
            recovery = "recovery key" if organisation.pk in keyed else "no recovery key"
            self.stdout.write(
                f"{organisation.public_id}  {organisation.kind}  {recovery}  {organisation.name}"
            )

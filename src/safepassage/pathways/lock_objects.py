"""Row locks of the pathways app, always taken in primary-key order."""

from safepassage.pathways.models import Pathway


def lock_pathway(*, pathway: Pathway) -> Pathway:
    """Lock one pathway row (stance, quotas, case links); call inside ``transaction.atomic()``."""
    return Pathway.objects.select_for_update().get(pk=pathway.pk)

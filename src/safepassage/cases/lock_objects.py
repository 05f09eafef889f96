"""Row locks of the cases app, always taken in primary-key order."""

from safepassage.cases.models import (
    Case,
    CaseAttention,
    CaseReferral,
    CaseTask,
    StaffKeyPair,
)


def lock_case(*, case: Case) -> Case:
    """Lock one case row for a state change; call inside ``transaction.atomic()``."""
    return Case.objects.select_for_update().get(pk=case.pk)


def lock_staff_key_pair(*, user_pk: int) -> StaffKeyPair:
    """Lock a user's key pair row for re-wrapping; call inside ``transaction.atomic()``."""
    return StaffKeyPair.objects.select_for_update().get(user_id=user_pk)


def lock_case_task(*, task: CaseTask) -> CaseTask:
    """Lock one task row; call inside ``transaction.atomic()``."""
    return CaseTask.objects.select_for_update().select_related("case").get(pk=task.pk)


def lock_case_referral(*, referral: CaseReferral) -> CaseReferral:
    """Lock one referral row; call inside ``transaction.atomic()``."""
    return (
        CaseReferral.objects.select_for_update()
        .select_related("case__organisation", "from_organisation", "to_organisation")
        .get(pk=referral.pk)
    )


def lock_case_attention(*, item: CaseAttention) -> CaseAttention:
    """Lock one "needs attention" item; call inside ``transaction.atomic()``."""
    return (
        CaseAttention.objects.select_for_update(of=("self",))
        .select_related("case__organisation")
        .get(pk=item.pk)
    )

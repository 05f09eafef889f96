"""The intake app's column sealed under a case group key (see ``cases.case_key_rotation``).

A filed message's ``case_copy`` is sealed under the case's narrative key and is re-sealed
on rotation. ``applicant_copy`` is a MESSAGE envelope to the applicant's own key (and, until
filed, to the people on the case): no group key opens it, so rotation leaves it alone.
"""

from safepassage.cases.case_key_rotation import SealedColumn, register_sealed_column
from safepassage.core.crypto import SensitiveGroup
from safepassage.intake.models import Message

register_sealed_column(
    SealedColumn(model=Message, column="case_copy", group=SensitiveGroup.NARRATIVE)
)

"""Permission-checked fetches for the staff messages pages (SR-15: 404 for missing and
forbidden alike). The applicant side is reached only through the applicant cookie
(``applicant_session.load_applicant_session``)."""

import uuid

from safepassage.accounts.models import User
from safepassage.cases.access import access_case
from safepassage.cases.models import Case


def access_case_messages(*, user: User, case_id: uuid.UUID, permission: str) -> Case:
    """The case, if ``user``'s role grants ``permission`` (``intake.view_message`` or
    ``intake.add_message``) in its organisation and the user works on the case."""
    return access_case(user=user, case_id=case_id, permission=permission)

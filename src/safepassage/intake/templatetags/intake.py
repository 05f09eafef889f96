"""``case_messages_summary``: what the case page shows of the applicant messages (no content)."""

from typing import Any

from django import template

from safepassage.cases.models import Case
from safepassage.intake.selectors import (
    has_applicant,
    has_unfiled_messages,
    withdrawn_by_applicant,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def case_messages_summary(context: dict[str, Any], case: Case) -> dict[str, bool]:
    """Whether the reader may open the messages, and whether any need attention (SR-18)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("intake.view_message", case.organisation):
        return {"visible": False, "needs_attention": False, "withdrawn_by_applicant": False}
    return {
        "visible": has_applicant(case=case),
        "needs_attention": has_unfiled_messages(case=case),
        "withdrawn_by_applicant": withdrawn_by_applicant(case=case),
    }

"""``{% case_pathways_section case %}``: the countries a case waits on, for the case page.

The cases app's template can show it with ``{% load pathways_tags %}`` and one tag; it
renders nothing for readers without ``pathways.view_pathway`` in the case's organisation.
"""

from typing import Any

from django import template

from safepassage.accounts.models import User
from safepassage.cases.models import Case
from safepassage.pathways.countries import country_name
from safepassage.pathways.selectors import list_case_pathways

register = template.Library()


@register.inclusion_tag("pathways/case_section.html", takes_context=True)
def case_pathways_section(context: template.Context, case: Case) -> dict[str, Any]:
    user = context.get("user")
    if not isinstance(user, User) or not user.has_perm("pathways.view_pathway", case.organisation):
        return {"show": False}
    return {
        "show": True,
        "case": case,
        "countries": [
            (pathway, country_name(pathway.country)) for pathway in list_case_pathways(case=case)
        ],
        "can_change": user.has_perm("pathways.change_pathway", case.organisation),
    }

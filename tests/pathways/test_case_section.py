"""The case page's pathway section: linked countries for readers, nothing for others."""

import pytest
from django.template import Context, Template

from safepassage.accounts.roles import Role
from tests.factories import make_staff
from tests.pathways.factories import link, make_clear_case, make_pathway

pytestmark = pytest.mark.django_db

SECTION = Template("{% load pathways_tags %}{% case_pathways_section case %}")


@pytest.mark.parametrize(
    ("role", "shown", "can_change"),
    [
        (Role.CASEWORKER, True, True),
        (Role.TRAVEL_COORDINATOR, True, False),
        (Role.FUNDRAISER, False, False),
    ],
)
def test_the_section_follows_the_readers_permissions(
    role: str, shown: bool, can_change: bool
) -> None:
    staff = make_staff(role)
    case = make_clear_case(organisation=staff.organisation)
    link(case=case, pathway=make_pathway(organisation=staff.organisation, country="LT"))

    html = SECTION.render(Context({"case": case, "user": staff.user}))

    assert ("Lithuania" in html) is shown
    assert ("Link or unlink countries" in html) is can_change


def test_another_organisations_admin_sees_nothing() -> None:
    staff = make_staff(Role.ADMIN)
    case = make_clear_case(organisation=make_staff(Role.ADMIN).organisation)

    assert SECTION.render(Context({"case": case, "user": staff.user})).strip() == ""

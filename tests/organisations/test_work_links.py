"""The organisation page links each role to the work pages it may open, and no others."""

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.organisations.models import Organisation
from safepassage.organisations.selectors import WORK_LINKS
from tests.factories import OrganisationFactory, make_staff, sign_in

pytestmark = pytest.mark.django_db

SCOPED = {url_name for _permission, _label, url_name, scoped in WORK_LINKS if scoped}
EXPECTED: dict[str, set[str]] = {
    Role.ADMIN: {"cases:queue", "donations:gift_list", "donations:pledge_forecast"},
    Role.CASEWORKER: {"cases:queue"},
    Role.FUNDRAISER: {"donations:manage_campaigns", "donations:gift_list"},
    Role.VIEWER: {"donations:gift_list", "donations:pledge_list"},
}
NEVER: dict[str, set[str]] = {
    Role.ADMIN: set(),
    Role.CASEWORKER: {"donations:gift_list", "donations:manage_campaigns"},
    Role.FUNDRAISER: {"cases:queue"},
    Role.VIEWER: {"cases:queue", "donations:pledge_forecast", "donations:manage_campaigns"},
}


def _url(name: str, organisation: Organisation) -> str:
    kwargs = {"organisation_id": organisation.public_id} if name in SCOPED else {}
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_its_work_links_and_every_link_opens(role: str) -> None:
    organisation = OrganisationFactory.create()
    client = sign_in(Client(), make_staff(role, organisation))

    response = client.get(
        reverse("organisations:detail", kwargs={"organisation_id": organisation.public_id})
    )

    urls = {link.url for link in response.context["work_links"]}
    assert {_url(name, organisation) for name in EXPECTED[role]} <= urls
    assert not {_url(name, organisation) for name in NEVER[role]} & urls
    for url in urls:
        assert client.get(url).status_code == 200, url

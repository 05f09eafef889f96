"""The cases page as an organisation admin sees it: its title, and the triage queue's links."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.cases.models import CaseMember
from tests.cases.factories import keyed_organisation, make_case, make_keyed_staff, sign_in_with_keys

pytestmark = pytest.mark.django_db


def test_the_cases_page_title_is_only_its_name_and_the_retention_link_is_shown_once() -> None:
    # given an admin, who sets retention rules
    organisation, _ = keyed_organisation()
    admin = make_keyed_staff(Role.ADMIN, organisation)

    # when they open the cases page
    page = sign_in_with_keys(Client(), admin).get(reverse("cases:queue")).content.decode()

    # then the browser tab says "Cases", and the retention link is in the page body once
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    assert title is not None
    assert title.group(1).split() == ["Cases", "·", "SafePassage"]
    retention = reverse("cases:retention", kwargs={"organisation_id": organisation.public_id})
    assert page.count(retention) == 1
    assert page.index(retention) > page.index("<main")


def test_a_request_a_colleague_took_is_listed_without_a_link_to_a_page_that_would_404() -> None:
    # given a new request a caseworker created (so they are on it), and an admin not on it
    organisation, _ = keyed_organisation()
    caseworker = make_keyed_staff(Role.CASEWORKER, organisation)
    admin = make_keyed_staff(Role.ADMIN, organisation)
    case = make_case(actor=caseworker)
    detail = reverse("cases:detail", kwargs={"case_id": case.public_id})
    admin_client = sign_in_with_keys(Client(), admin)
    assert admin_client.get(detail).status_code == 404

    # when the admin and the caseworker open the queue
    admin_page = admin_client.get(reverse("cases:queue")).content.decode()
    caseworker_page = (
        sign_in_with_keys(Client(), caseworker).get(reverse("cases:queue")).content.decode()
    )

    # then the admin sees the request, says who has it, and no link to its page;
    # the caseworker on it still gets the link
    assert case.code in admin_page
    assert "taken by a colleague" in admin_page
    assert str(case.public_id) not in admin_page
    assert detail in caseworker_page


def test_the_take_page_links_back_to_the_queue_not_to_the_case_page_that_would_404() -> None:
    # given a new request nobody has taken yet (as an intake arrives)
    organisation, _ = keyed_organisation()
    caseworker = make_keyed_staff(Role.CASEWORKER, organisation)
    case = make_case(actor=make_keyed_staff(Role.CASEWORKER, organisation))
    CaseMember.objects.filter(case=case).delete()
    client = sign_in_with_keys(Client(), caseworker)
    detail = reverse("cases:detail", kwargs={"case_id": case.public_id})

    # when a caseworker opens it from the queue, to take it
    page = client.get(reverse("cases:take", kwargs={"case_id": case.public_id})).content.decode()

    # then the page names the case without linking to its page, and Cancel leads back
    assert case.code in page
    assert f'href="{detail}"' not in page
    assert f'href="{reverse("cases:queue")}"' in page
    assert client.get(detail).status_code == 404

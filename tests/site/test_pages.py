"""Language, error pages and translations."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

import safepassage
from safepassage.accounts.roles import Role
from safepassage.site.translations import translation_catalogues
from safepassage.site.views import server_error_view
from tests.factories import make_staff, sign_in

PO_FILE = Path(safepassage.__file__).parent / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def test_the_project_catalogue_and_app_catalogues_are_all_compiled() -> None:
    catalogues = translation_catalogues()

    assert PO_FILE.resolve() in catalogues
    assert all(path.suffix == ".po" for path in catalogues)


@pytest.mark.parametrize(
    "po_path", translation_catalogues(), ids=lambda path: str(path.parent.parent.parent.parent.name)
)
def test_every_interface_string_has_a_russian_translation(po_path: Path) -> None:
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=po_path.parts[-3])

    missing = [message.id for message in catalog if message.id and not message.string]
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert missing == []
    assert fuzzy == []


@pytest.mark.django_db
def test_the_language_switch_works_with_a_plain_form_post() -> None:
    client = Client()

    client.post(reverse("site:set_language"), {"language": "ru", "next": "/"})
    page = client.get(reverse("site:home")).content.decode()

    assert '<html lang="ru">' in page
    assert "Вход для сотрудников" in page or "Войти" in page


@pytest.mark.django_db
def test_unknown_pages_answer_404_without_detail() -> None:
    response = Client().get("/organisations/not-a-uuid/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_the_error_page_reveals_nothing() -> None:
    # English whatever an earlier test's request activated in this thread
    with translation.override("en"):
        response = server_error_view(RequestFactory().get("/"))

    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "Traceback" not in body
    assert "settings" not in body.lower()


@pytest.mark.django_db
def test_each_request_keeps_a_session_alive_for_fifteen_more_minutes_only() -> None:
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from safepassage.site.sessions import stored_key
    from tests.factories import make_staff, sign_in

    client = sign_in(Client(), make_staff("viewer"))

    client.get(reverse("site:dashboard"))

    session = Session.objects.get(session_key=stored_key(str(client.session.session_key)))
    remaining = (session.expire_date - timezone.now()).total_seconds()
    assert 15 * 60 - 30 < remaining <= 15 * 60


@pytest.mark.django_db
def test_the_home_page_leads_donors_to_campaigns_events_and_the_public_figures() -> None:
    response = Client().get(reverse("site:home"))

    content = response.content.decode()
    assert f'href="{reverse("donations:campaign_list")}"' in content
    assert f'href="{reverse("events:event_list")}"' in content
    assert f'href="{reverse("transparency:page")}"' in content


@pytest.mark.django_db
def test_the_home_page_sends_signed_in_staff_to_their_dashboard_not_to_sign_in_again() -> None:
    # Given a caseworker who is signed in
    client = sign_in(Client(), make_staff(Role.CASEWORKER))

    # When they open the home page
    content = client.get(reverse("site:home")).content.decode()

    # Then its staff button leads to their dashboard, and no sign-in link is offered
    assert f'href="{reverse("site:dashboard")}"' in content
    assert f'href="{reverse("accounts:login")}"' not in content


@pytest.mark.django_db
def test_the_home_page_offers_visitors_the_staff_sign_in() -> None:
    content = Client().get(reverse("site:home")).content.decode()

    assert f'href="{reverse("accounts:login")}"' in content

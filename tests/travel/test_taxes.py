"""Taxes and carrier surcharges per program and route type (decision 0017): sourced rows are
added per flight, a route type without a row is "not known" (never a made-up zero), a
maintainer's new row is used at once, and a coordinator's quote overrides the estimate."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEvent
from safepassage.core.money import Money
from safepassage.core.pricing import (
    CashRule,
    OutsideChartError,
    PricingSegment,
    ProgramPricing,
    QuotedPrice,
    RouteType,
    SourceNote,
    apply_quoted_price,
    price_ticket,
)
from safepassage.core.pricing.catalogue import british_airways_pricing
from safepassage.travel.actions import ManualFare, do_add_manual_option, do_quote_price
from safepassage.travel.models import AwardChart, FarePrice
from safepassage.travel.models import CashRule as StoredCashRule
from safepassage.travel.pricing import load_program_pricing
from tests.factories import make_staff, sign_in
from tests.travel.factories import (
    TravelWorld,
    client_for,
    make_catalogue_maintainer,
    make_travel_request,
    make_travel_world,
)

pytestmark = pytest.mark.django_db


def _flight(origin: str, destination: str, *, countries: str, miles: float) -> PricingSegment:
    start, end = countries.split()
    return PricingSegment(
        origin=origin,
        destination=destination,
        origin_country=start,
        destination_country=end,
        distance_miles=miles,
    )


EDI_LHR = _flight("EDI", "LHR", countries="GB GB", miles=331)
LHR_ATH = _flight("LHR", "ATH", countries="GB GR", miles=1500)
LHR_TLV = _flight("LHR", "TLV", countries="GB IL", miles=2223)


def test_reward_flight_saver_is_charged_per_flight_on_short_haul_and_domestic() -> None:
    # Worked example from the sources: BA off-peak, one ticket Edinburgh-London-Athens.
    # EDI-LHR is domestic (331 mi, band 1-650: 4,000 Avios); LHR-ATH short haul (1,500 mi,
    # band 1,152-2,000: 8,500 Avios); Reward Flight Saver is GBP 35 return "priced per
    # flight", encoded as GBP 17.50 a flight: 12,500 Avios + GBP 35.00, all of it known.
    price = price_ticket(pricing=british_airways_pricing(peak=False), segments=[EDI_LHR, LHR_ATH])

    assert price.miles.amount == 12500
    assert price.cash == Money(amount=Decimal("35.00"), currency="GBP")
    assert price.route_types == (RouteType.DOMESTIC, RouteType.SHORT_HAUL)
    assert price.uncharged_route_types == ()


def test_a_long_haul_flight_without_a_sourced_row_is_not_known_rather_than_zero() -> None:
    # London-Tel Aviv is 2,223 mi: beyond Reward Flight Saver's 2,000 mi, so long haul, where
    # DOMAIN.md says only that surcharges "can add hundreds": no figure is encoded.
    price = price_ticket(pricing=british_airways_pricing(peak=False), segments=[LHR_TLV])

    assert price.miles.amount == 10000
    assert price.cash == Money.zero(currency="GBP")  # the known part only
    assert price.uncharged_route_types == (RouteType.LONG_HAUL,)


def test_a_quote_replaces_an_estimate_with_unknown_taxes() -> None:
    estimate = price_ticket(pricing=british_airways_pricing(peak=False), segments=[LHR_TLV])
    quote = QuotedPrice(
        miles=estimate.miles,
        cash=Money(amount=Decimal("212.40"), currency="GBP"),
        quoted_on=date(2026, 11, 25),
    )

    quoted = apply_quoted_price(estimate=estimate, quote=quote)

    assert quoted.cash.amount == Decimal("212.40")
    assert quoted.uncharged_route_types == ()
    assert quoted.replaced_estimate == estimate


def test_the_stored_rows_price_like_the_sourced_catalogue() -> None:
    stored = price_ticket(pricing=load_program_pricing()["BA"], segments=[EDI_LHR, LHR_ATH])
    assert (stored.miles.amount, stored.cash.amount) == (12500, Decimal("35.00"))
    # Turkish has no sourced taxes at all: a domestic ticket is 4,500 miles, taxes not known
    turkish = price_ticket(
        pricing=load_program_pricing()["TK"],
        segments=[_flight("IST", "ESB", countries="TR TR", miles=217)],
    )
    assert turkish.miles.amount == 4500
    assert turkish.uncharged_route_types == (RouteType.DOMESTIC,)


def test_only_sourced_taxes_are_seeded() -> None:
    seeded = set(StoredCashRule.objects.values_list("chart__program__code", "route_type"))
    assert seeded == {("BA", "short_haul"), ("BA", "domestic")}
    assert all(rule.source and rule.as_of for rule in StoredCashRule.objects.all())


def _stored_price(world: TravelWorld, itinerary: str) -> FarePrice:
    travel_request = make_travel_request(case=world.case)
    fares = [
        ManualFare(airports=tuple(airports.split()), carriers=frozenset({"BA"}))
        for airports in itinerary.split("/")
    ]
    option = do_add_manual_option(
        actor=world.coordinator.user, travel_request=travel_request, fares=fares
    )
    return FarePrice.objects.select_related("fare__option__request").get(
        fare__option=option, program__code="BA"
    )


def test_a_stored_estimate_says_its_taxes_are_not_known_until_quoted() -> None:
    # Given a coordinator's BA option London-Tel Aviv (long haul: no sourced taxes)
    world = make_travel_world()
    price = _stored_price(world, "LHR TLV")
    assert (price.miles, price.taxes, price.taxes_known) == (10000, Decimal("0.00"), False)

    # Then the request page says "not known" rather than a zero
    page = client_for(world.coordinator).get(
        reverse("travel:request_detail", kwargs={"request_id": price.fare.option.request.public_id})
    )
    assert "not known" in page.content.decode()

    # When the coordinator quotes what they saw, the taxes are known
    quoted = do_quote_price(
        actor=world.coordinator.user,
        price=price,
        miles=10000,
        taxes=Decimal("212.40"),
        currency="GBP",
    )
    stored = FarePrice.objects.get(pk=quoted.pk)
    assert (stored.taxes, stored.taxes_known, stored.basis) == (Decimal("212.40"), True, "quoted")
    assert (stored.estimated_miles, stored.estimated_taxes) == (10000, Decimal("0.00"))


def test_a_short_haul_estimate_carries_its_reward_flight_saver() -> None:
    world = make_travel_world()
    price = _stored_price(world, "LHR AMS")
    assert (price.miles, price.taxes, price.currency, price.taxes_known) == (
        4000,
        Decimal("17.50"),
        "GBP",
        True,
    )


def test_a_maintainers_long_haul_row_is_used_for_the_next_estimate() -> None:
    # Given a maintainer who read a long-haul figure and adds it with its source
    chart = AwardChart.objects.get(program__code="BA")
    StoredCashRule.objects.create(
        chart=chart,
        route_type="long_haul",
        taxes=Decimal("90.00"),
        carrier_surcharge=Decimal("150.00"),
        source="example page read by a maintainer",
        as_of=date(2026, 11, 25),
        verified=False,
    )

    # Then the next estimate adds taxes and surcharge, and they are known
    price = price_ticket(pricing=load_program_pricing()["BA"], segments=[LHR_TLV])
    assert price.cash.amount == Decimal("240.00")
    assert price.uncharged_route_types == ()
    assert any(note.citation == "example page read by a maintainer" for note in price.sources)


def test_the_programs_page_lists_every_route_type_with_its_figure_or_not_known() -> None:
    client = sign_in(Client(), make_staff(Role.TRAVEL_COORDINATOR))
    page = client.get(reverse("travel:programs")).content.decode()
    assert "short haul: 17.50 GBP" in page
    assert "long haul: not known" in page
    assert "Taxes and surcharges per flight" in page


def test_a_maintainer_edits_a_taxes_row_on_the_chart_page() -> None:
    # Given a catalogue maintainer and BA's chart with its two Reward Flight Saver rows
    staff = make_catalogue_maintainer()
    client = sign_in(Client(), staff)
    chart = AwardChart.objects.get(program__code="BA")
    page = client.get(reverse("travel:chart_edit", kwargs={"program_code": "BA"}))
    assert page.status_code == 200
    data = _unchanged_post(page)
    extra = page.context["formsets"][3].total_form_count() - 1  # the cash formset's empty row
    data |= {
        f"cash-{extra}-route_type": "long_haul",
        f"cash-{extra}-taxes": "80.00",
        f"cash-{extra}-carrier_surcharge": "120.00",
        f"cash-{extra}-source": "example: a quote seen on 25 Nov 2026",
        f"cash-{extra}-as_of": "2026-11-25",
    }

    # When they save a long-haul row
    response = client.post(reverse("travel:chart_edit", kwargs={"program_code": "BA"}), data)

    # Then it is stored with its source and date and used by the next estimate
    assert response.status_code == 302
    row = StoredCashRule.objects.get(chart=chart, route_type="long_haul")
    assert (row.taxes, row.carrier_surcharge, row.as_of) == (
        Decimal("80.00"),
        Decimal("120.00"),
        date(2026, 11, 25),
    )
    price = price_ticket(pricing=load_program_pricing()["BA"], segments=[LHR_TLV])
    assert price.cash.amount == Decimal("200.00")


def _unchanged_post(page: Any) -> dict[str, str]:
    """The chart page's forms as a browser would post them unchanged (``page`` is the test
    client's response, which carries the template context)."""
    context = page.context
    data: dict[str, str] = {}
    forms = [context["form"], *(form for formset in context["formsets"] for form in formset)]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif value is None:
                data[key] = ""
            elif isinstance(value, date):
                data[key] = value.isoformat()
            else:
                data[key] = str(getattr(value, "pk", value))
    for formset in context["formsets"]:
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
    return data


def _rule(route_type: RouteType, amount: str, countries: str = "") -> CashRule:
    return CashRule(
        route_type=route_type,
        taxes=Money(amount=Decimal(amount), currency="GBP"),
        carrier_surcharge=Money.zero(currency="GBP"),
        source=SourceNote(citation="test figure", as_of=date(2026, 11, 25)),
        origin_countries=frozenset(countries.split()),
    )


def _with_rules(*rules: CashRule) -> ProgramPricing:
    base = british_airways_pricing(peak=False)
    return ProgramPricing(
        program="BA",
        chart=base.chart,
        short_haul_max_miles=base.short_haul_max_miles,
        currency="GBP",
        cash_rules=rules,
    )


def test_taxes_follow_the_departure_country_when_a_row_names_it() -> None:
    # Given long-haul rows for departures from Great Britain and from anywhere else
    pricing = _with_rules(
        _rule(RouteType.LONG_HAUL, "200.00", "GB IE"), _rule(RouteType.LONG_HAUL, "60.00")
    )
    tel_aviv_london = _flight("TLV", "LHR", countries="IL GB", miles=2223)

    # Then London-Tel Aviv pays the British row, Tel Aviv-London the general one
    assert price_ticket(pricing=pricing, segments=[LHR_TLV]).cash.amount == Decimal("200.00")
    assert price_ticket(pricing=pricing, segments=[tel_aviv_london]).cash.amount == Decimal("60.00")


def test_without_a_general_row_other_departures_are_not_known() -> None:
    pricing = _with_rules(_rule(RouteType.LONG_HAUL, "200.00", "GB"))
    tel_aviv_london = _flight("TLV", "LHR", countries="IL GB", miles=2223)

    price = price_ticket(pricing=pricing, segments=[tel_aviv_london])

    assert (price.cash.amount, price.uncharged_route_types) == (
        Decimal("0"),
        (RouteType.LONG_HAUL,),
    )


@pytest.mark.parametrize(
    "rules",
    [
        (("200.00", ""), ("60.00", "")),  # two general rows
        (("200.00", "GB IE"), ("60.00", "IE")),  # Ireland named twice
    ],
)
def test_two_rows_for_one_route_type_and_departure_are_refused(
    rules: tuple[tuple[str, str], ...],
) -> None:
    with pytest.raises(ValueError, match="two cash rules"):
        _with_rules(*(_rule(RouteType.LONG_HAUL, amount, countries) for amount, countries in rules))


def _maintainer_client() -> Client:
    staff = make_catalogue_maintainer()
    return sign_in(Client(), staff)


def _with_new_cash_row(client: Client, **row: str) -> dict[str, str]:
    page = client.get(reverse("travel:chart_edit", kwargs={"program_code": "BA"}))
    data = _unchanged_post(page)
    extra = page.context["formsets"][3].total_form_count() - 1
    return data | {f"cash-{extra}-{name}": value for name, value in row.items()}


def test_a_maintainer_adds_a_row_for_departures_from_named_countries() -> None:
    client = _maintainer_client()
    data = _with_new_cash_row(
        client,
        route_type="long_haul",
        origin_countries="ie, gb",
        taxes="150.00",
        carrier_surcharge="0",
        source="example: a quote seen on 25 Nov 2026",
        as_of="2026-11-25",
    )

    response = client.post(reverse("travel:chart_edit", kwargs={"program_code": "BA"}), data)

    assert response.status_code == 302
    row = StoredCashRule.objects.get(chart__program__code="BA", route_type="long_haul")
    assert row.origin_countries == "GB IE"
    pricing = load_program_pricing()["BA"]
    assert price_ticket(pricing=pricing, segments=[LHR_TLV]).cash.amount == Decimal("150.00")
    tel_aviv_london = _flight("TLV", "LHR", countries="IL GB", miles=2223)
    assert price_ticket(pricing=pricing, segments=[tel_aviv_london]).uncharged_route_types == (
        RouteType.LONG_HAUL,
    )
    page = client.get(reverse("travel:programs")).content.decode()
    assert "long haul (from GB IE): 150.00 GBP" in page
    assert "long haul (from elsewhere): not known" in page


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"route_type": "short_haul", "origin_countries": ""}, "no two taxes rows"),
        ({"route_type": "long_haul", "origin_countries": "XX"}, "Not a country code"),
    ],
)
def test_an_overlapping_or_malformed_taxes_row_is_refused_and_nothing_is_saved(
    row: dict[str, str], message: str
) -> None:
    # Given a maintainer adding a second general short-haul row (BA has one), or a bad code
    client = _maintainer_client()
    before = sorted(StoredCashRule.objects.values_list("route_type", "origin_countries", "taxes"))
    events = AuditEvent.objects.count()
    data = _with_new_cash_row(
        client,
        taxes="99.00",
        carrier_surcharge="0",
        source="example",
        as_of="2026-11-25",
        **row,
    )

    response = client.post(reverse("travel:chart_edit", kwargs={"program_code": "BA"}), data)

    # Then the page says why and nothing is stored or audited
    assert response.status_code == 200
    assert message in response.content.decode()
    after = sorted(StoredCashRule.objects.values_list("route_type", "origin_countries", "taxes"))
    assert (after, AuditEvent.objects.count()) == (before, events)


def test_the_turkish_zone_chart_says_which_zones_lack_their_countries() -> None:
    # Given the seeded Turkish chart: twelve prices from Türkiye (official page, PROGRAMS.md
    # [TK8]) but countries only for Türkiye and (unverified) North America
    client = sign_in(Client(), make_staff(Role.TRAVEL_COORDINATOR))
    page = client.get(reverse("travel:programs")).content.decode()

    assert "Türkiye → North Africa: 20,000 (countries not known: quote tickets there)" in page
    assert "Türkiye → Central Africa: 25,000 (countries not known" in page
    assert "Türkiye → North America: 40,000<" in page
    assert "Unverified:</span> zone membership from general knowledge" in page

    # And a Turkish ticket to a country in no zone is not priced (a quote is needed)
    with pytest.raises(OutsideChartError):
        price_ticket(
            pricing=load_program_pricing()["TK"],
            segments=[_flight("IST", "VNO", countries="TR LT", miles=1140)],
        )
    to_toronto = _flight("IST", "YYZ", countries="TR CA", miles=5150)
    assert (
        price_ticket(pricing=load_program_pricing()["TK"], segments=[to_toronto]).miles.amount
        == 40000
    )

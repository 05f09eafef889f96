"""Travel requests with options, fares and prices, built directly for tests that read them."""

import datetime
import importlib
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps as django_apps
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from safepassage.accounts.roles import Role
from safepassage.cases.actions import do_add_case_member, do_add_household_member
from safepassage.cases.models import Case, CaseState, HouseholdMember
from safepassage.donations.models import Program
from safepassage.travel.models import (
    Airport,
    AwardChart,
    FarePrice,
    OptionSource,
    PriceBasis,
    TravelFare,
    TravelOption,
    TravelRequest,
    TravelRequestDestination,
    TravelRequestState,
    TravelRequestTraveller,
)
from tests.cases.factories import (
    KeyedStaff,
    keyed_organisation,
    make_case,
    make_keyed_staff,
    sign_in_with_keys,
)
from tests.factories import StaffMember, make_staff


def household_member_for(case: Case) -> HouseholdMember:
    """A household member with an opaque identity envelope (for tests that never open it)."""
    return HouseholdMember.objects.create(
        case=case, added_on=timezone.localdate(), identity=b"sealed elsewhere"
    )


def make_travel_request(
    *, case: Case, travellers: int = 2, state: str = TravelRequestState.OPEN
) -> TravelRequest:
    """An open request MCX → VNO for ``travellers`` household members, with one two-fare
    option (TK then LH, priced) and one single-fare option (a BA price not yet quoted)."""
    if case.state != CaseState.TRAVEL_PLANNED:
        case.state = CaseState.TRAVEL_PLANNED
        case.save(update_fields=["state"])
    today = timezone.localdate()
    request = TravelRequest.objects.create(
        case=case,
        state=state,
        party_size=travellers,
        origin="MCX",
        earliest_departure=today + datetime.timedelta(days=7),
        latest_departure=today + datetime.timedelta(days=21),
        created_on=today,
        changed_on=today,
    )
    for _ in range(travellers):
        TravelRequestTraveller.objects.create(
            request=request, household_member=household_member_for(case)
        )
    TravelRequestDestination.objects.create(request=request, country="LT")
    split = TravelOption.objects.create(
        request=request,
        position=1,
        airports="MCX IST VNO",
        source=OptionSource.FINDER,
        minimum_journey_minutes=480,
        distance_miles=1900,
    )
    first = TravelFare.objects.create(
        option=split, position=1, airports="MCX IST", carriers="TK", distance_miles=900
    )
    second = TravelFare.objects.create(
        option=split,
        position=2,
        airports="IST VNO",
        carriers="TK",
        distance_miles=1000,
        cash_price=Decimal("210.00"),
        cash_currency="USD",
    )
    for fare, miles in ((first, 4500), (second, 10000)):
        FarePrice.objects.create(
            fare=fare,
            program=Program.objects.get(code="TK"),
            miles=miles,
            taxes=Decimal("35.50"),
            currency="USD",
            basis=PriceBasis.CHART,
        )
    FarePrice.objects.create(
        fare=second,
        program=Program.objects.get(code="UA"),
        miles=12500,
        taxes=Decimal("5.60"),
        currency="USD",
        basis=PriceBasis.ESTIMATE,
    )
    single = TravelOption.objects.create(
        request=request,
        position=2,
        airports="MCX SVO VNO",
        source=OptionSource.MANUAL,
        distance_miles=1400,
    )
    only = TravelFare.objects.create(
        option=single, position=1, airports="MCX SVO VNO", carriers="SU|BT", distance_miles=1400
    )
    FarePrice.objects.create(
        fare=only,
        program=Program.objects.get(code="BA"),
        miles=None,
        currency="GBP",
        basis=PriceBasis.UNKNOWN,
    )
    return request


@dataclass
class TravelWorld:
    """A keyed organisation with a case in "travel planned" whose household has two sealed
    members; an admin and a caseworker hold every key, the coordinator only the
    travel-passenger key (SR-26)."""

    admin: KeyedStaff
    caseworker: KeyedStaff
    coordinator: KeyedStaff
    case: Case
    members: list[HouseholdMember]


def make_travel_world() -> TravelWorld:
    organisation, _ = keyed_organisation()
    admin = make_keyed_staff(Role.ADMIN, organisation)
    caseworker = make_keyed_staff(Role.CASEWORKER, organisation)
    coordinator = make_keyed_staff(Role.TRAVEL_COORDINATOR, organisation)
    case = make_case(actor=caseworker, full_name="Aslan Testperson")
    members = [
        do_add_household_member(
            actor=caseworker.user,
            key_pair=caseworker.key_pair,
            case=case,
            full_name=name,
            relationship="self",
            birth_year="1990",
        )
        for name in ("Aslan Testperson", "Ruslan Testperson")
    ]
    for colleague in (admin, coordinator):
        do_add_case_member(
            actor=caseworker.user, key_pair=caseworker.key_pair, case=case, member=colleague.user
        )
    case.state = CaseState.TRAVEL_PLANNED
    case.save(update_fields=["state"])
    return TravelWorld(
        admin=admin, caseworker=caseworker, coordinator=coordinator, case=case, members=members
    )


def client_for(keyed: KeyedStaff) -> Client:
    return sign_in_with_keys(Client(), keyed)


def matrix_travel_request(*, case: Case) -> TravelRequest:
    """The case's first travel request, made by :func:`make_travel_request` if needed."""
    existing = TravelRequest.objects.filter(case=case).order_by("pk").first()
    return existing or make_travel_request(case=case)


def matrix_fare_price(*, case: Case) -> FarePrice:
    travel_request = matrix_travel_request(case=case)
    price = FarePrice.objects.filter(fare__option__request=travel_request).order_by("pk").first()
    assert price is not None
    return price


def matrix_travel_option(*, case: Case) -> TravelOption:
    option = matrix_travel_request(case=case).options.order_by("pk").first()
    assert option is not None
    return option


def matrix_travel_fare(*, case: Case) -> TravelFare:
    return matrix_fare_price(case=case).fare


REFERENCE_DATA_MIGRATIONS = (
    "safepassage.donations.migrations.0004_load_program_catalogue",
    "safepassage.travel.migrations.0002_load_airports",
    "safepassage.travel.migrations.0003_load_partnerships",
    "safepassage.travel.migrations.0005_load_award_charts",
)


def ensure_reference_data() -> None:
    """Load the program catalogue, airports, partnerships and award charts again when a
    transactional test's flush removed what the data migrations loaded (each loader is
    idempotent)."""
    if Airport.objects.exists() and AwardChart.objects.exists():
        return
    for name in REFERENCE_DATA_MIGRATIONS:
        importlib.import_module(name).load(django_apps, None)


def make_catalogue_maintainer() -> StaffMember:
    """An organisation admin the operator also made a catalogue maintainer (decision 0017)."""
    staff = make_staff(Role.ADMIN)
    call_command("catalogue_maintainers", "grant", "--email", staff.user.email, stdout=None)
    return staff


def chart_form_data(chart: AwardChart, **changes: str) -> dict[str, str]:
    """The chart page's form as posted for ``chart`` unchanged (its bands, no zones or
    taxes rows), with ``changes`` on top."""
    bands = list(chart.bands.order_by("min_miles"))
    data = {
        "chart-name": chart.name,
        "chart-kind": chart.kind,
        "chart-fixed_miles": "" if chart.fixed_miles is None else str(chart.fixed_miles),
        "chart-multi_segment": chart.multi_segment,
        "chart-multi_segment_source": chart.multi_segment_source,
        "chart-short_haul_max_miles": str(chart.short_haul_max_miles),
        "chart-route_type_source": chart.route_type_source,
        "chart-currency": chart.currency,
        "chart-source": chart.source,
        "chart-as_of": chart.as_of.isoformat(),
        "chart-verified": "on",
        "bands-TOTAL_FORMS": str(len(bands)),
        "bands-INITIAL_FORMS": str(len(bands)),
        "zones-TOTAL_FORMS": "0",
        "zones-INITIAL_FORMS": "0",
        "zone_prices-TOTAL_FORMS": "0",
        "zone_prices-INITIAL_FORMS": "0",
        "cash-TOTAL_FORMS": "0",
        "cash-INITIAL_FORMS": "0",
    }
    for index, band in enumerate(bands):
        data |= {
            f"bands-{index}-id": str(band.pk),
            f"bands-{index}-min_miles": str(band.min_miles),
            f"bands-{index}-max_miles": "" if band.max_miles is None else str(band.max_miles),
            f"bands-{index}-miles": str(band.miles),
        }
    return data | changes

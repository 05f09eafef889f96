"""Forms of the events app. Times are typed in the event's own time zone."""

import datetime
import zoneinfo
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.donations.forms import OrganisationsField
from safepassage.donations.models import Campaign
from safepassage.events.actions import EventDetails
from safepassage.events.models import Event, ProgrammeItem, ProgrammeKind
from safepassage.organisations.models import Organisation
from safepassage.site.date_fields import PLANNING, check_date_in_window

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]
LOCAL_INPUT = {"type": "datetime-local"}


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time on a day of the :data:`~safepassage.site.date_fields.PLANNING`
    window, as campaign dates: further is a typo (a year typed as 26), and the calendar's
    first and last days cannot be moved into UTC at all."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None:
            check_date_in_window(
                value=value.date(), window=PLANNING, label=self.label, today=timezone.localdate()
            )


def in_zone(moment: datetime.datetime, zone_name: str) -> datetime.datetime:
    """Read the wall-clock time the form parsed (as UTC) as a time in ``zone_name``."""
    naive = timezone.make_naive(moment, datetime.UTC)
    return timezone.make_aware(naive, zoneinfo.ZoneInfo(zone_name))


def local_input(moment: datetime.datetime, zone_name: str) -> str:
    return moment.astimezone(zoneinfo.ZoneInfo(zone_name)).strftime("%Y-%m-%dT%H:%M")


class EventForm(forms.Form):
    organiser = forms.ModelChoiceField(
        label=_("Organiser"), queryset=Organisation.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=80,
        help_text=_("Letters, digits and hyphens; the page is /events/<address>/."),
    )
    beneficiaries = OrganisationsField(
        label=_("Beneficiaries"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        help_text=_("Pledges and gifts to this campaign count in the tally."),
    )
    venue = forms.CharField(label=_("Venue"), max_length=300)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES, initial="UTC")
    starts_at = LocalDateTimeField(
        label=_("Starts at (local time)"), widget=forms.DateTimeInput(attrs=LOCAL_INPUT)
    )
    ends_at = LocalDateTimeField(
        label=_("Ends at (local time)"), widget=forms.DateTimeInput(attrs=LOCAL_INPUT)
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    remote_session = forms.CharField(
        label=_("Remote session"),
        widget=forms.Textarea,
        required=False,
        help_text=_("How people join remotely. This is public: no private links."),
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        campaigns: QuerySet[Campaign],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        organiser = self.fields["organiser"]
        campaign = self.fields["campaign"]
        assert isinstance(organiser, forms.ModelChoiceField)  # narrows the type
        assert isinstance(campaign, forms.ModelChoiceField)  # narrows the type
        organiser.queryset = Organisation.objects.filter(
            pk__in=[organisation.pk for organisation in organisations]
        ).order_by("name")
        campaign.queryset = campaigns

    @classmethod
    def initial_for(cls, event: Event) -> dict[str, object]:
        return {
            "organiser": event.organiser,
            "title": event.title,
            "slug": event.slug,
            "beneficiaries": list(event.beneficiaries.all()),
            "campaign": event.campaign,
            "venue": event.venue,
            "time_zone": event.time_zone,
            "starts_at": local_input(event.starts_at, event.time_zone),
            "ends_at": local_input(event.ends_at, event.time_zone),
            "description": event.description,
            "remote_session": event.remote_session,
        }

    def details(self) -> EventDetails:
        data = self.cleaned_data
        return EventDetails(
            slug=data["slug"],
            title=data["title"],
            venue=data["venue"],
            time_zone=data["time_zone"],
            starts_at=in_zone(data["starts_at"], data["time_zone"]),
            ends_at=in_zone(data["ends_at"], data["time_zone"]),
            description=data["description"],
            remote_session=data["remote_session"],
            campaign=data["campaign"],
        )


class ProgrammeItemForm(forms.Form):
    starts_at = LocalDateTimeField(
        label=_("Time (local)"), widget=forms.DateTimeInput(attrs=LOCAL_INPUT)
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProgrammeKind.choices)

    @staticmethod
    def initial_for(item: ProgrammeItem) -> dict[str, Any]:
        return {
            "starts_at": local_input(item.starts_at, item.event.time_zone),
            "title": item.title,
            "kind": item.kind,
        }

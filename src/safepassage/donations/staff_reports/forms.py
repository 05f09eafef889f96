"""Filters of the staff pledge list and export (all optional, sent by GET)."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from safepassage.donations.models import Campaign, PledgeStatus, Program
from safepassage.site.date_fields import WindowedDateField


class _CampaignField(forms.ModelChoiceField[Campaign]):
    def label_from_instance(self, obj: Campaign) -> str:
        return obj.title


class _ProgramField(forms.ModelChoiceField[Program]):
    def label_from_instance(self, obj: Program) -> str:
        return obj.name


class PledgeFilterForm(forms.Form):
    campaign = _CampaignField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("All"),
        to_field_name="public_id",
    )
    program = _ProgramField(
        label=_("Program"),
        queryset=Program.objects.none(),
        required=False,
        empty_label=_("All"),
        to_field_name="code",
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *PledgeStatus.choices], required=False
    )
    created_from = WindowedDateField(label=_("Pledged from"), required=False)
    created_until = WindowedDateField(label=_("Pledged until"), required=False)

    def __init__(
        self,
        *args: Any,
        campaigns: QuerySet[Campaign],
        programs: QuerySet[Program],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast("_CampaignField", self.fields["campaign"]).queryset = campaigns
        cast("_ProgramField", self.fields["program"]).queryset = programs

    def filters(self) -> dict[str, Any] | None:
        """The filters given (empty: everything), or ``None`` when they are invalid."""
        if not self.is_bound:
            return {}
        if not self.is_valid():
            return None
        return {key: value for key, value in self.cleaned_data.items() if value}

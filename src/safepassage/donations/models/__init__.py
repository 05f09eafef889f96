"""Models of the donations app, one module per domain area, re-exported here."""

from safepassage.donations.models.campaigns import Campaign, SponsorMatch
from safepassage.donations.models.gifts import ExchangeRate, Gift, GiftSource
from safepassage.donations.models.pledges import Pledge, PledgeStatus
from safepassage.donations.models.programs import (
    Alliance,
    BookingForOthers,
    DelegatedBooking,
    FactConfidence,
    FactTopic,
    Program,
    ProgramFact,
    ProgramKind,
    TransferPartner,
)

__all__ = [
    "Alliance",
    "BookingForOthers",
    "Campaign",
    "DelegatedBooking",
    "ExchangeRate",
    "FactConfidence",
    "FactTopic",
    "Gift",
    "GiftSource",
    "Pledge",
    "PledgeStatus",
    "Program",
    "ProgramFact",
    "ProgramKind",
    "SponsorMatch",
    "TransferPartner",
]

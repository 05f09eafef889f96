"""Demo intake: one fictional request sent through the real action, and a follow-up message.

Called once from ``safepassage.demo.seed.seed_demo`` after the demo keys exist. The codename
is thrown away like any other (it is never stored); to try the applicant's side, send a new
request at ``/help/``.
"""

from collections.abc import Mapping

from safepassage.intake.actions import (
    IntakeAnswers,
    Urgency,
    do_send_applicant_message,
    do_submit_intake,
)
from safepassage.intake.models import Applicant
from safepassage.intake.selectors import list_intake_organisations
from safepassage.intake.wordlists import WordListName
from safepassage.organisations.models import Organisation


def seed_demo_intake(*, organisations: Mapping[str, Organisation]) -> None:
    """A request to the first case organisation that can receive one (all values fictional)."""
    receiving = [item for item in list_intake_organisations() if item in organisations.values()]
    if not receiving:
        return
    receipt = do_submit_intake(
        organisation=receiving[0],
        answers=IntakeAnswers(
            name="Demo applicant (fictional)",
            contact="Signal: @demo-applicant (fictional)",
            location="North Caucasus (fictional)",
            travelling_with="A partner (fictional)",
            story="A fictional request for the demo: reported by a neighbour, must leave soon.",
            party_size=2,
            urgency=Urgency.DAYS,
        ),
        word_list=WordListName.RUSSIAN,
    )
    applicant = Applicant.objects.select_related("case").get(case__code=receipt.case_code)
    do_send_applicant_message(
        applicant=applicant, body="I can read messages in the evenings (fictional)."
    )

"""Keep a shredded case's move in the people counts (see ``cases.case_shredding``)."""

from safepassage.cases.case_shredding import register_case_shredder
from safepassage.cases.models import Case
from safepassage.transparency.actions import do_keep_shredded_move


def keep_shredded_move(case: Case) -> None:
    do_keep_shredded_move(case=case)


register_case_shredder("transparency.moves", keep_shredded_move)

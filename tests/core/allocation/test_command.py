"""``safepassage allocate`` on small problem files."""

import json
from pathlib import Path

import pytest

from safepassage.allocation_command import main
from safepassage.core.allocation.parsing import load_problem_json, plan_from_json
from safepassage.core.allocation.validator import validate_plan
from tests.core.allocation.builders import document, fare, pledge, request


def _write_problem(tmp_path: Path) -> Path:
    path = tmp_path / "problem.json"
    data = document(
        [pledge("P1", "AC", 10000), pledge("P2", "AC", 10000), pledge("P3", "UA", 30000)],
        [
            request("R1", 2, [[fare("F1", {"AC": 8000}, taxes={"AC": 5.6})]], priority=3.0),
            request("R2", 1, [[fare("F2", {"UA": 25000})], [fare("F3", {"AC": 2000})]]),
        ],
        cash_budget=50.0,
    )
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_plan_is_written_with_a_one_line_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem_path = _write_problem(tmp_path)
    plan_path = tmp_path / "plan.json"

    code = main([str(problem_path), "-o", str(plan_path), "--time-limit", "5"])

    assert code == 0
    problem = load_problem_json(problem_path.read_text(encoding="utf-8"))
    plan = plan_from_json(json.loads(plan_path.read_text(encoding="utf-8")))
    assert validate_plan(problem, plan) == ()
    assert plan.totals.weighted_travellers == 7.0
    output = capsys.readouterr()
    assert output.out.count("\n") == 1
    assert output.out.startswith("optimal: 7 weighted travellers")
    assert output.err == ""  # not a terminal: no progress line


def test_the_baseline_method_can_be_chosen(tmp_path: Path) -> None:
    problem_path = _write_problem(tmp_path)
    plan_path = tmp_path / "plan.json"

    code = main([str(problem_path), "-o", str(plan_path), "--method", "baseline"])

    assert code == 0
    plan = plan_from_json(json.loads(plan_path.read_text(encoding="utf-8")))
    assert plan.totals.weighted_travellers == 1.0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"as_of": "2026-12-01", "pledges": [{"id": "P1", "program": "AC", "miles": -1}], '
            '"requests": []}',
            "'P1', field 'miles'",
        ),
        ("{", "not JSON"),
    ],
)
def test_a_rejected_problem_exits_2_with_the_reason_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    problem_path = tmp_path / "bad.json"
    problem_path.write_text(content, encoding="utf-8")
    plan_path = tmp_path / "plan.json"

    code = main([str(problem_path), "-o", str(plan_path)])

    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not plan_path.exists()


def test_a_missing_file_or_bad_arguments_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "absent.json"), "-o", str(tmp_path / "p.json")]) == 2
    assert main([str(tmp_path / "absent.json")]) == 2
    assert main([str(_write_problem(tmp_path)), "-o", "x", "--time-limit", "0"]) == 2
    assert "Traceback" not in capsys.readouterr().err

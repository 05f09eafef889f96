"""A small column builder and the one adapter to HiGHS (through ``highspy``).

Models are built column by column in plain Python lists and passed to HiGHS in one
compressed-column matrix, which is far faster than adding variables one at a time.
"""

import os
import sys
from dataclasses import dataclass, field

import highspy
import numpy as np

INFINITY = float(highspy.kHighsInf)
SEED = 20261201
_banner_shown = False


def new_highs() -> highspy.Highs:
    """Create a solver. The first one prints a licence banner straight to file descriptor 1,
    which would corrupt a plan written to stdout, so that one is built with fd 1 muted."""
    global _banner_shown  # noqa: PLW0603 - a once-per-process flag
    if _banner_shown:
        return highspy.Highs()  # type: ignore[no-untyped-call]  # untyped in highspy
    _banner_shown = True
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            return highspy.Highs()  # type: ignore[no-untyped-call]  # untyped in highspy
    finally:
        os.dup2(saved, 1)
        os.close(saved)


@dataclass(slots=True)
class ModelBuilder:
    """Columns and rows of a maximisation model, to be solved by :func:`solve_model`."""

    cost: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    starts: list[int] = field(default_factory=lambda: [0])
    rows: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)

    def add_row(self, lower: float, upper: float) -> int:
        """Add an empty row with the given bounds and return its index."""
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        return len(self.row_lower) - 1

    def add_column(
        self,
        cost: float,
        upper: float,
        entries: list[tuple[int, float]],
        *,
        integer: bool = True,
    ) -> int:
        """Add a column ``0 <= x <= upper`` with its row coefficients; return its index."""
        self.cost.append(cost)
        self.lower.append(0.0)
        self.upper.append(upper)
        self.integer.append(integer)
        for row, value in entries:
            self.rows.append(row)
            self.values.append(value)
        self.starts.append(len(self.rows))
        return len(self.cost) - 1

    @property
    def num_columns(self) -> int:
        """How many columns the model has."""
        return len(self.cost)


@dataclass(frozen=True, slots=True)
class ModelResult:
    """What HiGHS found: a solution (if any), its value, a proven bound, row duals."""

    values: list[float] | None
    objective: float
    bound: float
    optimal: bool
    row_duals: list[float] | None


class HighsSession:
    """One HiGHS instance holding a model, so it can be re-solved after adding rows (the
    basis is kept: a warm start) or after making columns integer."""

    def __init__(self, model: ModelBuilder, *, integer: bool) -> None:
        self.highs = new_highs()
        self.integer = integer
        self.num_columns = model.num_columns
        for name, value in (
            ("output_flag", False),
            ("threads", 1),
            ("parallel", "off"),
            ("random_seed", SEED),
            ("mip_abs_gap", 1e-7),
        ):
            self.highs.setOptionValue(name, value)
        lp = highspy.HighsLp()
        lp.num_col_ = model.num_columns
        lp.num_row_ = len(model.row_lower)
        lp.col_cost_ = np.asarray(model.cost, dtype=np.float64)
        lp.col_lower_ = np.asarray(model.lower, dtype=np.float64)
        lp.col_upper_ = np.asarray(model.upper, dtype=np.float64)
        lp.row_lower_ = np.asarray(model.row_lower, dtype=np.float64)
        lp.row_upper_ = np.asarray(model.row_upper, dtype=np.float64)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.num_col_ = model.num_columns
        lp.a_matrix_.num_row_ = len(model.row_lower)
        lp.a_matrix_.start_ = np.asarray(model.starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.asarray(model.rows, dtype=np.int32)
        lp.a_matrix_.value_ = np.asarray(model.values, dtype=np.float64)
        lp.sense_ = highspy.ObjSense.kMaximize
        if integer:
            lp.integrality_ = [
                highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
                for flag in model.integer
            ]
        self.integer_flags = list(model.integer)
        self.highs.passModel(lp)

    def add_rows(self, rows: list[tuple[float, list[tuple[int, float]]]]) -> None:
        """Add rows ``sum(value * x[column]) <= upper``."""
        if not rows:
            return
        starts: list[int] = []
        indexes: list[int] = []
        values: list[float] = []
        for _, entries in rows:
            starts.append(len(indexes))
            for column, value in entries:
                indexes.append(column)
                values.append(value)
        self.highs.addRows(
            len(rows),
            np.full(len(rows), -INFINITY, dtype=np.float64),
            np.asarray([upper for upper, _ in rows], dtype=np.float64),
            len(indexes),
            np.asarray(starts, dtype=np.int32),
            np.asarray(indexes, dtype=np.int32),
            np.asarray(values, dtype=np.float64),
        )

    def make_integer(self) -> None:
        """Turn the model's integer columns integer (after solving it as an LP)."""
        columns = [c for c, flag in enumerate(self.integer_flags) if flag]
        if columns:
            self.highs.changeColsIntegrality(
                len(columns),
                np.asarray(columns, dtype=np.int32),
                np.ones(len(columns), dtype=np.uint8),
            )
        self.integer = True

    def set_start(self, values: list[float]) -> None:
        """Offer a feasible solution as the MIP's first incumbent (HiGHS checks it)."""
        if len(values) != self.num_columns:
            return
        solution = highspy.HighsSolution()
        solution.col_value = values
        solution.value_valid = True
        self.highs.setSolution(solution)

    def run(self, *, time_limit: float, relative_gap: float = 1e-6) -> ModelResult:
        """Solve (maximise) within ``time_limit`` seconds."""
        if self.num_columns == 0:
            return ModelResult(values=[], objective=0.0, bound=0.0, optimal=True, row_duals=None)
        highs = self.highs
        # HiGHS counts its time limit over every run of this instance, not per run.
        highs.setOptionValue("time_limit", highs.getRunTime() + max(0.05, time_limit))
        highs.setOptionValue("mip_rel_gap", relative_gap)
        highs.run()
        status = highs.getModelStatus()
        info = highs.getInfo()
        has_solution = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
        solution = highs.getSolution()
        values = list(solution.col_value) if has_solution else None
        optimal = status == highspy.HighsModelStatus.kOptimal
        objective = float(info.objective_function_value) if has_solution else 0.0
        # An LP bounds the model only when solved to optimality.
        lp_bound = objective if optimal else INFINITY
        bound = float(info.mip_dual_bound) if self.integer else lp_bound
        row_duals = list(solution.row_dual) if (not self.integer and optimal) else None
        return ModelResult(
            values=values, objective=objective, bound=bound, optimal=optimal, row_duals=row_duals
        )


def solve_model(
    model: ModelBuilder,
    *,
    integer: bool,
    time_limit: float,
    relative_gap: float = 1e-6,
) -> ModelResult:
    """Maximise ``model`` (as an LP if ``integer`` is false) within ``time_limit`` seconds."""
    if model.num_columns == 0:
        return ModelResult(values=[], objective=0.0, bound=0.0, optimal=True, row_duals=None)
    return HighsSession(model, integer=integer).run(
        time_limit=time_limit, relative_gap=relative_gap
    )

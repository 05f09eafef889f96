"""A generator of realistic allocation problems (seeded, reproducible).

Shapes follow what coordinators see: parties of 1-7 travellers, 1-4 route options per
request, 1-3 separately ticketed fares per option, 2-8 programs able to pay each fare at
program-specific prices, lognormal pledge balances (many small, a few large), about 10%
of pledges already expired, about a quarter limited to a few nominees (max_travellers),
a cash budget that covers only part of the taxes, and pledges scarce relative to demand
(usable miles are scaled to about half of what serving every request would need).

    .venv/bin/python -m bench.allocation.generate 2000 500 --seed 1 > problem.json
"""

import argparse
import json
import math
import random
import sys
from datetime import date, timedelta

PROGRAMS = ("AC", "UA", "LH", "AF", "BA", "AA", "DL", "TK", "QR", "EK", "AS", "AV")
POPULARITY = (14, 14, 10, 8, 9, 12, 11, 5, 5, 4, 5, 3)
PARTY_SIZES = (1, 2, 3, 4, 5, 6, 7)
PARTY_WEIGHTS = (30, 25, 15, 12, 8, 6, 4)
AS_OF = date(2026, 12, 1)


def generate(
    pledges: int, requests: int, *, seed: int = 1, supply_ratio: float = 0.5
) -> dict[str, object]:
    """Return a problem document with ``pledges`` pledges and ``requests`` requests."""
    rng = random.Random(seed * 1_000_003 + pledges * 7 + requests)
    request_list = []
    demand = 0.0
    taxes_needed = 0.0
    for number in range(1, requests + 1):
        travellers = rng.choices(PARTY_SIZES, PARTY_WEIGHTS)[0]
        options = []
        cheapest = math.inf
        cheapest_tax = 0.0
        for letter in "abcd"[: rng.randint(1, 4)]:
            option_id = f"R{number}-{letter}"
            fares = []
            option_miles = 0.0
            option_tax = 0.0
            for leg in range(1, rng.randint(1, 3) + 1):
                base = rng.choice((7_500, 10_000, 12_500, 15_000, 20_000, 25_000, 30_000, 35_000))
                payable = rng.sample(range(len(PROGRAMS)), rng.randint(2, 8))
                miles = {}
                taxes = {}
                for program in sorted(payable):
                    price = int(base * rng.uniform(0.8, 1.6) / 500) * 500
                    miles[PROGRAMS[program]] = max(price, 4_500)
                    taxes[PROGRAMS[program]] = round(rng.uniform(5.6, 180.0), 2)
                cash_price = round(rng.uniform(120.0, 900.0), 2) if rng.random() < 0.4 else None
                fares.append(
                    {
                        "id": f"{option_id}-{leg}",
                        "miles": miles,
                        "taxes": taxes,
                        "cash_price": cash_price,
                    }
                )
                option_miles += min(miles.values())
                option_tax += min(taxes.values())
            options.append({"id": option_id, "fares": fares})
            if option_miles < cheapest:
                cheapest, cheapest_tax = option_miles, option_tax
        demand += cheapest * travellers
        taxes_needed += cheapest_tax * travellers
        request_list.append(
            {
                "id": f"R{number}",
                "travellers": travellers,
                "priority": rng.choice((1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 5.0)),
                "options": options,
            }
        )
    sigma = 1.0
    usable_share = 0.9
    mean_balance = supply_ratio * demand / max(1, pledges) / usable_share
    median = mean_balance / math.exp(sigma * sigma / 2)
    pledge_list = []
    for number in range(1, pledges + 1):
        expired = rng.random() > usable_share
        expires = None
        if expired:
            expires = (AS_OF - timedelta(days=rng.randint(1, 200))).isoformat()
        elif rng.random() < 0.6:
            expires = (AS_OF + timedelta(days=rng.randint(1, 700))).isoformat()
        pledge_list.append(
            {
                "id": f"P{number}",
                "donor": f"D{rng.randint(1, max(1, pledges * 3 // 4))}",
                "program": rng.choices(PROGRAMS, POPULARITY)[0],
                "miles": max(1_000, int(rng.lognormvariate(math.log(median), sigma) / 100) * 100),
                "expires": expires,
                "max_travellers": rng.randint(1, 5) if rng.random() < 0.25 else None,
            }
        )
    return {
        "as_of": AS_OF.isoformat(),
        "currency": "USD",
        "cash_budget": round(0.5 * taxes_needed, 2),
        "pledges": pledge_list,
        "requests": request_list,
    }


def main(argv: list[str] | None = None) -> int:
    """Write a generated problem as JSON to stdout."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pledges", type=int)
    parser.add_argument("requests", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    json.dump(generate(args.pledges, args.requests, seed=args.seed), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

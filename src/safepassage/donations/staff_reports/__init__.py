"""Staff reports of pledges: the filtered list, its CSV export and per-program totals.

Scope: pledges to campaigns the organisation runs, pledges at events it organises, and
pledges to the network's shared pool (no campaign, no event), as in the expiry forecast.
Miles come from the ledger; no donor name or address is ever shown or exported.
"""

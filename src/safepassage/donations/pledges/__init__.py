"""Pledges of miles and points: the public pledge form, e-mail confirmation, the donor's
signed management link, expiry reminders and postings, impact notes, the staff forecast.

Same skeleton as an app: ``actions`` (writes), ``selectors`` (reads), ``access``,
``forms``, ``views``, ``urls``, ``errors``, ``lock_objects``, ``tasks``, plus ``tokens``
(signed links) and ``sealing`` (donor name and e-mail, SR-32). The model is
``donations.models.pledges.Pledge``; miles live in the ledger (``safepassage.ledger``).
"""

"""Whether a mail server refused a message for good (decision 0049).

Django's SMTP backend lets ``smtplib``'s errors out. A 5xx answer to the recipient (the
address does not exist, the mailbox is disabled) or to the message itself is permanent:
the same message to the same address is refused again, so trying it hourly for a week only
knocks on the recipient's server. Everything else is worth another try: a 4xx answer
(greylisting, a full queue), a connection that failed or dropped, and a refusal of our own
sender address or login, which the operator mends.
"""

import smtplib


def _is_permanent(code: int) -> bool:
    return 500 <= code <= 599


def is_permanent_refusal(error: BaseException) -> bool:
    """True when ``error`` says every recipient, or the message, was refused with a 5xx
    code."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [answer[0] for answer in error.recipients.values()]
        return bool(codes) and all(_is_permanent(code) for code in codes)
    if isinstance(error, smtplib.SMTPDataError):
        return _is_permanent(error.smtp_code)
    return False

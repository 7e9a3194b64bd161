"""The one exception of circulation: a rule refused an action, with a code (for tests, the API and the
desk's sound) and a message in the active language that a librarian can act on."""

from __future__ import annotations


class CirculationRefused(Exception):
    """Raised by ``catalog.circulation.services``; views show ``message`` next to the scan box."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


class Refusal:
    """The codes of ``CirculationRefused``."""

    UNKNOWN_CODE = "unknown_code"
    UNKNOWN_MEMBER = "unknown_member"
    UNKNOWN_ITEM = "unknown_item"
    MEMBER_EXPIRED = "member_expired"
    LOAN_LIMIT = "loan_limit"
    FINES_OVER_LIMIT = "fines_over_limit"
    ITEM_ON_LOAN = "item_on_loan"
    ITEM_UNAVAILABLE = "item_unavailable"
    RESERVED_FOR_OTHER = "reserved_for_other"
    NOT_ON_LOAN = "not_on_loan"
    RENEWAL_LIMIT = "renewal_limit"
    RENEWAL_OVERDUE = "renewal_overdue"
    RENEWAL_RESERVED = "renewal_reserved"
    LOAN_CLOSED = "loan_closed"
    RESERVATION_LIMIT = "reservation_limit"
    RESERVATION_EXISTS = "reservation_exists"
    RESERVATION_COPY_AVAILABLE = "reservation_copy_available"
    RESERVATION_ALREADY_BORROWED = "reservation_already_borrowed"
    RESERVATION_NO_COPIES = "reservation_no_copies"
    RESERVATION_CLOSED = "reservation_closed"
    FINE_SETTLED = "fine_settled"
    FINE_AMOUNT = "fine_amount"
    WAIVER_REASON = "waiver_reason"

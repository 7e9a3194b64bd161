"""What the monev services refuse, as specific exceptions; views and APIs map them to 4xx with the message.

Messages are in Indonesian (the people who read them are librarians and supervisors) and say what to do.
"""

from __future__ import annotations


class MonevError(Exception):
    """Base class: a monev request that cannot be carried out as asked."""


class InstrumentInUse(MonevError):
    """An instrument file changed although assessments already use its version."""


class AssessmentExists(MonevError):
    """The library already has an assessment for that year and instrument."""


class AssessmentLocked(MonevError):
    """The assessment cannot be changed in its current status (submitted, or verified: read-only)."""


class WorkflowError(MonevError):
    """A step that does not follow from the current status (verify a draft, return without comments)."""


class IncompleteAssessment(WorkflowError):
    """Submission refused: some indicators have no answer."""

    def __init__(self, message: str, unanswered: tuple[str, ...]) -> None:
        super().__init__(message)
        self.unanswered = unanswered


class InvalidAnswer(MonevError):
    """An indicator code that is not in the instrument, or an option other than a–e."""


class EvidenceRejected(MonevError):
    """An evidence file of a type that is not allowed, too large, or an unusable link."""

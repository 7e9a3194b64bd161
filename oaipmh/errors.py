"""OAI-PMH error conditions (OAI-PMH 2.0 §3.6). Each is answered with HTTP 200 and an ``<error>``."""

from __future__ import annotations


class OaiError(Exception):
    code = ""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BadArgument(OaiError):
    code = "badArgument"


class BadResumptionToken(OaiError):
    code = "badResumptionToken"


class BadVerb(OaiError):
    code = "badVerb"


class CannotDisseminateFormat(OaiError):
    code = "cannotDisseminateFormat"


class IdDoesNotExist(OaiError):
    code = "idDoesNotExist"


class NoRecordsMatch(OaiError):
    code = "noRecordsMatch"


class NoSetHierarchy(OaiError):
    code = "noSetHierarchy"

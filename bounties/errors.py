"""The one application error type that services raise; views and the API turn it into a message and a status."""


class ApplicationError(Exception):
    """A rule was broken; `message` is shown to the user as it is."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ApplicationError):
    status_code = 404
    code = "not_found"


class PermissionDenied(ApplicationError):
    status_code = 403
    code = "permission_denied"


class ChallengeNotOpen(ApplicationError):
    status_code = 409
    code = "challenge_not_open"


class InvalidUpload(ApplicationError):
    status_code = 400
    code = "invalid_upload"


class FileTooLarge(ApplicationError):
    status_code = 413
    code = "file_too_large"


class SubmissionLimitReached(ApplicationError):
    status_code = 429
    code = "submission_limit_reached"


class InvalidTransition(ApplicationError):
    status_code = 409
    code = "invalid_transition"


class EmailNotVerified(ApplicationError):
    status_code = 403
    code = "email_not_verified"


class FinalSelectionFull(ApplicationError):
    status_code = 409
    code = "final_selection_full"

"""Errors a user can cause. The CLI prints their message as one line and exits with their code;
the endpoint answers their HTTP status with the message as one line."""


class AxialKGError(Exception):
    """A problem with the user's input or environment, not a bug."""

    exit_code = 1

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class CurationError(AxialKGError):
    """Curation files are malformed; carries one line per defect."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class UsageError(AxialKGError):
    """Bad parameter, unknown name or ambiguous value (exit status 2)."""

    exit_code = 2


class ReasonerUnavailable(AxialKGError):
    """Java or HermiT cannot run: validation is incomplete, so this is an error (exit 3)."""

    exit_code = 3


class QueryError(AxialKGError):
    """An answer of the endpoint that is an HTTP error: its status and a one-line message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


__all__ = ["AxialKGError", "CurationError", "QueryError", "ReasonerUnavailable", "UsageError"]

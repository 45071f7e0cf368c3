"""Errors a user can cause. The CLI prints their message as one line and exits with their code."""


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

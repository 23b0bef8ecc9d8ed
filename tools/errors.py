"""The one exception type for problems a user can fix."""


class ToolError(Exception):
    """A problem with the user's input or environment, reported as one clear message.

    The CLI prints the message and exits non-zero; tracebacks are kept for real bugs.
    """

    exit_code = 1

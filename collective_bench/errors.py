"""User-facing errors.

Anything the user can fix (an unknown task, a bad parameter, an unreadable log directory) is raised
as :class:`UserError`; the CLI prints its one-line message and exits with code 2, no traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input: the message says what is wrong and how to fix it."""

    exit_code = 2

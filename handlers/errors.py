"""The expected failures a listener turns into a short ephemeral reply.

Anything else propagates to the app's single error handler, which logs it.
"""


class FactbotError(Exception):
    """An expected failure with a message fit to show the user as is."""


class ReloadInProgress(FactbotError):
    """Another reload is already building a new store generation."""

    def __init__(self) -> None:
        super().__init__("A reload is already running; the current store keeps serving until it finishes.")


class ReloadFailed(FactbotError):
    """The new store generation could not be built or failed validation; the old one keeps serving."""


class PostFailed(Exception):
    """Slack did not take a message we posted through response_url (it answered an HTTP error)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"response_url answered {status}")


class StaleButton(FactbotError):
    """A button refers to something this bot can no longer find (old message, store reloaded since)."""


class StateUnavailable(Exception):
    """The state database could not be reached, or every connection to it stayed busy."""

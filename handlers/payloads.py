"""The one schema for what comes back from Slack: the button values we wrote and the request fields
the bot (and Bolt) read. Slack signs a request, not its contents' shape: a value we did not write,
or a field of the wrong type, is refused here instead of failing somewhere after the ack.

    share = ShareValue.parse(action["value"])        # StaleButton unless it is one of ours
    vote = VoteValue.parse(action["value"])
    problem = envelope_problem(body)                   # None, or why the request is malformed

Button values are compact JSON (Block Kit allows 2,000 characters per value).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, ValidationError, model_validator

from store import MAX_QUESTION_CHARS

from .errors import StaleButton

MAX_QUERY = MAX_QUESTION_CHARS  # the store cuts a longer question before searching
MAX_HEADLINE = 300  # the headline a Share carries; ours are well under this
MAX_EVENT_ID = 255  # Slack's event ids are ~11 characters; anything longer is not Slack's
MAX_FIELD = 4000  # any other id-like string field: Slack's are short, text fields can be long

STALE = "That button no longer works; please ask again."

Kind = Literal["fact", "spend", "bench"]
Position = Annotated[int, Field(strict=True, ge=0, le=10_000)]
FactId = Annotated[str, Field(strict=True, pattern=r"^[0-9A-Za-z_-]{1,64}$")]
Query = Annotated[str, Field(strict=True, max_length=MAX_QUERY)]


class _Value(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def parse(cls, value: Any):
        """The button value as this model; StaleButton if it is not one we wrote."""
        try:
            if not isinstance(value, str) or len(value) > 2000:
                raise ValueError("not a button value")
            return cls.model_validate(json.loads(value))
        except (ValueError, ValidationError, RecursionError) as e:
            raise StaleButton(STALE) from e

    def to_value(self) -> str:
        """Compact JSON for a button's `value`."""
        data = self.model_dump(exclude_none=True, exclude_defaults=True)
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


class PageValue(_Value):
    """More / any button that repeats a search: kind, question, offset, and optionally one answer."""

    k: Kind
    q: Query
    o: Position = 0
    i: Position | None = None
    f: FactId | None = None
    r: StrictBool | Literal[0, 1] = False


class ShareValue(_Value):
    """Share: the fact the user saw, its position in the answers, and the headline shown with it."""

    k: Kind
    q: Query
    i: Position
    f: FactId
    h: Annotated[str, Field(strict=True, min_length=1, max_length=MAX_HEADLINE)]


class VoteValue(_Value):
    """One side of the 👍/👎 feedback buttons: which fact, which way, and the question it answered."""

    f: FactId
    v: Literal[1, -1]
    k: Kind
    q: Query
    i: Position | None = None


class Press(BaseModel):
    """Who pressed a button, where, and which press it was (Slack's action_ts is one per press)."""

    model_config = ConfigDict(frozen=True)

    user: Id
    channel: Id
    message_ts: Id
    action_ts: Id

    @classmethod
    def of(cls, body: Any, action: Any) -> Press:
        """The press a block_actions request describes; StaleButton if a part is missing."""
        try:
            container = body.get("container") or {}
            return cls(
                user=(body.get("user") or {}).get("id"),
                channel=(body.get("channel") or {}).get("id") or container.get("channel_id"),
                message_ts=container.get("message_ts") or (body.get("message") or {}).get("ts"),
                action_ts=action.get("action_ts"),
            )
        except (AttributeError, ValidationError) as e:
            raise StaleButton(STALE) from e


# --- the request envelope --------------------------------------------------------------------

Id = Annotated[str, Field(strict=True, max_length=MAX_FIELD)]


class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Named(_Loose):
    id: Id | None = None


class _Authorization(_Loose):
    enterprise_id: Id | None = None
    team_id: Id | None = None
    user_id: Id | None = None
    is_enterprise_install: StrictBool | None = None


class _Event(_Loose):
    type: Id
    user: Id | _Named | None = None
    channel: Id | _Named | None = None
    team: Id | None = None
    user_team: Id | None = None
    text: StrictStr | None = None
    ts: Id | None = None
    thread_ts: Id | None = None
    event_ts: Id | None = None
    channel_type: Id | None = None
    subtype: Id | None = None
    bot_id: Id | None = None
    tab: Id | None = None
    item: _Loose | None = None
    message: _Loose | None = None
    previous_message: _Loose | None = None
    assistant_thread: _Loose | None = None
    function_execution_id: Id | None = None
    bot_access_token: Id | None = None
    inputs: dict | None = None


class _Action(_Loose):
    action_id: Id
    block_id: Id | None = None
    type: Id | None = None
    value: StrictStr | None = None
    action_ts: Id | None = None


class _ResponseUrl(_Loose):
    response_url: Id | None = None


class Envelope(_Loose):
    """The fields of a Slack request that Bolt's routing and our listeners read, with their types."""

    type: Id | None = None
    token: Id | None = None
    team_id: Id | None = None
    enterprise_id: Id | None = None
    api_app_id: Id | None = None
    user_id: Id | None = None
    channel_id: Id | None = None
    thread_ts: Id | None = None
    command: Id | None = None
    text: StrictStr | None = None
    callback_id: Id | None = None
    trigger_id: Id | None = None
    response_url: Id | None = None
    response_urls: list[_ResponseUrl] = []
    challenge: Id | None = None
    ssl_check: Id | None = None
    is_enterprise_install: StrictBool | Id | None = None
    is_ext_shared_channel: StrictBool | None = None
    event_id: Annotated[str, Field(strict=True, min_length=1, max_length=MAX_EVENT_ID)] | None = None
    event: _Event = None  # type: ignore[assignment]  # absent, or an object: never null
    team: Id | _Named | None = None
    enterprise: Id | _Named | None = None
    user: Id | _Named | None = None
    channel: Id | _Named | None = None
    authorizations: list[_Authorization] | None = None
    actions: Annotated[list[_Action], Field(min_length=1)] = None  # type: ignore[assignment]
    container: _Loose | None = None
    message: _Loose | None = None
    view: _Loose = None  # type: ignore[assignment]
    function_data: _Loose | None = None
    function_execution_id: Id | None = None
    bot_access_token: Id | None = None

    @model_validator(mode="before")
    @classmethod
    def _shape_bolt_relies_on(cls, data: Any) -> Any:
        # Bolt indexes these without checking: present means the right kind of value, not null,
        # and an interactive_message carries its actions.
        if isinstance(data, dict):
            for key in ("event", "actions", "view", "response_urls"):
                if key in data and data[key] is None:
                    raise ValueError(f"{key} is null")
            if data.get("type") == "interactive_message" and "callback_id" in data and "actions" not in data:
                raise ValueError("actions missing")
        return data


def envelope_problem(body: Any) -> str | None:
    """None for a request body the bot can route, else a short reason (no values from the body)."""
    if not isinstance(body, dict):
        return "the body is not an object"
    try:
        Envelope.model_validate(body)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"][:3])
        return f"field {where[:60]}: {first['type']}"
    except RecursionError:
        return "the body nests too deeply"
    return None

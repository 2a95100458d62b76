"""Settings: the only code that reads the environment (or a `.env` file).

    settings = load_settings()          # SettingsError naming every problem at once
    settings.mode                        # "socket" | "http" | "console"

Slack's own names for Slack's secrets; FACTBOT_ for the rest. Secrets are SecretStr: they print as
'**********' and never appear in logs or in error messages.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")

# Env name → field name, in the order problems are reported.
ENV_NAMES = {
    "SLACK_BOT_TOKEN": "slack_bot_token",
    "SLACK_SIGNING_SECRET": "slack_signing_secret",
    "SLACK_APP_TOKEN": "slack_app_token",
    "FACTBOT_ADMINS": "admins",
    "FACTBOT_DB": "db",
    "FACTBOT_SOURCES": "sources",
    "FACTBOT_LEXICON": "lexicon",
    "FACTBOT_STATE": "state",
    "FACTBOT_STATE_DSN": "state_dsn",
    "FACTBOT_HOST": "host",
    "FACTBOT_PORT": "port",
    "FACTBOT_SLACK_API_URL": "slack_api_url",
    "FACTBOT_MAX_BODY_BYTES": "max_body_bytes",
    "FACTBOT_RELOAD_MAX_LOSS": "reload_max_loss",
}


class SettingsError(Exception):
    """The configuration cannot start the bot; the message names every problem."""


class Settings(BaseSettings):
    """factbot's configuration (see the README's Settings table)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    admins: Annotated[frozenset[str], NoDecode] = Field(frozenset(), validation_alias="FACTBOT_ADMINS")
    db: Path = Field(Path("data/facts.db"), validation_alias="FACTBOT_DB")
    sources: Path = Field(Path("seeds"), validation_alias="FACTBOT_SOURCES")
    # Extra lexicon folders of *.toml files, comma-separated, used by builds and reloads.
    lexicon: Annotated[tuple[Path, ...], NoDecode] = Field((), validation_alias="FACTBOT_LEXICON")
    state: Path | None = Field(None, validation_alias="FACTBOT_STATE")
    # PostgreSQL for state shared by several replicas; unset or empty: SQLite at state_path.
    state_dsn: SecretStr | None = Field(None, validation_alias="FACTBOT_STATE_DSN")
    # Address the HTTP server (HTTP mode, or Socket Mode's /healthz) binds: all interfaces in a
    # container, 127.0.0.1 behind a reverse proxy on the same host.
    host: str = Field("0.0.0.0", min_length=1, validation_alias="FACTBOT_HOST")
    port: int = Field(3000, ge=0, le=65535, validation_alias="FACTBOT_PORT")
    slack_api_url: str = Field("https://slack.com/api/", validation_alias="FACTBOT_SLACK_API_URL")
    # Slack's own requests are a few KB; anything bigger is answered 413 before it is read or parsed.
    max_body_bytes: int = Field(
        1024 * 1024, ge=1024, le=64 * 1024 * 1024, validation_alias="FACTBOT_MAX_BODY_BYTES"
    )
    # A reload whose new store would lose more than this share of the facts is refused unless the
    # admin confirms with `/factadmin reload --force` (a sources folder emptied by mistake).
    reload_max_loss: float = Field(0.5, ge=0.0, le=1.0, validation_alias="FACTBOT_RELOAD_MAX_LOSS")

    @field_validator("slack_bot_token", "slack_signing_secret", "slack_app_token", "state_dsn", mode="before")
    @classmethod
    def _blank_is_unset(cls, v: Any) -> Any:
        if isinstance(v, str) and not v.strip():
            return None
        return v

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and not v.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return v

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and not v.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return v

    @field_validator("state_dsn")
    @classmethod
    def _dsn_shape(cls, v: SecretStr | None) -> SecretStr | None:
        # A DSN carries a password: the message never repeats it.
        if v is not None and not re.match(r"^(postgres(ql)?://|\w+\s*=)", v.get_secret_value().strip()):
            raise ValueError("must be a PostgreSQL URL (postgresql://user:password@host/db) or key=value DSN")
        return v

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = [part.strip() for part in v.split(",") if part.strip()]
        bad = [str(i) for i, u in enumerate(v, 1) if not isinstance(u, str) or not _USER_ID.match(u)]
        if bad:
            # By position only: a pasted token or password must not be echoed back.
            raise ValueError(
                f"entr{'y' if len(bad) == 1 else 'ies'} {', '.join(bad[:5])} of {len(v)} "
                "not a Slack user id (like U012ABCDEF)"
            )
        return frozenset(v)

    @field_validator("lexicon", mode="before")
    @classmethod
    def _split_lexicon(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = [part.strip() for part in v.split(",") if part.strip()]
        missing = [str(i) for i, p in enumerate(v, 1) if not Path(p).is_dir()]
        if missing:
            raise ValueError(
                f"entr{'y' if len(missing) == 1 else 'ies'} {', '.join(missing[:5])} of {len(v)} not a folder"
            )
        return tuple(Path(p) for p in v)

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, v: str) -> str:
        if not re.match(r"^https?://[^/\s]+", v):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return v if v.endswith("/") else v + "/"

    @property
    def mode(self) -> Literal["socket", "http", "console"]:
        """How `factbot` runs: Socket Mode with an app token, HTTP with a signing secret, else the console."""
        if self.slack_app_token is not None:
            return "socket"
        if self.slack_bot_token is not None:
            return "http"
        return "console"

    @property
    def state_path(self) -> Path:
        """The state database: FACTBOT_STATE, or state.db next to the fact store."""
        return self.state if self.state is not None else self.db.parent / "state.db"

    def problems(self) -> list[str]:
        """What is missing or inconsistent across settings (each field alone already validated)."""
        found = []
        if self.slack_app_token is not None and self.slack_bot_token is None:
            found.append("SLACK_BOT_TOKEN: required with SLACK_APP_TOKEN (Socket Mode needs both)")
        if (
            self.slack_bot_token is not None
            and self.slack_app_token is None
            and self.slack_signing_secret is None
        ):
            found.append(
                "SLACK_SIGNING_SECRET: required in HTTP mode (or set SLACK_APP_TOKEN to use Socket Mode)"
            )
        if self.slack_signing_secret is not None and self.slack_bot_token is None:
            found.append("SLACK_BOT_TOKEN: required with SLACK_SIGNING_SECRET")
        if not self.db.exists() and not self.sources.is_dir():
            found.append(
                "FACTBOT_SOURCES: not a folder, and the store FACTBOT_DB names does not exist to start from"
            )
        return found


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment and `.env`; SettingsError naming every problem if unusable.

    `overrides` (by env name, e.g. FACTBOT_PORT=0) take precedence, for tests and the console."""
    problems: list[str] = []
    try:
        settings = Settings(**overrides)
    except ValidationError as e:
        bad_fields = set()
        for err in e.errors():
            name = str(err["loc"][0]) if err["loc"] else "settings"
            # err["input"] is deliberately never shown: it may be a secret.
            problems.append(f"{name}: {_plain(err['msg'])}")
            bad_fields.add(name)
        # Re-read with the malformed ones unset so cross-setting problems are reported in the same message.
        try:
            settings = Settings(**{**overrides, **{n: _neutral(n) for n in bad_fields if n in ENV_NAMES}})
        except ValidationError:
            raise SettingsError(_format(problems)) from None
    problems += settings.problems()
    if problems:
        raise SettingsError(_format(problems))
    return settings


def load_paths(default_sources: Path, default_db: Path) -> tuple[Path, Path, list[str]]:
    """(sources, store path, extra lexicon folders) for the command line's build and ask.

    Only the path settings matter there, so a malformed Slack setting does not stop a build;
    `default_sources`/`default_db` apply where FACTBOT_SOURCES/FACTBOT_DB are unset."""
    settings = _lenient()
    sources = settings.sources if "sources" in settings.model_fields_set else Path(default_sources)
    db = settings.db if "db" in settings.model_fields_set else Path(default_db)
    return sources, db, [str(p) for p in settings.lexicon]


def state_settings(db: Path) -> Settings:
    """The settings `factbot build` publishes a store of `db` with: the state database the bot
    uses (FACTBOT_STATE_DSN, FACTBOT_STATE, else state.db beside `db`); a malformed Slack
    setting does not matter there."""
    return _lenient().model_copy(update={"db": Path(db)})


def _lenient() -> Settings:
    try:
        return Settings()
    except ValidationError as e:
        bad = {str(err["loc"][0]) for err in e.errors() if err["loc"]}
        return Settings(**{n: _neutral(n) for n in bad if n in ENV_NAMES})


def _neutral(env_name: str) -> Any:
    defaults = {
        "FACTBOT_ADMINS": "",
        "FACTBOT_LEXICON": "",
        "FACTBOT_PORT": 3000,
        "FACTBOT_SLACK_API_URL": "https://slack.com/api/",
        "FACTBOT_MAX_BODY_BYTES": 1024 * 1024,
    }
    return defaults.get(env_name)


def _plain(msg: str) -> str:
    return msg.removeprefix("Value error, ")


def _format(problems: list[str]) -> str:
    lines = "\n".join(f"  - {p}" for p in problems)
    return f"factbot cannot start; fix these settings (environment or .env):\n{lines}"

"""Pure functions: no database, Redis or network."""

from __future__ import annotations

import base64

import pytest
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from trendedge.auth.cookies import cookie_from_header, safe_next_path
from trendedge.domain.currencies import iso4217_codes, normalise_currency
from trendedge.domain.validation import field_errors
from trendedge.logging import REDACTED, redact_secrets
from trendedge.settings import DEFAULT_SESSION_SECRET, AppEnv, Settings

# --- safe_next_path ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["/", "/accounts", "/accounts/12", "/accounts?tab=notes&x=1", "/accounts#top", "/a/b/c/"],
)
def test_same_site_paths_are_kept(value: str) -> None:
    assert safe_next_path(value) == value


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "accounts",
        "//evil.example",
        "//evil.example/accounts",
        "https://evil.example",
        "http://evil.example/accounts",
        "javascript:alert(1)",
        "/\\evil.example",
        "\\\\evil.example",
        "/accounts\\..\\x",
        "/auth/login",
        "/auth/logout",
        "/signin",
        "/signin?error=x",
    ],
)
def test_other_targets_become_home(value: str | None) -> None:
    assert safe_next_path(value) == "/"


# --- cookie_from_header --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("te_session=abc123", "abc123"),
        ("theme=dark; te_session=abc123; other=1", "abc123"),
        ('te_session="quoted"', "quoted"),
        ("te_session=tok-_.~9", "tok-_.~9"),
        ("theme=dark", None),
        ("te_sessionx=abc; xte_session=def", None),
        ("", None),
        (None, None),
    ],
)
def test_cookie_from_header(header: str | None, expected: str | None) -> None:
    assert cookie_from_header(header, "te_session") == expected


def test_cookie_from_header_picks_the_named_cookie() -> None:
    header = "te_oidc=login-value; te_session=session-value"
    assert cookie_from_header(header, "te_oidc") == "login-value"
    assert cookie_from_header(header, "te_session") == "session-value"


# Browsers send non-RFC-strict cookies set by other apps on the same host; they must not
# hide our session cookie from the Reflex UI (state/auth.py).
@pytest.mark.parametrize(
    "header",
    [
        "te_session=abc123; bad cookie=1",
        'prefs={"a":1,"b":2}; te_session=abc123',
        "a=1;;te_session=abc123",
    ],
)
def test_cookie_from_header_survives_foreign_cookies(header: str) -> None:
    assert cookie_from_header(header, "te_session") == "abc123"


# --- redact_secrets ------------------------------------------------------------------------

SECRET_KEYS = [
    "token",
    "access_token",
    "id_token",
    "refresh_token",
    "client_secret",
    "SESSION_SECRET",
    "password",
    "db_password",
    "key_passphrase",
    "cookie",
    "Set-Cookie",
    "authorization",
    "Authorization",
    "api_key",
    "api-key",
    "apikey",
    "X-API-Key",
    "code_verifier",
]
PLAIN_KEYS = ["event", "user_id", "path", "method", "status", "duration_ms", "request_id"]


def test_redact_secrets_blanks_secret_fields_and_keeps_others() -> None:
    event = {key: f"value-of-{key}" for key in SECRET_KEYS + PLAIN_KEYS}

    result = redact_secrets(None, "info", dict(event))

    for key in SECRET_KEYS:
        assert result[key] == REDACTED, key
    for key in PLAIN_KEYS:
        assert result[key] == event[key], key
    assert set(result) == set(event)


def test_redact_secrets_redacts_non_string_values_too() -> None:
    result = redact_secrets(None, "info", {"token": {"nested": "x"}, "password": 1234})
    assert result == {"token": REDACTED, "password": REDACTED}


# --- normalise_currency --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [("USD", "USD"), ("eur", "EUR"), (" gbp ", "GBP"), ("Jpy", "JPY"), ("chf\n", "CHF")],
)
def test_currency_is_upper_cased(code: str, expected: str) -> None:
    assert normalise_currency(code) == expected


@pytest.mark.parametrize("code", ["", "   ", "XYZ", "US", "USDD", "EURO", "U$D", "123"])
def test_unknown_currency_is_refused_with_a_field_message(code: str) -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        normalise_currency(code)


def test_currency_list_is_the_active_iso_4217_codes() -> None:
    codes = iso4217_codes()
    assert {"USD", "EUR", "GBP", "CHF", "JPY", "CAD", "AUD"} <= codes
    assert all(len(c) == 3 and c.isupper() and c.isalpha() for c in codes)
    assert 150 <= len(codes) <= 200


# --- field_errors --------------------------------------------------------------------------


class Inner(BaseModel):
    size: int = Field(ge=1)


class Form(BaseModel):
    name: str = Field(min_length=1)
    code: str = ""
    inner: Inner | None = None
    tags: list[int] = []

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if value == "bad":
            raise ValueError("code is not allowed")
        return value

    @model_validator(mode="after")
    def _whole(self) -> Form:
        if self.name == "forbidden":
            raise ValueError("this combination is not allowed")
        return self


def errors_of(**data: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        Form.model_validate(data)
    return field_errors(caught.value)


def test_field_errors_names_each_failing_field() -> None:
    errors = errors_of(name="", code="bad")

    assert set(errors) == {"name", "code"}
    assert "at least 1" in errors["name"]
    # pydantic's "Value error, " prefix is dropped: the message is ready to show.
    assert errors["code"] == "code is not allowed"


def test_field_errors_uses_dotted_paths_for_nested_fields() -> None:
    errors = errors_of(name="x", inner={"size": 0}, tags=[1, "two"])

    assert set(errors) == {"inner.size", "tags.1"}
    assert "greater than or equal to 1" in errors["inner.size"]


def test_field_errors_keeps_the_first_message_per_field() -> None:
    with pytest.raises(ValidationError) as caught:
        Form.model_validate({"name": "x", "inner": {"size": "not a number"}})
    raw = caught.value.errors()
    errors = field_errors(caught.value)
    assert errors == {"inner.size": raw[0]["msg"]}


def test_field_errors_reports_whole_model_errors_as_body() -> None:
    assert errors_of(name="forbidden") == {"body": "this combination is not allowed"}


# --- Settings.startup_errors ---------------------------------------------------------------

COMPLETE_PRODUCTION = {
    "app_env": "production",
    "oidc_issuer": "https://id.example.com",
    "oidc_client_id": "trendedge",
    "oidc_client_secret": "client-secret-value",
    "database_url": "postgresql://te:pw@db.example.com/trendedge",
    "redis_url": "redis://cache.example.com:6379/0",
    "public_url": "https://trade.example.com/",
    "session_secret": "s" * 48,
    "encryption_key": base64.b64encode(bytes(range(32))).decode(),
}
REQUIRED_KEYS = {
    "oidc_issuer": "OIDC_ISSUER",
    "oidc_client_id": "OIDC_CLIENT_ID",
    "oidc_client_secret": "OIDC_CLIENT_SECRET",
    "database_url": "DATABASE_URL",
    "redis_url": "REDIS_URL",
    "public_url": "TRENDEDGE_PUBLIC_URL",
    "encryption_key": "ENCRYPTION_KEY",
}


def settings(**values: object) -> Settings:
    """Settings from keyword arguments only (no `.env` file)."""
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_keyword_arguments_by_field_name_are_used() -> None:
    configured = settings(**COMPLETE_PRODUCTION)
    assert configured.app_env is AppEnv.production
    assert configured.public_url == "https://trade.example.com"  # trailing slash stripped
    assert configured.base_url == "https://trade.example.com"
    assert configured.oidc_redirect_uri == "https://trade.example.com/auth/callback"


@pytest.mark.parametrize("env", ["production", "staging"])
def test_complete_production_config_has_no_errors(env: str) -> None:
    assert settings(**{**COMPLETE_PRODUCTION, "app_env": env}).startup_errors() == []


@pytest.mark.parametrize(("field", "key"), REQUIRED_KEYS.items())
def test_each_missing_production_key_is_named(field: str, key: str) -> None:
    errors = settings(**{**COMPLETE_PRODUCTION, field: ""}).startup_errors()

    assert len(errors) == 1
    assert errors[0].startswith(key + " ")
    assert "APP_ENV=production" in errors[0]


@pytest.mark.parametrize("secret", [DEFAULT_SESSION_SECRET, "short", "x" * 31])
def test_weak_session_secret_is_refused_in_production(secret: str) -> None:
    errors = settings(**{**COMPLETE_PRODUCTION, "session_secret": secret}).startup_errors()

    assert len(errors) == 1
    assert errors[0].startswith("SESSION_SECRET ")


def test_empty_production_config_names_every_key() -> None:
    empty = {field: "" for field in REQUIRED_KEYS}
    errors = settings(
        app_env="production", session_secret=DEFAULT_SESSION_SECRET, **empty
    ).startup_errors()

    named = {error.split(" ", 1)[0] for error in errors}
    assert named == {*REQUIRED_KEYS.values(), "SESSION_SECRET"}


def test_development_needs_nothing() -> None:
    empty = {field: "" for field in REQUIRED_KEYS}
    dev = settings(app_env="development", session_secret=DEFAULT_SESSION_SECRET, **empty)

    assert dev.is_development
    assert dev.startup_errors() == []

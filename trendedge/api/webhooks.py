"""`POST /api/v1/webhooks/tradingview/{token}`: validate, record, enqueue, answer fast.

TradingView cancels after 3 s and resends on 5xx, so bad input gets a 4xx and
the work happens on the `high` queue. Every signal that reaches a valid token
is recorded (accepted, duplicate or rejected with its reason) in the same
single transaction the request uses. When Redis is unreachable the signal is
processed here, synchronously, and still answered.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from trendedge.api.errors import error_response, field_details
from trendedge.crypto import decrypt
from trendedge.db import session_scope
from trendedge.domain.contracts import UnknownSymbolError, resolve_symbol
from trendedge.domain.network import client_ip, ip_allowed, parse_networks
from trendedge.domain.signals import SignalError, TradingViewAlert, dedup_key, plan_order
from trendedge.domain.signatures import signature_valid
from trendedge.domain.validation import field_errors
from trendedge.domain.webhook_payload import MAX_BODY_BYTES, PayloadError, decode_payload
from trendedge.logging import get_logger
from trendedge.models import WebhookToken
from trendedge.services import rate_limit, signal_intake
from trendedge.services.signal_processing import process_signal
from trendedge.services.webhook_tokens import find_active_token
from trendedge.settings import Settings, get_settings

log = get_logger("trendedge.webhooks")


@dataclass
class Refusal(Exception):
    """Why a signal is refused; becomes a recorded rejection and a 4xx answer."""

    status: int
    code: str
    message: str
    payload: dict[str, Any]
    details: list[dict[str, str]] = field(default_factory=list)
    headers: dict[str, str] | None = None


async def _read_body(request: Request) -> bytes:
    """The body, refusing early once it passes the size limit."""
    declared = request.headers.get("content-length", "")
    too_large = PayloadError(f"body is larger than {MAX_BODY_BYTES // 1024} KB", status=413)
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _raw(body: bytes) -> dict[str, Any]:
    return signal_intake.stored_payload(None, body.decode("utf-8", "replace"))


def _check_sender(token: WebhookToken, request: Request, body: bytes, source_ip: str) -> None:
    """The allow-list and the HMAC signature, when the webhook has them."""
    if token.allowed_ips and not ip_allowed(source_ip, parse_networks(token.allowed_ips)):
        message = f"source address {source_ip} is not in this webhook's allow-list"
        raise Refusal(403, "FORBIDDEN", message, _raw(body))
    if token.hmac_secret_encrypted:
        secret = decrypt(token.hmac_secret_encrypted)
        if not signature_valid(secret, body, request.headers.get("x-signature")):
            message = "X-Signature is missing or is not the HMAC-SHA256 of the body"
            raise Refusal(403, "FORBIDDEN", message, _raw(body))


async def _check_rate(token: WebhookToken, body: bytes, settings: Settings) -> None:
    limit = settings.webhook_rate_limit_per_minute
    decision = await rate_limit.hit(
        redis_url=settings.redis_url, namespace="webhook", key=str(token.id), per_minute=limit
    )
    if not decision.allowed:
        raise Refusal(
            429,
            "RATE_LIMITED",
            f"more than {limit} signals a minute on this webhook",
            _raw(body),
            headers={"Retry-After": str(decision.retry_after_s)},
        )


def _parse_alert(body: bytes) -> tuple[dict[str, Any], TradingViewAlert]:
    """Body → (payload, alert), or a Refusal naming the field."""
    try:
        payload = decode_payload(body)
    except PayloadError as exc:
        raise Refusal(
            exc.status,
            "VALIDATION_ERROR",
            exc.message,
            _raw(body),
            [{"field": exc.field, "message": exc.message}],
        ) from exc
    stored = signal_intake.stored_payload(payload)
    try:
        alert = TradingViewAlert.model_validate(payload)
    except ValidationError as exc:
        errors = field_errors(exc)
        message = "; ".join(f"{name}: {msg}" for name, msg in errors.items())
        raise Refusal(400, "VALIDATION_ERROR", message, stored, field_details(errors)) from exc
    try:
        resolve_symbol(alert.ticker)
    except UnknownSymbolError as exc:
        raise Refusal(
            422,
            "UNPROCESSABLE_ENTITY",
            str(exc),
            stored,
            [{"field": "ticker", "message": str(exc)}],
        ) from exc
    try:
        plan_order(alert, Decimal(0))  # field combinations that no position can satisfy
    except SignalError as exc:
        raise Refusal(
            400,
            "VALIDATION_ERROR",
            f"{exc.field}: {exc.message}",
            stored,
            [{"field": exc.field, "message": exc.message}],
        ) from exc
    return payload, alert


async def _enqueue_or_process(signal_id: int) -> Response:
    """Queue the accepted signal; without Redis, process it now."""
    from jobs.signals import enqueue_processing  # jobs import services; keep the edge lazy

    try:
        job = await asyncio.to_thread(enqueue_processing, signal_id)
    except Exception as exc:  # Redis down: do the work now, lose nothing
        log.warning(
            "enqueue_failed_processing_inline", signal_id=signal_id, error=type(exc).__name__
        )
        result = await process_signal(signal_id=signal_id, engine=None, redis_client=None)
        status = result.status.value if result is not None else "accepted"
        return JSONResponse({"status": status, "signal_id": signal_id, "queued": False})
    return JSONResponse(
        {"status": "accepted", "signal_id": signal_id, "job_id": job.id}, status_code=202
    )


async def tradingview_webhook(request: Request) -> Response:
    settings = get_settings()
    to_enqueue: int | None = None
    async with session_scope() as session:
        token = await find_active_token(session=session, raw=request.path_params["token"])
        if token is None:
            return error_response(request, 404, "NOT_FOUND", "Unknown or revoked webhook token")
        assert token.id is not None
        request.scope.setdefault("state", {})["user_id"] = token.user_id
        peer = request.client.host if request.client else ""
        trusted = parse_networks(settings.trusted_proxies, field="TRUSTED_PROXIES")
        source_ip = client_ip(peer, request.headers.get("x-forwarded-for"), trusted)
        try:
            try:
                body = await _read_body(request)
            except PayloadError as exc:
                raise Refusal(
                    exc.status,
                    "PAYLOAD_TOO_LARGE",
                    exc.message,
                    {"_raw": "(not stored: over the size limit)"},
                    [{"field": "body", "message": exc.message}],
                ) from exc
            _check_sender(token, request, body, source_ip)
            await _check_rate(token, body, settings)
            payload, alert = _parse_alert(body)
        except Refusal as refusal:
            signal = await signal_intake.record_rejection(
                session=session,
                token=token,
                payload=refusal.payload,
                source_ip=source_ip,
                reason=refusal.message,
                ticker=str(refusal.payload.get("ticker", ""))[:64],
                action=str(refusal.payload.get("action", ""))[:20],
            )
            log.info("signal_rejected", signal_id=signal.id, code=refusal.code)
            details = [*refusal.details, {"field": "signal_id", "message": str(signal.id)}]
            return error_response(
                request,
                refusal.status,
                refusal.code,
                refusal.message,
                details,
                headers=refusal.headers,
            )
        received = await signal_intake.receive(
            session=session,
            token=token,
            payload=signal_intake.stored_payload(payload),
            source_ip=source_ip,
            dedup_key=dedup_key(alert, payload),
            ticker=alert.ticker,
            action=alert.action.value,
            window=timedelta(seconds=settings.webhook_dedup_window_seconds),
        )
        await signal_intake.touch_token(session=session, token_id=token.id)
        if received.is_duplicate:
            return JSONResponse(
                {
                    "status": "duplicate",
                    "signal_id": received.signal.id,
                    "duplicate_of": received.duplicate_of,
                }
            )
        to_enqueue = received.signal.id
    assert to_enqueue is not None
    return await _enqueue_or_process(to_enqueue)  # only after the signal is committed


routes = [Route("/api/v1/webhooks/tradingview/{token}", tradingview_webhook, methods=["POST"])]

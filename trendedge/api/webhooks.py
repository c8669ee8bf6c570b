"""`POST /api/v1/webhooks/tradingview/{token}`: validate, record, enqueue, answer fast.

TradingView cancels after 3 s and resends on 5xx, so bad input gets a 4xx and
the work happens on the `high` queue. Every signal that reaches a valid token
is recorded (accepted, duplicate or rejected with its reason). When Redis is
unreachable the signal is processed here, synchronously, and still answered.
"""

from __future__ import annotations

import asyncio
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
from trendedge.settings import get_settings

log = get_logger("trendedge.webhooks")


async def _read_body(request: Request) -> bytes:
    """The body, refusing early once it passes the size limit."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise PayloadError(f"body is larger than {MAX_BODY_BYTES // 1024} KB", status=413)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise PayloadError(f"body is larger than {MAX_BODY_BYTES // 1024} KB", status=413)
        chunks.append(chunk)
    return b"".join(chunks)


async def _reject(
    request: Request,
    token: WebhookToken,
    *,
    status: int,
    code: str,
    message: str,
    details: list[dict[str, str]],
    payload: dict[str, Any],
    source_ip: str,
    headers: dict[str, str] | None = None,
) -> Response:
    async with session_scope() as session:
        signal = await signal_intake.record_rejection(
            session=session,
            token=token,
            payload=payload,
            source_ip=source_ip,
            reason=message,
            ticker=str(payload.get("ticker", ""))[:64],
            action=str(payload.get("action", ""))[:20],
        )
    log.info("signal_rejected", signal_id=signal.id, code=code, user_id=token.user_id)
    body_details = [*details, {"field": "signal_id", "message": str(signal.id)}]
    return error_response(request, status, code, message, body_details, headers=headers)


def _authorised(token: WebhookToken, request: Request, body: bytes, source_ip: str) -> str | None:
    """Why the sender is refused (allow-list, HMAC), or None."""
    if token.allowed_ips and not ip_allowed(source_ip, parse_networks(token.allowed_ips)):
        return f"source address {source_ip} is not in this webhook's allow-list"
    if token.hmac_secret_encrypted:
        secret = decrypt(token.hmac_secret_encrypted)
        if not signature_valid(secret, body, request.headers.get("x-signature")):
            return "X-Signature is missing or is not the HMAC-SHA256 of the body"
    return None


async def _accept(
    request: Request,
    token: WebhookToken,
    alert: TradingViewAlert,
    payload: dict[str, Any],
    source_ip: str,
) -> Response:
    settings = get_settings()
    async with session_scope() as session:
        received = await signal_intake.receive(
            session=session,
            token=token,
            payload=signal_intake.stored_payload(payload),
            source_ip=source_ip,
            dedup_key=dedup_key(alert, payload),
            ticker=alert.ticker,
            action=alert.action or "",
            window=timedelta(seconds=settings.webhook_dedup_window_seconds),
        )
        assert token.id is not None
        await signal_intake.touch_token(session=session, token_id=token.id)
    signal_id = received.signal.id
    assert signal_id is not None
    if received.is_duplicate:
        return JSONResponse(
            {"status": "duplicate", "signal_id": signal_id, "duplicate_of": received.duplicate_of},
            status_code=200,
        )
    from jobs.signals import enqueue_processing  # jobs import services; keep the edge lazy

    try:
        job = await asyncio.to_thread(enqueue_processing, signal_id)
    except Exception as exc:  # Redis down: do the work now, lose nothing
        log.warning(
            "enqueue_failed_processing_inline", signal_id=signal_id, error=type(exc).__name__
        )
        result = await process_signal(signal_id=signal_id, engine=None, redis_client=None)
        status = result.status.value if result is not None else "accepted"
        return JSONResponse(
            {"status": status, "signal_id": signal_id, "queued": False}, status_code=200
        )
    return JSONResponse(
        {"status": "accepted", "signal_id": signal_id, "job_id": job.id}, status_code=202
    )


async def tradingview_webhook(request: Request) -> Response:
    settings = get_settings()
    raw_token = request.path_params["token"]
    async with session_scope() as session:
        token = await find_active_token(session=session, raw=raw_token)
    if token is None:
        return error_response(request, 404, "NOT_FOUND", "Unknown or revoked webhook token")
    request.scope.setdefault("state", {})["user_id"] = token.user_id
    peer = request.client.host if request.client else ""
    source_ip = client_ip(
        peer,
        request.headers.get("x-forwarded-for"),
        parse_networks(settings.trusted_proxies, field="TRUSTED_PROXIES"),
    )
    try:
        body = await _read_body(request)
    except PayloadError as exc:
        return await _reject(
            request,
            token,
            status=exc.status,
            code="PAYLOAD_TOO_LARGE",
            message=exc.message,
            details=[{"field": "body", "message": exc.message}],
            payload={"_raw": "(not stored: over the size limit)"},
            source_ip=source_ip,
        )
    refusal = _authorised(token, request, body, source_ip)
    if refusal is not None:
        return await _reject(
            request,
            token,
            status=403,
            code="FORBIDDEN",
            message=refusal,
            details=[],
            payload=signal_intake.stored_payload(None, body.decode("utf-8", "replace")),
            source_ip=source_ip,
        )
    decision = await rate_limit.hit(
        redis_url=settings.redis_url,
        namespace="webhook",
        key=str(token.id),
        per_minute=settings.webhook_rate_limit_per_minute,
    )
    if not decision.allowed:
        message = (
            f"more than {settings.webhook_rate_limit_per_minute} signals a minute on this webhook"
        )
        return await _reject(
            request,
            token,
            status=429,
            code="RATE_LIMITED",
            message=message,
            details=[],
            payload=signal_intake.stored_payload(None, body.decode("utf-8", "replace")),
            source_ip=source_ip,
            headers={"Retry-After": str(decision.retry_after_s)},
        )
    try:
        payload = decode_payload(body)
    except PayloadError as exc:
        return await _reject(
            request,
            token,
            status=exc.status,
            code="VALIDATION_ERROR",
            message=exc.message,
            details=[{"field": exc.field, "message": exc.message}],
            payload=signal_intake.stored_payload(None, body.decode("utf-8", "replace")),
            source_ip=source_ip,
        )
    stored = signal_intake.stored_payload(payload)
    try:
        alert = TradingViewAlert.model_validate(payload)
    except ValidationError as exc:
        errors = field_errors(exc)
        message = "; ".join(f"{field}: {msg}" for field, msg in errors.items())
        return await _reject(
            request,
            token,
            status=400,
            code="VALIDATION_ERROR",
            message=message,
            details=field_details(errors),
            payload=stored,
            source_ip=source_ip,
        )
    try:
        resolve_symbol(alert.ticker)
    except UnknownSymbolError as exc:
        return await _reject(
            request,
            token,
            status=422,
            code="UNPROCESSABLE_ENTITY",
            message=str(exc),
            details=[{"field": "ticker", "message": str(exc)}],
            payload=stored,
            source_ip=source_ip,
        )
    try:
        plan_order(alert, Decimal(0))  # field combinations that no position can satisfy
    except SignalError as exc:
        return await _reject(
            request,
            token,
            status=400,
            code="VALIDATION_ERROR",
            message=f"{exc.field}: {exc.message}",
            details=[{"field": exc.field, "message": exc.message}],
            payload=stored,
            source_ip=source_ip,
        )
    return await _accept(request, token, alert, payload, source_ip)


routes = [Route("/api/v1/webhooks/tradingview/{token}", tradingview_webhook, methods=["POST"])]

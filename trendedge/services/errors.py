"""Errors raised by services; the UI and the HTTP layer translate them."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class: `code` is machine-readable, the message is for people."""

    code = "SERVICE_ERROR"
    status = 400

    def __init__(self, message: str, *, details: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class NotFoundError(ServiceError):
    """The row does not exist *for this user* (another tenant's row looks the same)."""

    code = "NOT_FOUND"
    status = 404


class ConflictError(ServiceError):
    code = "CONFLICT"
    status = 409


class InvalidInputError(ServiceError):
    """Input failed validation; `details` maps field name to message."""

    code = "VALIDATION_ERROR"
    status = 400

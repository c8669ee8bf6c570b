"""Form fields that show their validation error right below the input."""

from __future__ import annotations

import reflex as rx


def field_error(message: rx.Var[str], *, name: str) -> rx.Component:
    return rx.cond(
        message != "",
        rx.text(message, color_scheme="red", size="1", id=f"error-{name}"),
    )


def text_field(
    label: str,
    *,
    name: str,
    value: rx.Var[str],
    error: rx.Var[str],
    placeholder: str = "",
    input_type: str = "text",
    required: bool = False,
    **props,
) -> rx.Component:
    return rx.vstack(
        rx.text(label, as_="label", size="2", weight="medium", html_for=f"field-{name}"),
        rx.input(
            name=name,
            id=f"field-{name}",
            default_value=value,
            placeholder=placeholder,
            type=input_type,
            required=required,
            width="100%",
            **props,
        ),
        field_error(error, name=name),
        spacing="1",
        width="100%",
    )


def text_area_field(
    label: str, *, name: str, value: rx.Var[str], error: rx.Var[str], placeholder: str = ""
) -> rx.Component:
    return rx.vstack(
        rx.text(label, as_="label", size="2", weight="medium", html_for=f"field-{name}"),
        rx.text_area(
            name=name,
            id=f"field-{name}",
            default_value=value,
            placeholder=placeholder,
            width="100%",
        ),
        field_error(error, name=name),
        spacing="1",
        width="100%",
    )


def form_banner(message: rx.Var[str]) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle-alert", color_scheme="red", size="1", id="form-error"),
    )

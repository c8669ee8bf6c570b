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


def csv_dropzone(
    upload_id: str, prompt: str, *, hint: str = "", size: str = "1", padding: str = "12px"
) -> rx.Component:
    """A one-file CSV drop zone (`upload_id`): the chosen file's name, else `prompt`."""
    return rx.upload(
        rx.vstack(
            rx.icon("file-up", size=20, color=rx.color("gray", 10)),
            rx.cond(
                rx.selected_files(upload_id).length() > 0,
                rx.text(rx.selected_files(upload_id)[0], size=size, weight="medium"),
                rx.text(prompt, size=size),
            ),
            *([rx.text(hint, size="1", color_scheme="gray")] if hint else []),
            align="center",
            spacing="1",
        ),
        id=upload_id,
        accept={"text/csv": [".csv", ".txt"]},
        max_files=1,
        multiple=False,
        border=f"1px dashed {rx.color('gray', 7)}",
        border_radius="8px",
        padding=padding,
        width="100%",
        cursor="pointer",
    )

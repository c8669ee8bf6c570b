"""The journal entry editor: trade summary, notes with preview, labels, rating, screenshots."""

from __future__ import annotations

from typing import Any

import reflex as rx

from components.dialogs import confirm_action
from components.forms import field_error, form_banner
from components.journal import safe_markdown

UPLOAD_ID = "journal-upload"


def _fact(label: str, value: rx.Var[str], **props: Any) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color=rx.color("gray", 11)),
        rx.text(value, size="2", weight="medium", **props),
        spacing="0",
    )


def _optional_fact(label: str, value: rx.Var[str]) -> rx.Component:
    return rx.cond(value.to(str) != "", _fact(label, value))


def trade_summary(trade: rx.Var[dict[str, str]]) -> rx.Component:
    pnl_color = rx.cond(
        trade["pnl_sign"] == "1",
        rx.color("grass", 11),
        rx.cond(trade["pnl_sign"] == "-1", rx.color("tomato", 11), rx.color("gray", 11)),
    )
    return rx.card(
        rx.flex(
            _fact("Symbol", trade["symbol"], id="trade-symbol"),
            _fact("Direction", trade["direction"], id="trade-direction"),
            _fact("Quantity", trade["quantity"]),
            _fact("Entry", trade["entry"]),
            _fact("Exit", trade["exit"]),
            _fact("Net P&L", trade["pnl"], color=pnl_color, id="trade-pnl"),
            _optional_fact("R", trade["r"]),
            _fact("Account", trade["account"]),
            _optional_fact("Setup", trade["setup"]),
            wrap="wrap",
            spacing="5",
        ),
        width="100%",
        id="trade-summary",
    )


def rating_picker(value: rx.Var[str], *, on_pick: Any, error: rx.Var[str]) -> rx.Component:
    def star(n: int) -> rx.Component:
        lit = rx.Var.create([str(k) for k in range(n, 6)]).contains(value)
        return rx.icon_button(
            rx.icon("star", size=18, fill=rx.cond(lit, "currentColor", "none")),
            type="button",
            variant="ghost",
            color_scheme="amber",
            on_click=on_pick(str(n)),
            aria_label=f"Rate {n} of 5",
            id=f"rating-{n}",
        )

    return rx.vstack(
        rx.text("Rating", size="2", weight="medium"),
        rx.hstack(
            *(star(n) for n in range(1, 6)),
            rx.text(
                rx.cond(value == "", "not rated", f"{value} / 5"),
                size="1",
                color=rx.color("gray", 11),
                id="rating-value",
            ),
            align="center",
            spacing="2",
        ),
        field_error(error, name="rating"),
        spacing="1",
    )


def _labels_field(
    label: str, name: str, value: rx.Var[str], error: rx.Var[str], hint: str, on_change: Any
) -> rx.Component:
    return rx.vstack(
        rx.text(label, as_="label", size="2", weight="medium", html_for=f"field-{name}"),
        rx.input(
            name=name,
            id=f"field-{name}",
            value=value,
            on_change=on_change,
            placeholder=hint,
            width="100%",
        ),
        field_error(error, name=name),
        spacing="1",
        width="100%",
    )


def notes_editor(notes: rx.Var[str], *, on_change: Any, error: rx.Var[str]) -> rx.Component:
    return rx.grid(
        rx.vstack(
            rx.text(
                "Notes (markdown)", as_="label", size="2", weight="medium", html_for="field-notes"
            ),
            rx.text_area(
                name="notes",
                id="field-notes",
                value=notes,
                on_change=on_change,
                placeholder="What was the plan? What happened? What will you do next time?",
                min_height="260px",
                width="100%",
            ),
            field_error(error, name="notes"),
            spacing="1",
            width="100%",
        ),
        rx.vstack(
            rx.text("Preview", size="2", weight="medium"),
            safe_markdown(
                notes,
                id="notes-preview",
                width="100%",
                min_height="260px",
                padding="0 12px",
                border=f"1px solid {rx.color('gray', 5)}",
                border_radius="8px",
                overflow_x="auto",
            ),
            spacing="1",
            width="100%",
        ),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="4",
        width="100%",
    )


def entry_form(
    *,
    notes: rx.Var[str],
    tags: rx.Var[str],
    mistakes: rx.Var[str],
    rating: rx.Var[str],
    errors: rx.Var[dict[str, str]],
    form_error: rx.Var[str],
    on_notes: Any,
    on_tags: Any,
    on_mistakes: Any,
    on_rating: Any,
    on_submit: Any,
    on_delete: Any,
) -> rx.Component:
    return rx.form(
        rx.vstack(
            form_banner(form_error),
            notes_editor(notes, on_change=on_notes, error=errors["notes"]),
            rx.grid(
                _labels_field(
                    "Tags", "tags", tags, errors["tags"], "breakout, a+ setup, news", on_tags
                ),
                _labels_field(
                    "Mistakes",
                    "mistakes",
                    mistakes,
                    errors["mistakes"],
                    "chased, moved stop",
                    on_mistakes,
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
            rx.text(
                "Separate labels with commas; they are stored lower-case, at most 20 of 40 "
                "characters each.",
                size="1",
                color=rx.color("gray", 10),
            ),
            rating_picker(rating, on_pick=on_rating, error=errors["rating"]),
            rx.hstack(
                confirm_action(
                    rx.button(
                        "Delete",
                        type="button",
                        color_scheme="red",
                        variant="soft",
                        id="delete-entry",
                    ),
                    title="Delete this journal entry?",
                    description="Its notes, labels, rating and screenshots are deleted.",
                    confirm="Delete",
                    on_confirm=on_delete,
                ),
                rx.button("Save", type="submit", id="save-entry"),
                justify="end",
                width="100%",
                spacing="3",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
        id="journal-entry-form",
        width="100%",
    )


def screenshots_panel(
    shots: rx.Var[list], *, errors: rx.Var[list[str]], on_drop: Any, on_delete: Any
) -> rx.Component:
    def thumb(shot: rx.Var) -> rx.Component:
        return rx.card(
            rx.vstack(
                rx.link(
                    rx.image(
                        src=shot.url,
                        alt=shot.name,
                        max_height="160px",
                        max_width="240px",
                        class_name="screenshot-thumb",
                    ),
                    href=shot.url,
                    is_external=True,
                ),
                rx.hstack(
                    rx.text(shot.name, size="1", trim="both", max_width="170px", truncate=True),
                    rx.icon_button(
                        rx.icon("trash-2", size=14),
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        type="button",
                        on_click=on_delete(shot.id),
                        aria_label="Delete screenshot " + shot.name,
                        class_name="delete-screenshot",
                    ),
                    align="center",
                    justify="between",
                    width="100%",
                ),
                rx.text(shot.size, size="1", color=rx.color("gray", 10)),
                spacing="1",
            ),
        )

    return rx.vstack(
        rx.heading("Screenshots", size="3"),
        rx.upload(
            rx.vstack(
                rx.icon("image-plus", size=22),
                rx.text("Drop images here or click to choose", size="2"),
                rx.text(
                    "PNG, JPEG or WEBP, at most 10 MB each", size="1", color=rx.color("gray", 10)
                ),
                align="center",
                spacing="1",
            ),
            id=UPLOAD_ID,
            multiple=True,
            on_drop=on_drop(rx.upload_files(upload_id=UPLOAD_ID)),
            border=f"1px dashed {rx.color('gray', 7)}",
            border_radius="8px",
            padding="16px",
            width="100%",
            cursor="pointer",
        ),
        rx.cond(
            errors.length() > 0,
            rx.callout(
                rx.foreach(errors, lambda message: rx.text(message, as_="div")),
                icon="triangle-alert",
                color_scheme="red",
                size="1",
                id="upload-errors",
                width="100%",
            ),
        ),
        rx.flex(rx.foreach(shots, thumb), wrap="wrap", spacing="3", id="screenshots"),
        spacing="3",
        width="100%",
    )

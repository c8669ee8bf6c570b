"""Journal list pieces: safe markdown, the filter bar, the entries table, the day picker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from components.forms import field_error

ALL = "all"


def safe_markdown(text: rx.Var[str], **props: Any) -> rx.Component:
    """Render user markdown without ever running it.

    Raw HTML is not parsed (no rehype-raw): react-markdown then shows it as plain
    text. React escapes all text, and react-markdown's default URL filter blanks
    `javascript:` and other unsafe link/image URLs. Math plugins are off.
    """
    return rx.box(
        rx.markdown(text, use_raw=False, use_math=False, use_katex=False),
        **props,
    )


def tag_badges(tags: rx.Var[list[str]], *, color: str = "blue", on_click=None) -> rx.Component:
    def badge(tag: rx.Var[str]) -> rx.Component:
        extra = {"on_click": on_click(tag), "cursor": "pointer"} if on_click else {}
        return rx.badge(tag, color_scheme=color, variant="soft", class_name="tag", **extra)

    return rx.flex(rx.foreach(tags, badge), wrap="wrap", spacing="1")


def _select(
    key: str,
    label: str,
    value: rx.Var[str],
    all_label: str,
    items: rx.Var[list],
    on_filter: Callable[[str, Any], Any],
    *,
    item: Callable[[rx.Var], rx.Component],
) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color=rx.color("gray", 11)),
        rx.select.root(
            rx.select.trigger(id=f"filter-{key}", min_width="140px"),
            rx.select.content(rx.select.item(all_label, value=ALL), rx.foreach(items, item)),
            value=value,
            on_change=lambda v: on_filter(key, v),
        ),
        spacing="1",
    )


def _plain_item(value: rx.Var[str]) -> rx.Component:
    return rx.select.item(value, value=value)


def _option_item(option: rx.Var) -> rx.Component:
    return rx.select.item(option.label, value=option.value)


def journal_filters(
    *,
    filters: rx.Var[dict[str, str]],
    errors: rx.Var[dict[str, str]],
    tags: rx.Var[list[str]],
    accounts: rx.Var[list],
    setups: rx.Var[list],
    instruments: rx.Var[list[str]],
    on_filter: Callable[[str, Any], Any],
    on_clear: Any,
) -> rx.Component:
    def date_input(key: str, label: str) -> rx.Component:
        return rx.vstack(
            rx.text(label, size="1", color=rx.color("gray", 11)),
            rx.input(
                type="date",
                id=f"filter-{key}",
                value=filters[key],
                on_change=lambda v: on_filter(key, v),
            ),
            field_error(errors[key].to(str), name=f"filter-{key}"),
            spacing="1",
        )

    return rx.flex(
        _select("tag", "Tag", filters["tag"], "All tags", tags, on_filter, item=_plain_item),
        date_input("date_from", "From"),
        date_input("date_to", "To"),
        _select(
            "account",
            "Account",
            filters["account"],
            "All accounts",
            accounts,
            on_filter,
            item=_option_item,
        ),
        _select(
            "instrument",
            "Instrument",
            filters["instrument"],
            "All instruments",
            instruments,
            on_filter,
            item=_plain_item,
        ),
        _select(
            "setup", "Setup", filters["setup"], "All setups", setups, on_filter, item=_option_item
        ),
        rx.vstack(
            rx.text("Search notes", size="1", color=rx.color("gray", 11)),
            rx.input(
                id="filter-text",
                value=filters["text"],
                placeholder="text in notes or symbol",
                on_change=lambda v: on_filter("text", v),
            ),
            spacing="1",
        ),
        rx.button(
            "Clear", variant="soft", color_scheme="gray", on_click=on_clear, id="clear-filters"
        ),
        wrap="wrap",
        spacing="3",
        align="end",
        width="100%",
    )


def journal_table(rows: rx.Var[list], *, on_tag: Callable[[Any], Any]) -> rx.Component:
    def row(entry: rx.Var) -> rx.Component:
        pnl_color = rx.cond(
            entry.pnl_sign > 0,
            rx.color("grass", 11),
            rx.cond(entry.pnl_sign < 0, rx.color("tomato", 11), rx.color("gray", 11)),
        )
        return rx.table.row(
            rx.table.cell(entry.date, white_space="nowrap"),
            rx.table.row_header_cell(
                rx.link(entry.title, href=entry.href, class_name="entry-link", weight="medium")
            ),
            rx.table.cell(entry.account),
            rx.table.cell(entry.pnl, color=pnl_color, text_align="right", white_space="nowrap"),
            rx.table.cell(
                rx.vstack(
                    tag_badges(entry.tags, on_click=on_tag),
                    tag_badges(entry.mistakes, color="orange"),
                    spacing="1",
                )
            ),
            rx.table.cell(entry.stars, color=rx.color("amber", 10), white_space="nowrap"),
            rx.table.cell(rx.text(entry.excerpt, size="1", color=rx.color("gray", 11))),
            class_name="journal-row",
        )

    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Date"),
                rx.table.column_header_cell("Entry"),
                rx.table.column_header_cell("Account"),
                rx.table.column_header_cell("Net P&L", text_align="right"),
                rx.table.column_header_cell("Tags / mistakes"),
                rx.table.column_header_cell("Rating"),
                rx.table.column_header_cell("Notes"),
            )
        ),
        rx.table.body(rx.foreach(rows, row)),
        id="journal-table",
        width="100%",
    )


def day_picker(*, today: rx.Var[str], on_open: Any) -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.link(
                rx.button(rx.icon("calendar-days", size=16), "Today's journal", variant="soft"),
                href=f"/journal/day/{today}",
                id="today-journal",
            ),
            rx.input(type="date", name="day", id="pick-day", default_value=today),
            rx.button("Open day", type="submit", variant="outline", id="open-day"),
            spacing="2",
            align="center",
        ),
        on_submit=on_open,
        reset_on_submit=False,
    )

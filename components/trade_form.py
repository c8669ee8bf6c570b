"""The trade form (legs, instrument, stop, target, playbook and rules) and the trade's facts."""

from __future__ import annotations

from typing import Any

import reflex as rx

from components.forms import field_error, form_banner, text_field


def _hint(text: str) -> rx.Component:
    return rx.text(text, size="1", color=rx.color("gray", 10))


def controlled_select(
    label: str,
    *,
    name: str,
    options: rx.Var[list] | tuple[tuple[str, str], ...],
    value: rx.Var[str],
    on_change: Any,
    error: rx.Var[str],
) -> rx.Component:
    """A select whose value lives in the state: `options` is a list var of items with
    `value` and `label`, or fixed (value, label) pairs."""
    items = (
        [rx.select.item(text, value=key) for key, text in options]
        if isinstance(options, tuple)
        else [rx.foreach(options, lambda o: rx.select.item(o.label, value=o.value))]
    )
    return rx.vstack(
        rx.text(label, as_="label", size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(width="100%", id=f"field-{name}"),
            rx.select.content(*items),
            value=value,
            on_change=on_change,
        ),
        field_error(error, name=name),
        spacing="1",
        width="100%",
    )


def _leg_input(leg: rx.Var, index: rx.Var, field: str, on_keep: Any, **props) -> rx.Component:
    name = "legs." + index.to_string() + "." + field
    return rx.vstack(
        rx.input(
            name=name,
            id="field-" + name,
            default_value=leg[field],
            on_blur=lambda value: on_keep(leg.uid, field, value),
            width="100%",
            **props,
        ),
        rx.cond(
            leg[f"{field}_error"] != "",
            rx.text(leg[f"{field}_error"], color_scheme="red", size="1", id="error-" + name),
        ),
        spacing="1",
        width="100%",
    )


def leg_rows(legs: rx.Var[list], *, on_keep: Any, on_remove: Any) -> rx.Component:
    """One row per entry/exit: time (UTC), price, quantity; inputs named legs.{i}.{field}."""

    def row(leg: rx.Var, index: rx.Var) -> rx.Component:
        return rx.hstack(
            rx.badge(
                leg.kind,
                color_scheme=rx.cond(leg.kind == "entry", "blue", "orange"),
                variant="soft",
                min_width="52px",
                justify="center",
                margin_top="6px",
            ),
            rx.box(
                _leg_input(leg, index, "time", on_keep, type="datetime-local", step="1"),
                flex="2",
            ),
            rx.box(
                _leg_input(leg, index, "price", on_keep, placeholder="price", input_mode="decimal"),
                flex="1",
            ),
            rx.box(
                _leg_input(
                    leg, index, "quantity", on_keep, placeholder="qty", input_mode="decimal"
                ),
                flex="1",
            ),
            rx.icon_button(
                rx.icon("x", size=14),
                type="button",
                size="1",
                variant="soft",
                color_scheme="gray",
                margin_top="6px",
                aria_label="Remove this " + leg.kind,
                on_click=on_remove(leg.uid),
            ),
            key=leg.uid,
            width="100%",
            align="start",
            spacing="2",
            class_name="leg-row",
        )

    return rx.vstack(rx.foreach(legs, row), spacing="2", width="100%", id="legs")


def legs_section(
    legs: rx.Var[list], error: rx.Var[str], *, on_keep: Any, on_remove: Any, on_add: Any
):
    return rx.vstack(
        rx.hstack(
            rx.text("Entries and exits", size="2", weight="medium"),
            rx.spacer(),
            rx.button(
                "Add entry",
                type="button",
                size="1",
                variant="soft",
                on_click=on_add("entry"),
                id="add-entry",
            ),
            rx.button(
                "Add exit",
                type="button",
                size="1",
                variant="soft",
                on_click=on_add("exit"),
                id="add-exit",
            ),
            width="100%",
            align="center",
        ),
        _hint("Times are UTC. Scale in and out with several entries and exits."),
        rx.hstack(
            rx.box(min_width="52px"),
            rx.text("Time (UTC)", size="1", flex="2"),
            rx.text("Price", size="1", flex="1"),
            rx.text("Quantity", size="1", flex="1"),
            rx.box(width="24px"),
            width="100%",
            spacing="2",
            color=rx.color("gray", 10),
        ),
        leg_rows(legs, on_keep=on_keep, on_remove=on_remove),
        field_error(error, name="legs"),
        spacing="2",
        width="100%",
    )


def rules_checklist(
    rules: rx.Var[list], checked: rx.Var[list], error: rx.Var[str], *, on_toggle: Any
):
    """A checkbox per rule of the chosen playbook: which rules this trade followed."""
    return rx.vstack(
        rx.text("Rules followed", size="2", weight="medium"),
        rx.cond(
            rules.length() > 0,
            rx.vstack(
                rx.foreach(
                    rules,
                    lambda rule: rx.checkbox(
                        rule,
                        checked=checked.contains(rule),
                        on_change=lambda value: on_toggle(rule, value),
                        class_name="rule-checkbox",
                    ),
                ),
                spacing="2",
                id="rules-checklist",
            ),
            _hint("Choose a playbook to tick the rules this trade followed."),
        ),
        field_error(error, name="rules_followed"),
        spacing="2",
        width="100%",
    )


def trade_form(
    *,
    state: Any,
    full_edit: rx.Var[bool],
    submit_label: str,
    extra_actions: tuple[rx.Component, ...] = (),
) -> rx.Component:
    """The form; with `full_edit` false only playbook, rules, stop and target show.

    `state` provides the vars and handlers of TradeDetailState (form, errors, legs, ...).
    """
    errors = state.errors
    return rx.form(
        rx.vstack(
            form_banner(state.form_error),
            rx.cond(
                full_edit,
                rx.vstack(
                    rx.hstack(
                        controlled_select(
                            "Account",
                            name="account_id",
                            options=state.account_options,
                            value=state.account_id,
                            on_change=state.set_account_id,
                            error=errors["account_id"],
                        ),
                        text_field(
                            "Instrument",
                            name="symbol",
                            value=state.form["symbol"],
                            error=errors["symbol"],
                            placeholder="e.g. ES, NQ1!, ESZ2026",
                        ),
                        controlled_select(
                            "Direction",
                            name="direction",
                            options=(("long", "Long"), ("short", "Short")),
                            value=state.direction,
                            on_change=state.set_direction,
                            error=errors["direction"],
                        ),
                        width="100%",
                        spacing="3",
                        align="start",
                    ),
                    legs_section(
                        state.legs,
                        errors["legs"],
                        on_keep=state.keep_leg_value,
                        on_remove=state.remove_leg,
                        on_add=state.add_leg,
                    ),
                    text_field(
                        "Commission (total)",
                        name="commission",
                        value=state.form["commission"],
                        error=errors["commission"],
                        placeholder="0",
                        input_mode="decimal",
                    ),
                    spacing="3",
                    width="100%",
                ),
            ),
            rx.hstack(
                text_field(
                    "Stop",
                    name="stop",
                    value=state.form["stop"],
                    error=errors["stop"],
                    placeholder="account default",
                    input_mode="decimal",
                ),
                text_field(
                    "Target",
                    name="target",
                    value=state.form["target"],
                    error=errors["target"],
                    placeholder="none",
                    input_mode="decimal",
                ),
                width="100%",
                spacing="3",
                align="start",
            ),
            _hint("Leave the stop blank to use the account's default stop rule (if it has one)."),
            controlled_select(
                "Playbook",
                name="playbook_id",
                options=state.playbook_options,
                value=state.playbook_id,
                on_change=state.set_playbook_id,
                error=errors["playbook_id"],
            ),
            rules_checklist(
                state.rules,
                state.rules_checked,
                errors["rules_followed"],
                on_toggle=state.toggle_rule,
            ),
            rx.hstack(
                *extra_actions,
                rx.button(submit_label, type="submit", id="trade-form-submit"),
                justify="end",
                width="100%",
                spacing="3",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=state.save,
        reset_on_submit=False,
        id="trade-form",
        width="100%",
    )

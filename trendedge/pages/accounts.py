"""`/accounts` and `/accounts/[account_id]`."""

from __future__ import annotations

import reflex as rx

from components.accounts import account_form, accounts_table
from components.layout import app_shell
from trendedge.state.accounts import AccountEditState, AccountsState
from trendedge.state.auth import AuthState


def new_account_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("plus", size=16),
                "New account",
                on_click=AccountsState.open_new,
                id="new-account",
            )
        ),
        rx.dialog.content(
            rx.dialog.title("New account"),
            account_form(
                values=AccountsState.form,
                errors=AccountsState.errors,
                form_error=AccountsState.form_error,
                on_submit=AccountsState.create,
                submit_label="Create account",
                form_id="new-account-form",
                extra_actions=(
                    rx.dialog.close(
                        rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                    ),
                ),
            ),
            max_width="520px",
        ),
        open=AccountsState.dialog_open,
        on_open_change=AccountsState.set_dialog_open,
    )


def accounts_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.hstack(
                rx.text(
                    "Trading accounts hold your trades; each has its own currency.",
                    color=rx.color("gray", 11),
                ),
                rx.spacer(),
                new_account_dialog(),
                width="100%",
                align="center",
            ),
            rx.cond(
                AccountsState.rows.length() > 0,
                accounts_table(AccountsState.rows, on_delete=AccountsState.delete),
                rx.cond(
                    AccountsState.loaded,
                    rx.callout(
                        "No accounts yet. Create your first one.", icon="info", id="no-accounts"
                    ),
                    rx.spinner(),
                ),
            ),
            spacing="4",
            width="100%",
        ),
        title="Accounts",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )


def account_edit_page() -> rx.Component:
    return app_shell(
        rx.cond(
            AccountEditState.loaded,
            rx.cond(
                AccountEditState.found,
                rx.card(
                    account_form(
                        values=AccountEditState.form,
                        errors=AccountEditState.errors,
                        form_error=AccountEditState.form_error,
                        on_submit=AccountEditState.save,
                        submit_label="Save",
                        form_id="edit-account-form",
                        extra_actions=(
                            rx.button(
                                "Delete",
                                type="button",
                                color_scheme="red",
                                variant="soft",
                                on_click=AccountEditState.delete,
                                id="delete-account",
                            ),
                            rx.link(
                                rx.button(
                                    "Back", type="button", variant="soft", color_scheme="gray"
                                ),
                                href="/accounts",
                            ),
                        ),
                    ),
                    max_width="640px",
                ),
                rx.callout(
                    "Account not found.",
                    icon="search-x",
                    color_scheme="gray",
                    id="account-not-found",
                ),
            ),
            rx.spinner(),
        ),
        title="Edit account",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )

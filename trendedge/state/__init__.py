"""Thin Reflex states: each reads the signed-in user and calls services."""

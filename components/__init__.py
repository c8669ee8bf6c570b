"""Reusable Reflex UI pieces; they take data as arguments and never fetch."""

"""Page functions; each assembles components and binds them to state."""

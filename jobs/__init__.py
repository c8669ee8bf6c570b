"""RQ job functions, queue definitions, worker and scheduler entry points.

Jobs call services and domain code, never Reflex state or pages.
"""

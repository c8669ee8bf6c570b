"""Broker statement parsers: CSV text in, `ParseResult` (executions, line errors,
questions, notes) out. Pure: no I/O. See docs/broker-formats.md.

Entry points: `detect.parse_statement` (auto-detect), `detect.detect_format`,
`mapping.parse_with_mapping` (the column mapper), `fingerprints.assign_keys`.
"""

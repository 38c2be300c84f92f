"""The bad-input case count, for the test report header.

Hook it into tests/conftest.py with:

    from _bad_inputs_header import header

    def pytest_report_header(config):
        return header()
"""

from __future__ import annotations


def header() -> str:
    from test_bad_inputs import CASES

    return f"bad-input cases: {len(CASES)}"

"""Argument helpers shared by the CLI command modules: a Vietnamese error exit and an ISO date argument."""
from __future__ import annotations

import argparse
import sys
from datetime import date


def fail(message: str) -> int:
    """Print a Vietnamese message on stderr; the exit code of a refused command (2)."""
    sys.stderr.write(message + "\n")
    return 2


def iso_day(text: str) -> date:
    """An argparse type: a YYYY-MM-DD date, or a Vietnamese usage error."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày phải có dạng YYYY-MM-DD: {text!r}") from None

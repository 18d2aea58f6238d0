"""Checkers for a knowledge folder (docs: knowledge-format.md).

Validation is a list of checker functions, Babel-style: each takes a `Context`
and yields `Finding`s; every checker runs and all findings are reported
together. A finding says where (the real YAML line and column) and how to fix
it. Checkers read the raw YAML documents, not only the built model, because the
loader quietly skips what it cannot use; they must therefore expect any type
anywhere and never raise on content.

The checkers are grouped by what they read: `region` (region.yaml), `entries`
(the FAQ files), `overlap` (questions that cannot be told apart); `context`
holds what they share, and `runner` runs them all.
"""

from bot.knowledge.validation.context import INTERNAL, Context, RawEntry, make_context
from bot.knowledge.validation.runner import (CHECKERS, SERVING_CHECKERS, Checker, internal_error,
                                             validate, validate_parsed)

__all__ = ["CHECKERS", "INTERNAL", "SERVING_CHECKERS", "Checker", "Context", "RawEntry",
           "internal_error", "make_context", "validate", "validate_parsed"]

"""Renderers: each turns a `doc.Doc` (or a plan/entry, for JSON) into text in one format."""

FORMATS = ("rich", "plain", "markdown", "json")
PLAN_FORMATS = (*FORMATS, "html")

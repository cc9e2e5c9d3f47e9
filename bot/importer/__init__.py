"""Drafting a plan from its document: `nhacviec plans import` (DOCX, text-layer PDF, OCR text).

Pipeline: `reader` (file → blocks) → `lines` (wrapped text → paragraphs) → `outline` (numbering →
tree) → `header`, `extract`, `tables` (what the plan says) → `units` (names → directory) →
`render_yaml` / `render_json`. `draft.import_document` runs it.
"""

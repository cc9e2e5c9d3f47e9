"""Drafting a plan from its document: `nhacviec plans import` (text/OCR, DOCX, text-layer PDF).

`draft.import_document` runs the pipeline:
`reader` (file → paragraphs and tables; `lines` joins wrapped OCR lines, `docx_numbering`
restores Word's automatic `a)`, `1.`) → `outline` (the numbering tree and task ids, `labels`) →
`header` (issuer, number, date, title) → `extract` (tasks, targets, reporting; `sections` says
what a section holds, `subjects` who is assigned, `fields` the labelled blocks, `timing` the
deadlines via `bot.deadlines`, `tables` the appendix tables) → `units` (names → directory) →
`render_yaml` / `render_json`. Folding (`bot.folding.fold` with `keep_marks=True`: the folded text
is as long as the input, so a match found in it slices the input) makes every match
diacritic-insensitive.
"""

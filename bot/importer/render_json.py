"""The draft as one JSON object for other tools (keys fixed by the issue).

Units (`lead`, `support`, `who`, `to`) are the names as the document writes them, so the JSON
does not depend on the directory; `issued` and `number` are null when the document does not say.
"""

from __future__ import annotations

import json
from typing import Any

from bot.importer.model import Draft


def draft_to_json(draft: Draft) -> dict[str, Any]:
    header = draft.header
    return {
        "issuer": header.issuer,
        "number": None if header.number in (None, "?") else header.number,
        "issued": header.issued.isoformat() if header.issued and "issued" not in header.notes else None,
        "title": header.title,
        "tasks": [
            {
                "ref": task.id,
                "text": task.text,
                "lead": task.lead.written if task.lead else None,
                "support": [ref.written for ref in task.support],
                "timing": task.timing.text if task.timing else None,
                "due": task.timing.due.isoformat() if task.timing and task.timing.due else None,
                "recurrence": task.timing.recurrence if task.timing else None,
            }
            for task in draft.tasks
        ],
        "reporting": [
            {
                "text": report.text,
                "who": [ref.written for ref in report.who],
                "to": report.to.written if report.to else None,
                "cycle": report.cycle,
            }
            for report in draft.reporting
        ],
    }


def render_json(draft: Draft) -> str:
    return json.dumps(draft_to_json(draft), ensure_ascii=False, indent=2) + "\n"

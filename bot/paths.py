"""Where the project's own data folders live, whether run from a clone or elsewhere."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCHEDULES_DIR = PROJECT_ROOT / "schedules"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
PLANS_DIR = PROJECT_ROOT / "plans"

"""`reconcile_derived`: the scheduled safety net that recomputes all derived state."""

from __future__ import annotations

from typing import Any

from firebrick.logs import get_logger

log = get_logger("firebrick.triggers.schedule")


def run_reconcile(event: Any = None) -> dict[str, Any]:
    """Reconcile everything and log what was corrected (each correction means a lost or bad effect)."""
    from firebrick.services.reconcile import reconcile_all
    from firebrick.triggers.events import db_or_default

    report = reconcile_all(db_or_default(None)).as_dict()
    level = log.warning if report["corrected"] else log.info
    level(
        "reconcile finished",
        extra={
            "fields": {
                "checked": report["checked"],
                "corrected": report["corrected"],
                "corrections": report["corrections"][:50],
            }
        },
    )
    return report

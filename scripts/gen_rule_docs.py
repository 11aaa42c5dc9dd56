"""Write docs/rules/<ID>.md from each rule's documentation (its module docstring).

The docstring is the single source: `sentra-lint explain`, SARIF help and
these pages all come from it. tests/test_rule_docs.py fails when the pages
are out of date; run `python scripts/gen_rule_docs.py` to refresh them.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def render() -> dict[str, str]:
    from sentra_lint.agents.targets import FAMILY_TEXT
    from sentra_lint.packs import PROFILES, load_pack
    from sentra_lint.rules import all_rules

    packs = {p: set(load_pack(p).enabled_ids()) for p in PROFILES}
    pages: dict[str, str] = {}
    rows = []
    for rule in all_rules():
        m = rule.meta
        first = next((p for p in PROFILES if m.id in packs[p]), None)
        profile = {"phase1": "phase1 (P1)", "phase2": "phase2 (P2)", "phase3": "phase3 (P3)", "all": "opt-in", "audit": "audit"}.get(
            first or "", "none")
        body = rule.doc.split("\n", 1)
        summary, rest = body[0].strip(), (body[1] if len(body) > 1 else "")
        family = f"\nFamily: {FAMILY_TEXT[m.family]}.\n" if m.family else ""
        pages[f"{m.id}.md"] = (
            f"# {m.id} {m.slug}\n\n{summary}\n\n"
            f"| severity | security-severity | profile | family | fixable |\n|---|---|---|---|---|\n"
            f"| {m.severity.value} | {m.security_severity:.1f} | {profile} | {m.family or '-'} "
            f"| {'yes' if m.fixable else 'no'} |\n{family}"
            f"{rest.rstrip()}\n"
        )
        rows.append(
            f"| [{m.id}]({m.id}.md) | {m.slug} | {m.severity.value} | {profile} | {m.family or '-'} | {m.title} |"
        )
    pages["README.md"] = (
        "# Rules\n\nGenerated from the rules' documentation by `scripts/gen_rule_docs.py`.\n\n"
        "Container rules come in two families: *hardening* rules report a control that is missing and "
        "run on target launches only (the AI agents' and what the config's `targets:` selects; every "
        "launch under the `audit` profile); *hazard* rules report something dangerous that is written "
        "and run on every launch.\n\n"
        "| id | name | severity | profile | family | what it reports |\n|---|---|---|---|---|---|\n"
        + "\n".join(rows) + "\n"
    )
    return pages


def main() -> int:
    out = ROOT / "docs" / "rules"
    out.mkdir(parents=True, exist_ok=True)
    pages = render()
    for name, text in pages.items():
        (out / name).write_text(text, encoding="utf-8")
    for stale in out.glob("*.md"):
        if stale.name not in pages:
            stale.unlink()
    print(f"wrote {len(pages)} pages to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

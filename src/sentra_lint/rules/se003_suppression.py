"""A suppression comment names an unknown rule, or suppresses nothing.

## What it does
Reports a `# sentra-lint: ignore[...]` or `ignore-file[...]` comment that
names a rule id sentra-lint does not know, and one that names a rule which
ran on the file but found nothing where the comment applies (a stale
suppression: the problem was fixed, or the comment is in the wrong place).
Suppressions of rules that did not run (not selected, or checking another
kind of file) are left alone.

## Why is this bad?
A misspelt id suppresses nothing, so the finding it was meant to cover comes
back, or worse, a reader believes a control was reviewed when it was not. A
stale suppression waits to hide the next, unrelated finding on that line.

## Example
```dockerfile
# sentra-lint: ignore[SD30] installer is vendored
RUN curl -fsSL https://example.com/install.sh | sh
```

## Use instead
```dockerfile
# sentra-lint: ignore[SD003] installer is vendored and checksummed upstream
RUN curl -fsSL https://example.com/install.sh | sh
```
"""

from sentra_lint.findings import Severity
from sentra_lint.rulebase import RuleMeta

META = RuleMeta(
    id="SE003",
    slug="unknown-suppression",
    title="Suppression names an unknown rule or suppresses nothing",
    severity=Severity.NOTE,
    security_severity=1.0,
    area="input",
    precision="very-high",
)

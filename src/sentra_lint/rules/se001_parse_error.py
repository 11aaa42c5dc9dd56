"""A file could not be parsed.

## What it does
Reports a file that sentra-lint could not parse (invalid YAML, a Dockerfile
template full of `{{ }}`, unbalanced quotes in `container.options`), at the
position where the parser stopped, with the parser's reason.

## Why is this bad?
A file the linter cannot read is a file it cannot check: every control in it
goes unverified. Docker, Compose or GitHub Actions will usually reject the
same file, or read it differently from what its author meant.

## Example
```yaml
jobs:
  agent:
    container:
      options: --user "1001
```

## Use instead
```yaml
jobs:
  agent:
    container:
      options: --user 1001
```
Fix the syntax at the reported position. Templates that are rendered into a
Dockerfile before the build can be excluded in the configuration.
"""

from sentra_lint.findings import Severity
from sentra_lint.rulebase import RuleMeta

META = RuleMeta(
    id="SE001",
    slug="parse-error",
    title="File could not be parsed",
    severity=Severity.ERROR,
    security_severity=5.0,
    area="input",
    precision="very-high",
)

"""A file was skipped.

## What it does
Reports a file that was found but not linted: larger than the size cap,
binary, not UTF-8 or UTF-16 text, a special file (FIFO, device), a symbolic
link that leaves the repository or loops, or a file that vanished or could
not be read during the run (warning). A template - a file named ``*.j2``,
``*.jinja``, ``*.tmpl``, ``*.tpl``, ``*.template`` or ``*.erb``, or one whose
text holds ``{{ }}``, ``{% %}`` or ``<% %>`` markup where its kind does not
allow it - is reported once as a note, and nothing else is reported from it:
its real content exists only after rendering.

## Why is this bad?
A skipped file is unchecked. Knowing which files were skipped, and why, keeps
a clean run from being mistaken for a verified one.

## Example
```
docker/Dockerfile -> /etc/passwd   (a link out of the repository)
```

```dockerfile
# Dockerfile.tmpl: a template (note)
FROM {{ .BaseImage }}
```

## Use instead
Keep the files that define images and launches as ordinary text files inside
the repository, under the size cap (5 MB by default), encoded as UTF-8. For a
template, lint the file it renders to (render it in CI, then run the linter
on the output).
"""

from sentra_lint.findings import Severity
from sentra_lint.rulebase import RuleMeta

META = RuleMeta(
    id="SE002",
    slug="file-skipped",
    title="File was skipped and not linted",
    severity=Severity.WARNING,
    security_severity=3.0,
    area="input",
    precision="very-high",
)

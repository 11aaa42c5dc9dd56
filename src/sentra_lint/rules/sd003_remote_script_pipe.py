"""A downloaded script is run without being checked first.

## What it does
Reports a `RUN` in any stage that feeds what `curl` or `wget` downloads
straight into an interpreter: a pipe into a shell, Python, Perl, Ruby, Node
or PHP that reads its program from standard input (`curl … | bash`,
`wget -qO- … | sh`, `curl … | sudo bash`, `curl … | sh -s -- -y`,
`curl … | python3`), a process substitution used as the script
(`bash <(curl …)`, `source <(curl …)`), and a command substitution used as
the program (`sh -c "$(curl …)"`, `sh -c "$(curl …) --args"`,
`bash -c "VAR=x $(curl …)"`, `eval "$(curl …)"`), a download saved to a
file and then run with no check between (`curl -o f URL && bash f`,
`curl URL > f && sh f`, `wget -O f URL && chmod +x f && ./f`), and
PowerShell's `iex ((New-Object Net.WebClient).DownloadString('…'))` or
`iwr … | iex`.

Output that an interpreter reads as *data* is not reported: a pipe into
`python3 -c '…json.load(sys.stdin)…'`, `tar -x` or `gpg --dearmor`, and a
`wget` that writes to a file and is not run. Downloading to a file,
checking its checksum or signature (`sha256sum -c`, `gpg --verify`,
`cosign verify-blob`) and then running it is the recommended pattern and
is not reported either.
Every stage is checked: a builder stage that runs an unverified script can
plant anything in the artifacts the final stage copies.

## Why is this bad?
The build runs whatever the server sends at that moment, as root, with no
record of what it was. A compromised or hijacked download host, a CDN
serving a changed file or a truncated transfer (a half-received script can
run a different command) silently changes the image. The same Dockerfile
can also give different images from one build to the next.

## Example
```dockerfile
RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
```

## Use instead
```dockerfile
ARG NODESOURCE_SHA256=5a0c…
RUN curl -fsSLo /tmp/setup.sh https://deb.nodesource.com/setup_20.x \
    && echo "${NODESOURCE_SHA256}  /tmp/setup.sh" | sha256sum -c - \
    && bash /tmp/setup.sh \
    && rm /tmp/setup.sh
```
Better still, install from a signed package repository or copy a pinned
release artifact (`ADD --checksum=sha256:… https://…`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.dockerfile import Dockerfile, Instruction
from sentra_lint.dockerfile.semantics import run_scripts
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.shell import Command, ShellScript, Word
from sentra_lint.shell.commands import (
    StdinReaders,
    fetch_to_file,
    fetch_to_stdout,
    fetched_url,
    program_source,
    stdin_program_after,
)
from sentra_lint.shell.quoting import matching_close

META = RuleMeta(
    id="SD003",
    slug="remote-script-pipe",
    title="Downloaded script is run without verification",
    severity=Severity.ERROR,
    security_severity=8.0,
    area="dockerfile",
    precision="high",
)

_SOURCE_BUILTINS = frozenset([".", "source"])


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    text: str = df.source.text
    readers: StdinReaders = {}
    for instr in df.instructions_named("RUN"):
        yield from _powershell(df, instr)
    for _instruction, script in run_scripts(df):
        yield from _saved_then_run(df, script)
        for cmd in script.commands:
            if not fetch_to_stdout(cmd):
                continue
            found = _piped(script, cmd, text, readers) or _substituted(script, cmd)
            if found is None:
                continue
            start, end, how = found
            url = fetched_url(cmd)
            what = f"`{cmd.name} {url}`" if url else f"the output of `{cmd.name}`"
            yield Violation(
                df.source.span(start, end),
                f"{what} is {how} without being checked: download it to a file, verify its "
                "sha256 checksum (or signature), then run the file",
            )


def _piped(
    script: ShellScript, fetch: Command, text: str, readers: StdinReaders
) -> tuple[int, int, str] | None:
    """A later member of the fetch's pipeline that runs stdin as a program."""
    other = stdin_program_after(script, fetch, readers)
    if other is None:
        return None
    first = other.raw_argv[0] if other.raw_argv else other.argv[0]
    start = _pipe_char(text, fetch, first.start)
    name_word = other.argv[0]
    return start, name_word.end, f"piped into `{other.name}`"


def _pipe_char(text: str, fetch: Command, default: int) -> int:
    """File offset of the ``|`` just before the word at ``default`` on the same line, else ``default``."""
    i = default - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i >= fetch.end and text[i] == "|":
        return i
    return default


def _substituted(script: ShellScript, fetch: Command) -> tuple[int, int, str] | None:
    """``bash <(curl …)``, ``source <(curl …)``, ``sh -c "$(curl …)"``, ``eval "$(curl …)"``."""
    if fetch.parent is None or fetch.context not in (
        "process_substitution",
        "command_substitution",
    ):
        return None
    parent = script.commands[fetch.parent]
    word = next((w for w in parent.argv if w.start <= fetch.start and fetch.end <= w.end), None)
    word_start = fetch.argv[0].start
    word_end = fetch.argv[0].end
    if fetch.context == "process_substitution":
        if word is None:
            # ``bash < <(curl …)``: a stdin redirect from the substitution
            redirect = next(
                (r for r in parent.redirects if r.op == "<" and r.start <= fetch.start < r.end),
                None,
            )
            if redirect is None:
                return None
            src = program_source(parent)
            if src is None or src.source != "stdin":
                return None
            return word_start, word_end, f"fed to `{parent.name}`"
        if parent.name in _SOURCE_BUILTINS:
            if parent.args and parent.args[0] is word:
                return word_start, word_end, f"sourced with `{parent.name}`"
            return None
        src = program_source(parent)
        if src is not None and src.source == "file" and src.operand is word:
            return word_start, word_end, f"run by `{parent.name}`"
        return None
    # command substitution: the whole program must be the download
    if word is None or not _is_whole_substitution(word.raw):
        return None
    if parent.name == "eval":
        return word_start, word_end, "run by `eval`"
    src = program_source(parent)
    if src is not None and src.source == "inline" and src.inline is word:
        return word_start, word_end, f"run by `{parent.name} -c`"
    return None


def _is_whole_substitution(raw: str) -> bool:
    """Whether the program text starts with the substitution, so its output is the program.

    ``"$(curl …)"``, ``"$(curl …) --args"`` and ``"VAR=x $(curl …)"`` all run
    what the server sends; ``"echo $(curl …)"`` does not.
    """
    r = raw
    if len(r) >= 2 and r[0] == r[-1] == '"':
        r = r[1:-1]
    r = _LEADING_ASSIGNMENTS.sub("", r.lstrip())
    if r.startswith("$("):
        return matching_close(r, 2, "(", ")") >= 0
    return r.startswith("`") and r.count("`") >= 2


_LEADING_ASSIGNMENTS = lazy_compile(r"^(?:[A-Za-z_][A-Za-z0-9_]*=[^\s$`]*\s+)+")
_VERIFY = lazy_compile(r"^(sha(1|224|256|384|512)sum|md5sum|b2sum|shasum|cksum)$")


def _verifies(cmd: Command) -> bool:
    """A checksum or signature check (``sha256sum -c``, ``gpg --verify``, ``cosign verify-blob``)."""
    name = cmd.name
    if _VERIFY.match(name):
        return cmd.has_arg("-c", "--check") or any(w.text.startswith("--check") for w in cmd.args)
    if name in ("gpg", "gpg2"):
        return cmd.has_arg("--verify")
    if name in ("gpgv", "minisign", "signify"):
        return True
    if name in ("cosign", "slsa-verifier", "gh"):
        return any(w.text.startswith(("verify", "attestation")) for w in cmd.args)
    return False


def _saved_then_run(df: Dockerfile, script: ShellScript) -> Iterator[Violation]:
    """``curl -o f URL && bash f``, ``curl URL > f && sh f``, ``wget -O f URL && chmod +x f && ./f``."""
    saved: dict[str, Command] = {}
    for cmd in script.commands:
        target = fetch_to_file(cmd)
        if target is not None:
            saved[target] = cmd
            continue
        if not saved:
            continue
        if _verifies(cmd):
            saved.clear()  # checked before use: the recommended pattern
            continue
        runner, word = _runs_file(cmd, saved)
        if runner is None or word is None:
            continue
        fetch = saved.pop(word.text if word.text in saved else _bare(word.text))
        url = fetched_url(fetch)
        what = f"`{fetch.name} {url}`" if url else f"the download of `{fetch.name}`"
        yield Violation(
            df.source.span(word.start, word.end),
            f"{what} is saved to `{word.text}` and run by {runner} without being checked: "
            "verify its sha256 checksum (or signature) before running it",
        )


def _bare(path: str) -> str:
    return path.removeprefix("./")


def _runs_file(cmd: Command, saved: dict[str, Command]) -> tuple[str | None, Word | None]:
    """Who runs a saved file and the word naming it: an interpreter, ``.``/``source``, or the file itself."""
    def known(text: str) -> bool:
        return text in saved or _bare(text) in saved

    if cmd.argv and known(cmd.argv[0].text):
        return "executing it", cmd.argv[0]
    if cmd.name in _SOURCE_BUILTINS and cmd.args and known(cmd.args[0].text):
        return f"`{cmd.name}`", cmd.args[0]
    src = program_source(cmd)
    if src is not None and src.source == "file" and src.operand is not None and known(src.operand.text):
        return f"`{cmd.name}`", src.operand
    return None, None


_IEX = lazy_compile(
    r"\b(?:iex|Invoke-Expression)\b[\s(]*(?:\(\s*)?(?:New-Object\s+(?:System\.)?Net\.WebClient\s*\)\s*\.\s*DownloadString"
    r"|(?:iwr|irm|Invoke-WebRequest|Invoke-RestMethod)\b)"
    r"|\b(?:iwr|irm|Invoke-WebRequest|Invoke-RestMethod)\b[^|;\n]*\|\s*(?:iex|Invoke-Expression)\b",
    re.IGNORECASE,
)


def _powershell(df: Dockerfile, instr: Instruction) -> Iterator[Violation]:
    """``iex ((New-Object Net.WebClient).DownloadString(...))``, ``iwr ... | iex`` in a PowerShell RUN."""
    for m in _IEX.finditer(instr.args):
        start = instr.args_start + m.start()
        yield Violation(
            df.source.span(start, instr.args_start + m.end()),
            "PowerShell runs a downloaded script with Invoke-Expression without checking it: "
            "save it with Invoke-WebRequest -OutFile, compare Get-FileHash with the expected "
            "sha256, then run the file",
        )


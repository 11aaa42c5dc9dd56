"""PowerShell writes to the environment files (shell/pwsh.py): catches and catches-not."""

from __future__ import annotations

import pytest

from sentra_lint.shell.pwsh import env_file_writes, references


def writes(script: str) -> list[tuple[str, list[str]]]:
    found, _assigns = env_file_writes(script)
    return [(w.file, [script[d.start : d.end] for d in w.data]) for w in found]


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ('"NAME=$v" >> $env:GITHUB_ENV', [("GITHUB_ENV", ['"NAME=$v"'])]),
        ('echo "k=$v" >> "$env:GITHUB_OUTPUT"', [("GITHUB_OUTPUT", ['"k=$v"'])]),
        ('Write-Output "k=$v" >>${env:GITHUB_OUTPUT}', [("GITHUB_OUTPUT", ['"k=$v"'])]),
        ('Add-Content -Path $env:GITHUB_ENV -Value "A=$v"', [("GITHUB_ENV", ['"A=$v"'])]),
        ('Add-Content $env:GITHUB_ENV "A=$v" -Encoding utf8', [("GITHUB_ENV", ['"A=$v"'])]),
        ('ac -Encoding utf8 -LiteralPath $env:GITHUB_ENV "A=$v"', [("GITHUB_ENV", ['"A=$v"'])]),
        ('Add-Content -Path:$env:GITHUB_ENV -Value:"A=$v"', [("GITHUB_ENV", ['"A=$v"'])]),
        ('Set-Content -Path $env:GITHUB_PATH -Value $dir', [("GITHUB_PATH", ["$dir"])]),
        ('"k=$v" | Out-File -FilePath $env:GITHUB_OUTPUT -Append', [("GITHUB_OUTPUT", ['"k=$v"'])]),
        ('echo "k=$v" | Out-File $env:GITHUB_OUTPUT -Encoding utf8 -Append', [("GITHUB_OUTPUT", ['"k=$v"'])]),
        ('Write-Output "a=$x" | Add-Content $env:GITHUB_ENV', [("GITHUB_ENV", ['"a=$x"'])]),
        ("$v | Select-Object -First 1 | Out-File $env:GITHUB_OUTPUT -Append", [("GITHUB_OUTPUT", ["$v"])]),
        ('[IO.File]::AppendAllText($env:GITHUB_ENV, "A=$v`n")', [("GITHUB_ENV", ['"A=$v`n"'])]),
        ('[System.IO.File]::WriteAllLines($env:GITHUB_OUTPUT, @("k=$v"))', [("GITHUB_OUTPUT", ['@("k=$v")'])]),
        ('Add-Content `\n  -Path $env:GITHUB_ENV `\n  -Value "A=$v"', [("GITHUB_ENV", ['"A=$v"'])]),
        ('"A=1" >> $env:GITHUB_ENV; "B=$v" >> $env:GITHUB_ENV', [("GITHUB_ENV", ['"A=1"']), ("GITHUB_ENV", ['"B=$v"'])]),
    ],
)
def test_catches(script: str, expected: list[tuple[str, list[str]]]) -> None:
    assert writes(script) == expected


@pytest.mark.parametrize(
    "script",
    [
        'Write-Host "A=$v"',  # the console, not a file
        '"A=$v" >> out.txt',
        'Add-Content -Path log.txt -Value $env:GITHUB_ENV',  # names the file as data
        "# \"A=$v\" >> $env:GITHUB_ENV",  # a comment
        'Get-Content $env:GITHUB_ENV',
        '$x = "GITHUB_ENV"',
    ],
)
def test_catches_not(script: str) -> None:
    assert writes(script) == []


def test_what_another_command_prints_is_not_its_command_line() -> None:
    # `gh` prints a number here whatever its arguments held: nothing of the line is data
    assert writes('gh api "repos/$r/issues" --jq .id | Out-File $env:GITHUB_OUTPUT -Append') == [
        ("GITHUB_OUTPUT", [])
    ]


def test_assignments_and_references() -> None:
    _writes, assigns = env_file_writes('$First = $env:BODY\n$n == 1\n"x=$first" >> $env:GITHUB_ENV\n')
    assert [(a.name, a.at) for a in assigns] == [("first", 0)]
    assert references('"x=$first $env:BODY ${env:TITLE} `$not"') == [
        (3, 9, False, "first"), (10, 19, True, "BODY"), (20, 32, True, "TITLE"),
    ]


def test_writes_inside_blocks() -> None:
    script = (
        'if (-not $found) {\n  echo "status=missing" >> $env:GITHUB_OUTPUT\n} else { "a=$v" >> $env:GITHUB_ENV }\n'
        "do {\n  foreach ($x in $list) { Add-Content $env:GITHUB_PATH $x }\n} while ($false)\n"
        '"# ${{ github.event.issue.title }}" >> $env:GITHUB_STEP_SUMMARY\n'
    )
    assert writes(script) == [
        ("GITHUB_OUTPUT", ['"status=missing"']),
        ("GITHUB_ENV", ['"a=$v"']),
        ("GITHUB_PATH", ["$x"]),
    ]

from sentra_lint.cli import main

main()

"""Property-based and fuzz tests of every parser and tokenizer (hypothesis)."""

"""Facts about a tree that passes ask for (shell words, stage chains)."""

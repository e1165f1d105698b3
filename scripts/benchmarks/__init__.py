"""Firebrick's benchmarks (`scripts/bench`): each row measured side by side with its floor, in one run."""

"""Tooling for the reference site itself: finding exec blocks, coverage, figures."""

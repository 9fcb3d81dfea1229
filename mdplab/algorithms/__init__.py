"""Provable algorithms, one family per subpackage (DESIGN.md layer 6)."""

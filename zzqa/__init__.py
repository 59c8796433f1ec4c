"""zzqa: rounding-aware consistency checker for published statistical bulletins."""

__version__ = "0.1.0"

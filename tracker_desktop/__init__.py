"""Desktop activity tracker."""

__version__ = "0.1.0"

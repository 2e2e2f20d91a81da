"""Desktop activity tracker."""

"""Use cases over the domain and the store; no Qt."""

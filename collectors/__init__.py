"""Platform probes and the pure state machines that turn their readings into heartbeats."""

"""Stage 5, emit: pure functions from the IR (or a schedule) to text. No clock, no I/O."""

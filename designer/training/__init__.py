"""Training: datasets held in memory, the training loop, and the engine process that streams events."""

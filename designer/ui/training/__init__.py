"""The training panel: runs the engine as a child process and shows its events live.

``engine_process`` starts and stops the engine and buffers its events; ``run_record`` keeps what one run
reported; the widgets (charts, confusion matrix, gradient table, run list, settings form) show records; the
``panel`` ties them together and ``canvas_tint`` colours the blocks by their gradient norm.
"""

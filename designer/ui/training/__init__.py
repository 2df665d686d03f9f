"""The training panel: runs the engine as a child process and shows its events live.

``engine_process`` starts and stops the engine and buffers its events (``event_lines`` parses them);
``live_run`` ties one run's frozen project, folder and engine together; ``run_record`` keeps what a run
reported and ``run_history`` reads past runs back; the widgets (``charts``, ``confusion``, ``gradients``,
``runs_list``, ``settings_form``) show records; ``panel`` puts them in the dock, ``canvas_tint`` colours the
blocks by their gradient norm and ``failure`` turns a failed run's message into problems.
"""

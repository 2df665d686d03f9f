"""Engine tests train tiny models: one CPU thread each, which on a busy machine is many times faster than two."""

import pytest
import torch


@pytest.fixture(autouse=True)
def one_cpu_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)

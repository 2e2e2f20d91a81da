from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from .hostproc import HostEnv


@pytest.fixture
def host_env(tmp_path: Path) -> Iterator[HostEnv]:
    env = HostEnv(tmp_path)
    yield env
    env.kill_all()

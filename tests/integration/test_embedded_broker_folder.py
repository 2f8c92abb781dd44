"""The embedded (filesystem) broker: a worker whose queue folder is replaced by a file stays
up, says what is wrong, retries with backoff, and works again once the folder is back."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
WORKER = [sys.executable, "-m", "celery", "-A", "creatorhub", "worker", "--loglevel=INFO"]


def _embedded_env(var_dir: Path) -> dict[str, str]:
    env = {**os.environ, "VAR_DIR": str(var_dir), "DEBUG": "1"}
    for name in ("REDIS_URL", "DATABASE_URL"):
        env.pop(name, None)
    return env


def _sender(var_dir: Path) -> Celery:
    """A client of the same folders, as the web process would be."""
    queue = str(var_dir / "broker" / "queue")
    return Celery(
        "sender",
        broker="filesystem://",
        broker_transport_options={
            "data_folder_in": queue,
            "data_folder_out": queue,
            "control_folder": str(var_dir / "broker" / "control"),
        },
    )


def _wait(log: Path, process: subprocess.Popen, found: Callable[[str], bool], timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if found(text):
            return text
        if process.poll() is not None:
            pytest.fail(f"The worker exited ({process.returncode}):\n{text[-4000:]}")
        time.sleep(0.2)
    pytest.fail(f"Timed out after {timeout}s; worker log:\n{log.read_text()[-4000:]}")


def test_worker_survives_a_queue_folder_replaced_by_a_file(tmp_path):
    var_dir = tmp_path / "var"
    queue = var_dir / "broker" / "queue"
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [*WORKER, "--pool=solo", "--without-gossip", "--without-mingle"],
        cwd=BASE_DIR,
        env=_embedded_env(var_dir),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait(log, process, lambda text: " ready." in text, timeout=60)

        shutil.rmtree(queue)
        queue.write_text("not a folder")
        message = f"the broker folder {queue} is not a folder (a file is in its place)"
        text = _wait(log, process, lambda text: len(re.findall("Trying again", text)) >= 2)
        assert message in text
        assert "Unrecoverable error" not in text
        assert process.poll() is None

        queue.unlink()
        queue.mkdir()
        connected_again = len(re.findall(r"Connected to filesystem://", text)) + 1
        _wait(
            log,
            process,
            lambda text: len(re.findall(r"Connected to filesystem://", text)) >= connected_again,
        )
        _sender(var_dir).send_task("celery.accumulate", args=[1, 2])
        _wait(log, process, lambda text: re.search(r"celery\.accumulate\[.*\] succeeded", text))
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_file_in_place_of_the_broker_folder_does_not_stop_the_app_starting(tmp_path):
    var_dir = tmp_path / "var"
    (var_dir / "broker").mkdir(parents=True)
    (var_dir / "broker" / "queue").write_text("not a folder")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=_embedded_env(var_dir),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "is not a folder (a file is in its place)" in result.stderr

"""Faults around background report rendering: Redis absent, and a Celery worker killed mid-render."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from config.celery import app as celery_app
from reporting.tasks import render_report_pdf
from tests import factories as f

from .conftest import response_bytes

ROOT = Path(__file__).resolve().parents[2]


def _reset_pool():
    """Drop Celery's cached broker connections so the next publish uses the new broker URL."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(settings):
    """Point Celery at a broker for the test and back at in-process running afterwards."""
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager

    def use(url):
        settings.CELERY_BROKER_URL = url
        settings.CELERY_TASK_ALWAYS_EAGER = False
        celery_app.conf.broker_url = url
        celery_app.conf.task_always_eager = False
        _reset_pool()

    yield use
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
    _reset_pool()


def test_with_redis_down_a_large_report_is_made_in_the_request_instead(client, world, broker, renders, monkeypatch):
    broker("redis://127.0.0.1:6399/0")  # nothing listens there
    attempts = []
    connect = socket.socket.connect

    def counting_connect(sock, address):
        if isinstance(address, tuple) and address[1:2] == (6399,):
            attempts.append(address)
        return connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", counting_connect)
    f.AwardFactory(programme=world.programme, partnership=world.partnership, state="draft")
    client.force_login(world.manager)
    response = client.get(reverse("reports:partnership", args=[world.partnership.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response_bytes(response).startswith(b"%PDF")
    assert len(renders) == 1
    # It gave up on the queue after a bounded number of tries rather than retrying (and hanging) on the request.
    assert 1 <= len(attempts) <= 4


def _big_html(rows: int) -> str:
    body = "".join(f"<tr><td>Row {i}</td><td>£{i:,}.00</td><td>{'text ' * 12}</td></tr>" for i in range(rows))
    return f"<html><body><h1>Portfolio</h1><table>{body}</table></body></html>"


def _start_worker(env, log_path):
    log = open(log_path, "w")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-P",
            "solo",
            "-c",
            "1",
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait_for(predicate, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.redis
def test_a_report_survives_its_worker_being_killed_mid_render(tmp_path, broker, settings):
    url = "redis://127.0.0.1:6379/11"
    import redis

    redis.Redis.from_url(url).flushdb()
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    env = {
        **os.environ,
        "CELERY_BROKER_URL": url,
        "CELERY_VISIBILITY_TIMEOUT": "2",
        "MEDIA_ROOT": str(media),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("DATABASE_URL", None)
    broker(url)
    path = "reports/portfolio/fault-test.pdf"
    final = media / path
    first_log, second_log = tmp_path / "worker1.log", tmp_path / "worker2.log"
    first = _start_worker(env, first_log)
    second = None
    try:
        _wait_for(lambda: "ready" in first_log.read_text(), 60, "the first worker to start")
        render_report_pdf.apply_async(args=[path, _big_html(2500), ""])
        _wait_for(lambda: "received" in first_log.read_text(), 30, "the first worker to take the task")
        time.sleep(1.0)  # well inside a render that takes several seconds
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert not final.exists(), "a killed worker must not leave a half-written report"

        second = _start_worker(env, second_log)
        _wait_for(final.exists, 120, "the task to be handed to the second worker and finished")
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=30)
    assert "succeeded" in second_log.read_text()
    pages = len(PdfReader(final).pages)
    assert pages > 10
    assert default_storage.exists(path)

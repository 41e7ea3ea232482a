"""The run-failure sensor never reveals its webhook's token: not in its log lines, not in the
messages of the errors it raises when the webhook fails, not on stdout or stderr, not in the
instance's event log. The token sits in the URL's path and query, as chat webhooks carry it."""

from __future__ import annotations

import base64
import logging
import secrets
import threading
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from dagster import DagsterInstance, asset, build_run_status_sensor_context, materialize

from cryptopipe_dagster.sensors import WEBHOOK_VARIABLE, run_failure_alert


@asset
def always_fails() -> None:
    raise RuntimeError("broken on purpose")


def forms(token: str) -> list[str]:
    return [
        token,
        urllib.parse.quote(token, safe=""),
        base64.b64encode(token.encode()).decode(),
        base64.urlsafe_b64encode(token.encode()).decode(),
    ]


class Hook:
    """A webhook on loopback that answers every POST with `status`."""

    def __init__(self, status: int) -> None:
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                received.append(self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, token: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hooks/{token}?token={token}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def failed_run():
    with DagsterInstance.ephemeral() as instance:
        result = materialize([always_fails], instance=instance, raise_on_error=False)
        assert not result.success
        yield instance, result


def evaluate(failed_run, url: str, monkeypatch) -> tuple[str, BaseException | None]:
    """Runs the sensor with the webhook at `url`; returns the error text it raised, if any."""
    instance, result = failed_run
    monkeypatch.setenv(WEBHOOK_VARIABLE, url)
    context = build_run_status_sensor_context(
        sensor_name="cryptopipe_run_failure",
        dagster_event=result.get_run_failure_event(),
        dagster_instance=instance,
        dagster_run=instance.get_run_by_id(result.run_id),
    ).for_run_failure()
    try:
        run_failure_alert(context)
    except Exception as error:  # the webhook's own failure, as Dagster would record it
        return "".join(traceback.format_exception(error)) + repr(error) + str(vars(error)), error
    return "", None


@pytest.mark.parametrize("status", [204, 500])
def test_sensor_never_shows_the_webhook_token(failed_run, status, monkeypatch, caplog, capfd):
    token = "tok-" + secrets.token_urlsafe(24)
    hook = Hook(status)
    try:
        caplog.set_level(logging.DEBUG)
        raised, error = evaluate(failed_run, hook.url(token), monkeypatch)
    finally:
        hook.close()
    assert len(hook.received) == 1, "the webhook was called"
    assert (error is None) == (status == 204)
    if error is not None:
        assert "CRYPTOPIPE_ALERT_WEBHOOK_URL) answered HTTP 500" in str(error)
    captured = capfd.readouterr()
    instance, result = failed_run
    events = "\n".join(str(entry) for entry in instance.all_logs(result.run_id))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    # Where the sensor's log lines go depends on Dagster's handlers: the log capture or stderr.
    assert result.run_id in logged + captured.err, "the sensor logged the failed run"
    for text in (logged, raised, captured.out, captured.err, events):
        for form in forms(token):
            assert form not in text


def test_unreachable_webhook_error_does_not_show_the_token(failed_run, monkeypatch, caplog, capfd):
    token = "tok-" + secrets.token_urlsafe(24)
    closed = HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = closed.server_port
    closed.server_close()  # nothing listens there any more: connection refused
    caplog.set_level(logging.DEBUG)
    raised, error = evaluate(failed_run, f"http://127.0.0.1:{port}/hooks/{token}", monkeypatch)
    assert error is not None and "could not be reached" in str(error)
    captured = capfd.readouterr()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for text in (logged, raised, captured.out, captured.err):
        for form in forms(token):
            assert form not in text

"""A run-failure sensor: logs every failed run and, when a webhook is configured, posts it."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

from dagster import DefaultSensorStatus, RunFailureSensorContext, run_failure_sensor

WEBHOOK_VARIABLE = "CRYPTOPIPE_ALERT_WEBHOOK_URL"


def failure_payload(context: RunFailureSensorContext) -> dict:
    run = context.dagster_run
    return {
        "text": f"cryptopipe run {run.run_id} ({run.job_name}) failed: {context.failure_event.message}",
        "run_id": run.run_id,
        "job_name": run.job_name,
        "partition": run.tags.get("dagster/partition"),
        "error": context.failure_event.message,
    }


class WebhookError(RuntimeError):
    """The webhook failed. Says how, never where: the URL often carries a token."""


def post_json(url: str, payload: dict, timeout_s: float = 10.0) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    # urllib's errors keep the URL (HTTPError.url, .filename) and chain to exceptions that may
    # print it, so neither is passed on: Dagster records a failing sensor's exception.
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return response.status
    except urllib.error.HTTPError as error:
        reason = f"answered HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        reason = f"could not be reached ({type(getattr(error, 'reason', error)).__name__})"
    raise WebhookError(f"the failure webhook (${WEBHOOK_VARIABLE}) {reason}")


@run_failure_sensor(
    name="cryptopipe_run_failure",
    default_status=DefaultSensorStatus.RUNNING,
    description=f"Logs failed runs; posts them as JSON to ${WEBHOOK_VARIABLE} when it is set",
)
def run_failure_alert(context: RunFailureSensorContext) -> None:
    payload = failure_payload(context)
    context.log.error(payload["text"])
    url = os.environ.get(WEBHOOK_VARIABLE)
    if url:
        # The URL often carries a token: it is never logged.
        status = post_json(url, payload)
        context.log.info(f"failure posted to the webhook (HTTP {status})")

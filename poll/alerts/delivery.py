"""One attempt at a webhook delivery: sign, POST with a timeout, store how it went."""

from datetime import datetime

import requests
from flask import current_app

from poll.alerts.addresses import UnsafeAddress, check_before_sending
from poll.alerts.signing import signed_headers
from poll.database.models import DELIVERY_DELIVERED, DELIVERY_FAILED, DELIVERY_PENDING, WebhookDelivery
from poll.extensions import db

ERROR_MAX_LENGTH = 300
ENDPOINT_DISABLED = "Not sent: the endpoint was disabled."


class AttemptFailed(Exception):
    """This attempt did not deliver and tries remain: the queue runs it again later."""


def attempt_delivery(delivery_id: int, now: datetime, tries: int) -> str:
    """Try to deliver ``delivery_id`` once (it commits); returns the delivery's status.
    Raises AttemptFailed when it should be tried again. A delivery whose endpoint was removed is
    gone, and one whose endpoint was disabled (or that is settled already) is not sent."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        return "gone"
    if delivery.status != DELIVERY_PENDING:
        return delivery.status
    endpoint = delivery.endpoint
    if not endpoint.enabled:
        delivery.status, delivery.last_error = DELIVERY_FAILED, ENDPOINT_DISABLED
        db.session.commit()
        return delivery.status
    body = delivery.body.encode()
    code, error = None, ""
    try:
        check_before_sending(endpoint.url, current_app.config["WEBHOOK_ALLOW_PRIVATE"])
        response = requests.post(
            endpoint.url,
            data=body,
            headers=signed_headers(endpoint.secret, body, delivery.event, now.timestamp()),
            timeout=current_app.config["WEBHOOK_TIMEOUT"],
            allow_redirects=False,  # a redirect could lead anywhere, past the address check
        )
        code = response.status_code
        if not 200 <= code < 300:
            error = f"The receiver answered {code}."
    except UnsafeAddress as refused:
        error = f"Not sent: {refused}."
    except requests.RequestException as failure:
        error = f"{type(failure).__name__}: {failure}"
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = code
    delivery.last_error = error[:ERROR_MAX_LENGTH]
    if not error:
        delivery.status, delivery.delivered_at = DELIVERY_DELIVERED, now
    elif delivery.attempts >= tries:
        delivery.status = DELIVERY_FAILED
    db.session.commit()
    if delivery.status == DELIVERY_PENDING:
        raise AttemptFailed(error)
    return delivery.status

"""The order state machine: parse_dialog -> approve -> run_job -> done | failed.

ManageIQ runs a service order as steps (parse the dialog, approve, run the job); here each
step is an :class:`~nfvo.models.Order` status and every move between steps is stored as an
:class:`~nfvo.models.OrderTransition` with its time and actor. Moves are conditional
updates (``UPDATE ... WHERE status = source``), so two workers or two approvers racing
for the same order make one transition, never two.

Allowed moves (anything else raises :class:`TransitionError`)::

    ''           -> parse_dialog            the order is recorded (dialog values valid)
    parse_dialog -> approve | run_job       approval needed or not
    approve      -> run_job | denied        an approver decides
    run_job      -> done | failed           the order's job ends
    failed       -> run_job                 the failed job is retried
"""

from __future__ import annotations

from django.db import transaction

from .exceptions import TransitionError
from .models import Job, Order, OrderTransition

ALLOWED = {
    "": {Order.PARSE_DIALOG},
    Order.PARSE_DIALOG: {Order.APPROVE, Order.RUN_JOB},
    Order.APPROVE: {Order.RUN_JOB, Order.DENIED},
    Order.RUN_JOB: {Order.DONE, Order.FAILED},
    Order.FAILED: {Order.RUN_JOB},
}


def actor_name(user, fallback: str = "system") -> str:
    """Words for who acted: the username, or ``fallback`` for the system."""
    return user.get_username() if user is not None and user.is_authenticated else fallback


def start(order: Order, user=None, note: str = "") -> OrderTransition:
    """Record the first step of a new order (``'' -> parse_dialog``): its dialog was parsed."""
    return OrderTransition.objects.create(
        order=order, source="", target=Order.PARSE_DIALOG, user=user, actor=actor_name(user), note=note
    )


def move(
    order: Order, target: str, user=None, actor: str = "", note: str = "", source: str | None = None
) -> OrderTransition:
    """Move ``order`` from its current status to ``target``, atomically, and record it.

    :param user: the person acting (None for the system; then ``actor`` names it).
    :param source: the status the caller expects the order at (e.g. ``approve`` for an
        approval); None accepts any status ``target`` may follow.
    :raises TransitionError: ``target`` is not allowed from the order's status, or the
        order moved meanwhile (the row is re-read; ``order.status`` is refreshed).
    """
    with transaction.atomic():
        current = Order.objects.filter(pk=order.pk).values_list("status", flat=True).first()
        if current is None or target not in ALLOWED.get(current, ()) or source not in (None, current):
            raise TransitionError(order, target, current or "")
        if not Order.objects.filter(pk=order.pk, status=current).update(status=target):
            order.refresh_from_db(fields=["status"])
            raise TransitionError(order, target, order.status)
        order.status = target
        return OrderTransition.objects.create(
            order=order, source=current, target=target, user=user, actor=actor or actor_name(user), note=note
        )


def job_finished(job: Job, actor: str) -> OrderTransition | None:
    """Close the order a job ran for: successful -> ``done``; failed, error, canceled -> ``failed``.

    Jobs of later operations (scale, delete) carry no order and change nothing here.
    Returns the transition, or None when the job has no order or the order is not at
    ``run_job`` (already closed by a concurrent finisher).
    """
    if job.order is None or not job.done:
        return None
    target = Order.DONE if job.status == Job.SUCCESSFUL else Order.FAILED
    note = f"job {job.pk} {job.status}" + (f": {job.message.splitlines()[0]}" if job.message.strip() else "")
    try:
        return move(job.order, target, actor=actor, note=note[:1000])
    except TransitionError:
        return None

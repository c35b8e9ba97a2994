"""What a job's message says of a failed task (:func:`nfvo.runner.failure_reason`)."""

from __future__ import annotations

from nfvo.runner import LOOP_FAILED, failure_reason


def test_a_failed_task_says_its_message():
    assert failure_reason({"msg": "Heat stack x is CREATE_FAILED: no image"}, "failed") == (
        "Heat stack x is CREATE_FAILED: no image"
    )
    assert failure_reason({}, "unreachable") == "unreachable"


def test_a_failed_loop_says_its_first_failed_items_message():
    res = {
        "msg": LOOP_FAILED,
        "results": [
            {"failed": False, "msg": "labelled"},
            {"failed": True, "msg": "Failed to retrieve requested object: Forbidden"},
            {"failed": True, "msg": "second"},
        ],
    }
    assert failure_reason(res, "failed") == "Failed to retrieve requested object: Forbidden"
    assert failure_reason({"msg": LOOP_FAILED, "results": [{"failed": True}]}, "failed") == LOOP_FAILED

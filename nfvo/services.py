"""Catalogue and ordering: publish a translated service, order it, run lifecycle operations.

ManageIQ's flow for Ansible playbook services (parse_dialog -> run_job), with the order
stored before anything is queued: the job is enqueued only after the transaction that
created it commits, so an accepted order is never lost to a broker hiccup.
"""

from __future__ import annotations

import hashlib
import json
import re

import git
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from translators.git_push import Pushed, push_files

from . import dialog, dispatch, kinds, orders, parts, remotes, runner, scaling
from .exceptions import (
    DialogError,
    JobNotFinished,
    NameTaken,
    RefNotFound,
    RepositoryUnreadable,
    TransitionError,
    UnknownOperation,
)
from .models import CatalogueItem, Job, Order, ServiceInstance, Site, Tenant

SHA = re.compile(r"^[0-9a-f]{40}$")


def claim_name(name: str, owner: Tenant | None, take_over: bool = False) -> CatalogueItem | None:
    """The item named ``name`` when ``owner`` (None: the system) may publish under that name,
    None when the name is free. A name belongs to the tenant that first published it, or to
    the system; ``take_over`` (superusers, :func:`nfvo.access.may_take_over`) hands it over.

    :raises NameTaken: the item belongs to someone else.
    """
    item = CatalogueItem.objects.filter(name=name).first()
    if item is not None and item.owner_id != (owner.pk if owner else None) and not take_over:
        raise NameTaken(
            f"catalogue item {name} belongs to another tenant (or is a system item): "
            "only its owner's operators publish under that name; choose another name"
        )
    return item


def share(item: CatalogueItem, shared, created: bool = False) -> None:
    """Set the tenants ``item`` is shared with. ``shared``: a list of tenants (empty: every
    tenant; its owner is added to a non-empty list), or None: a new tenant item is shared
    with its owner only, a new system item with every tenant, an existing item keeps its
    tenants. Who may share with every tenant is :func:`nfvo.access.may_share`."""
    if shared is None:
        if created and item.owner_id is not None:
            item.tenants.set([item.owner_id])
        return
    shared = list(shared)
    if shared and item.owner_id is not None and item.owner not in shared:
        shared.append(item.owner)
    item.tenants.set(shared)


def publish_item(
    published: Pushed, index_text: str, owner: Tenant | None = None, take_over: bool = False
) -> CatalogueItem:
    """Create or update the catalogue item of a published service (``service.json`` text)
    for ``owner`` (None: the system). A new item of a tenant is shared with it only; an
    existing one keeps its approval, sharing, timeout and queue.

    Its dialog comes from the inputs (:func:`nfvo.dialog.schema_from_inputs`), its ``scale``
    parameters from the levels and aspects the service offers (``scaling``,
    :func:`nfvo.scaling.dialog`).

    :raises DialogError: an input's name may not be a dialog field.
    :raises NameTaken: the name belongs to another owner (:func:`claim_name`).
    :raises nfvo.remotes.RemoteRefused: ``published.remote`` is not an allowed remote.
    """
    index = json.loads(index_text)
    remotes.check(published.remote)
    with transaction.atomic():
        claim_name(index["service"], owner, take_over)
        item, created = CatalogueItem.objects.update_or_create(
            name=index["service"],
            defaults={
                "kind": "service",
                "description": index.get("description", ""),
                "repository": published.remote,
                "ref": published.branch,
                "folder": published.folder,
                "playbooks": index["playbooks"],
                "dialog": dialog.schema_from_inputs(index.get("inputs") or []),
                "operation_dialogs": (
                    {"scale": scaling.dialog(index.get("scaling"))} if "scale" in index["playbooks"] else {}
                ),
                "sites": [p["site"] for p in index.get("parts") or []],
                "source": index.get("source", ""),
                "digest": index.get("digest", ""),
                "published_commit": published.commit,
                "owner": owner,
            },
        )
        share(item, None, created)
    return item


def resolve_commit(repository: str, ref: str) -> str:
    """The commit SHA ``ref`` names in ``repository`` now (so later pushes don't change a run).
    The repository is checked against the allowed remotes first, even for a SHA ref.

    :raises nfvo.remotes.RemoteRefused: the repository is not an allowed remote (git did not run).
    :raises RepositoryUnreadable: git could not read it.
    :raises LookupError: the ref does not exist.
    """
    remotes.check(repository)
    if SHA.match(ref):
        return ref
    try:
        out = remotes.ls_remote(repository, ref)
    except git.GitCommandError as exc:
        raise RepositoryUnreadable(f"cannot read the repository: {(exc.stderr or '').strip()[:500]}") from None
    if not out:
        raise RefNotFound(f"{repository} has no ref {ref!r}")
    return out.split()[0]


def place_order(
    item: CatalogueItem, parameters: dict, mode: str = "apply", limit: str = "", name: str = "", user=None, tenant=None
) -> Order:
    """Order ``item``: parse the dialog, pin the commit, record order + service instance.

    The order then waits for approval (items with ``requires_approval``) or starts its
    create job at once; the job is enqueued after the transaction commits. ``tenant``
    owns the instance (None: a system order, seen by admins only); ``user`` placed the
    order. Access checks are the caller's (:mod:`nfvo.access`).

    :raises DialogError: parameters that break the item's dialog schema (nothing stored).
    :raises nfvo.remotes.RemoteRefused: the item's repository is no longer an allowed remote.
    :raises LookupError: the item's ref does not exist any more (nothing stored).
    """
    values = dialog.check(item.dialog, parameters)
    _check_mode_and_limit(mode, limit)
    remotes.check(item.repository)  # before anything reaches it (prepared kinds commit to it)
    prepared = kinds.get(item.kind).prepare(item, values)
    commit = _commit_prepared(item, prepared) if prepared is not None else resolve_commit(item.repository, item.ref)
    values = dialog.seal(item.dialog, values)  # writeOnly fields are stored encrypted
    with transaction.atomic():
        instance = ServiceInstance.objects.create(item=item, name=name or item.name, parameters=values, tenant=tenant)
        order_row = Order.objects.create(
            item=item, instance=instance, parameters=values, commit=commit, mode=mode, limit=limit, user=user
        )
        orders.start(order_row, user, note=f"dialog valid; commit {commit}")
        if item.requires_approval:
            orders.move(order_row, Order.APPROVE, user, note="waiting for an operator of the tenant")
        else:
            _order_job(order_row, user, "no approval needed")
    return order_row


def order(
    item: CatalogueItem, parameters: dict, mode: str = "apply", limit: str = "", name: str = "", user=None, tenant=None
) -> Job:
    """:func:`place_order` for an item that needs no approval; returns the order's create job.

    :raises ValueError: the item requires approval (use :func:`place_order`).
    """
    if item.requires_approval:
        raise ValueError(f"{item.name} requires approval; place the order and approve it")
    return place_order(item, parameters, mode, limit, name, user, tenant).jobs.get()


def approve(order_row: Order, user, note: str = "") -> Job:
    """An approver accepts an order waiting at ``approve``: it moves to ``run_job`` and its
    create job is queued. Who may approve is the caller's check (:func:`nfvo.access.may_approve`).

    :raises orders.TransitionError: the order is not waiting for approval.
    """
    with transaction.atomic():
        return _order_job(order_row, user, note or "approved", source=Order.APPROVE)


def deny(order_row: Order, user, note: str = "") -> Order:
    """An approver turns down an order waiting at ``approve``; its instance becomes ``denied``.

    :raises orders.TransitionError: the order is not waiting for approval.
    """
    with transaction.atomic():
        orders.move(order_row, Order.DENIED, user, note=note or "denied", source=Order.APPROVE)
        ServiceInstance.objects.filter(pk=order_row.instance_id).update(state="denied")
    return order_row


def _order_job(order_row: Order, user, note: str, source: str | None = None) -> Job:
    """Move the order to ``run_job`` and create its create job (call inside a transaction)."""
    orders.move(order_row, Order.RUN_JOB, user, note=note, source=source)
    return _job(
        order_row.instance,
        "create",
        order_row.mode,
        order_row.limit,
        order_row.commit,
        order_row.parameters,
        order_row,
        user=user,
    )


def _commit_prepared(item: CatalogueItem, prepared: kinds.Prepared) -> str:
    """Commit an order's files to the item's repository (its own working clone); the SHA."""
    clone = settings.VAR_DIR / "git" / "clones" / hashlib.sha256(item.repository.encode()).hexdigest()[:16]
    folder = f"{item.folder}/{prepared.folder}".strip("/")
    return push_files(
        prepared.files, folder, prepared.message or f"{item.name}: order files", item.repository, clone, branch=item.ref
    ).commit


def operate(
    instance: ServiceInstance,
    operation: str,
    mode: str = "apply",
    limit: str = "",
    extra: dict | None = None,
    user=None,
) -> Job:
    """Run a lifecycle operation (``delete``, ``scale``, ...) on an ordered instance.

    Runs the commit the instance was ordered at, with its dialog values plus ``extra``:
    the parameters are checked against the schema the item declares for ``operation``
    (``operation_dialogs``: required fields and defaults as it says) or else against the
    item's dialog (any of its fields, none required); both are closed unless they say
    otherwise, and names such as ``ansible_*`` are refused (:func:`nfvo.dialog.check`).

    :raises KeyError: the item has no playbook for ``operation``.
    :raises DialogError: parameters that break the schema (nothing stored, nothing queued).
    """
    _check_mode_and_limit(mode, limit)
    item = instance.item
    if operation not in item.playbooks:
        raise UnknownOperation(f"{item.name} has no {operation!r} playbook")
    schema = (item.operation_dialogs or {}).get(operation)
    extra = dialog.check(schema if schema is not None else item.dialog, extra or {}, partial=schema is None)
    commit = instance.orders.latest("id").commit
    with transaction.atomic():
        sealed = dialog.seal(
            {"properties": {**(item.dialog.get("properties") or {}), **((schema or {}).get("properties") or {})}}, extra
        )
        values = {**instance.parameters, **sealed}
        return _job(instance, operation, mode, limit, commit, values, user=user)


def _check_mode_and_limit(mode: str, limit: str) -> None:
    if mode not in dialog.MODES:
        raise DialogError({"mode": f"{mode!r} is not one of {list(dialog.MODES)}"}, top=True)
    unknown = [s for s in filter(None, limit.split(",")) if not Site.objects.filter(name=s).exists()]
    if unknown:
        raise DialogError({"limit": f"unknown sites: {', '.join(unknown)}"}, top=True)


def _job(instance, operation, mode, limit, commit, values, order_row=None, retry_of=None, user=None) -> Job:
    item = instance.item
    job = Job.objects.create(
        order=order_row,
        instance=instance,
        operation=operation,
        user=user,
        playbook=item.playbooks[operation],
        mode=mode,
        limit=limit,
        repository=item.repository,
        folder=item.folder,
        commit=commit,
        extra_vars=values,
        timeout=item.timeout,
        queue=item.queue,
        retry_of=retry_of,
    )
    transaction.on_commit(lambda: dispatch.job(job))
    return job


def cancel(job: Job, user=None) -> Job:
    """Cancel a job: at once if it has not started, through ansible-runner if it runs."""
    with transaction.atomic():
        Job.objects.filter(Q(pk=job.pk) | Q(parent_id=job.pk)).update(cancel_requested=True)
        stopped = Job.objects.filter(pk=job.pk, status__in=[Job.PENDING, Job.WAITING]).update(
            status=Job.CANCELED, message="canceled before it started", finished=timezone.now()
        )
        job.refresh_from_db()
        if stopped:
            orders.job_finished(job, actor=orders.actor_name(user))
    if job.parts.exists():  # split in parts (nfvo.parts): ends now unless a part is running
        parts.advance(job.pk, runner.finish)
        job.refresh_from_db()
    return job


def retry(job: Job, user=None) -> Job:
    """Run a finished job's operation again (same commit, values, mode and limit).

    Retrying the create job of a failed order moves that order back to ``run_job``.
    """
    if not job.done:
        raise JobNotFinished(f"job {job.pk} is {job.status}; only a finished job can be retried")
    with transaction.atomic():
        order_row = None
        if job.order is not None:
            try:
                orders.move(job.order, Order.RUN_JOB, user, note=f"retry of job {job.pk}", source=Order.FAILED)
                order_row = job.order
            except TransitionError:
                pass  # the order did not fail (e.g. a successful job run again): the retry is on its own
        return _job(
            job.instance,
            job.operation,
            job.mode,
            job.limit,
            job.commit,
            job.extra_vars,
            order_row=order_row,
            retry_of=job,
            user=user,
        )


def publish_repository(
    name: str,
    repository: str,
    ref: str,
    folder: str,
    playbooks: dict,
    sites: list,
    dialog_schema: dict | None = None,
    description: str | None = None,
    timeout: int | None = None,
    queue: str | None = None,
    kind: str = "playbooks",
    requires_approval: bool | None = None,
    tenants=None,
    owner: Tenant | None = None,
    take_over: bool = False,
    operation_dialogs: dict | None = None,
) -> CatalogueItem:
    """Publish any git repository of playbooks as a catalogue item (ManageIQ's path) for
    ``owner`` (None: a system item).

    ``sites`` holds site names and ``{kind, labels}`` selectors (:func:`nfvo.sites.select`);
    ``tenants`` are those it is shared with (:func:`share`; None: a new item of a tenant is
    shared with it only, a new system item with every tenant, an existing item keeps them).
    ``description``, ``timeout`` (seconds), ``queue`` and ``requires_approval`` left None
    keep an existing item's values (the model's defaults for a new one). Access checks are
    the caller's (:mod:`nfvo.access`); the name rule is :func:`claim_name`.
    ``dialog_schema`` and each of ``operation_dialogs`` (``{operation: schema}``, the
    parameters of operations that take their own) are stored closed unless they say
    otherwise (:func:`nfvo.dialog.publishable`).

    :raises NameTaken: the name belongs to another owner (nothing changed, git not run).
    :raises nfvo.remotes.RemoteRefused: ``repository`` is not an allowed remote (git not run).
    :raises RepositoryUnreadable: git could not read ``repository``.
    :raises LookupError: ``ref`` does not exist in ``repository``.
    :raises DialogError: a dialog names a field it may not have (``ansible_*``, ``rdcl_*``...).
    """
    schema = dialog.publishable(dialog_schema or {"type": "object", "properties": {}})
    per_operation = {}
    for operation, op_schema in (operation_dialogs or {}).items():
        try:
            per_operation[operation] = dialog.publishable(op_schema)
        except DialogError as exc:
            raise DialogError({f"operation_dialogs.{operation}.{k}": v for k, v in exc.errors.items()}) from None
    remotes.check(repository)
    claim_name(name, owner, take_over)
    commit = resolve_commit(repository, ref)
    kept = {"description": description, "timeout": timeout, "queue": queue, "requires_approval": requires_approval}
    with transaction.atomic():
        claim_name(name, owner, take_over)
        item, created = CatalogueItem.objects.update_or_create(
            name=name,
            defaults={
                "repository": repository,
                "ref": ref,
                "folder": folder,
                "playbooks": playbooks,
                "sites": sites,
                "published_commit": commit,
                "kind": kind,
                "dialog": schema,
                "operation_dialogs": per_operation,
                "owner": owner,
                **{key: value for key, value in kept.items() if value is not None},
            },
        )
        share(item, tenants, created)
    return item


def refresh(item: CatalogueItem) -> CatalogueItem:
    """Pick up the newest commit of the item's ref (webhook or refresh button).

    :raises nfvo.remotes.RemoteRefused: the item's repository is no longer an allowed remote.
    :raises LookupError: the ref is gone or the repository cannot be read.
    """
    item.published_commit = resolve_commit(item.repository, item.ref)
    item.save(update_fields=["published_commit"])
    return item

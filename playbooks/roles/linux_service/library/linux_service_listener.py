#!/usr/bin/python
"""Ansible module of the linux_service role: is the process the role started alive, and is it
(or a process it started) the one listening on the part's TCP port?

``wait_for`` on the port alone cannot tell: when another process already holds the port, the
part's own process dies at once ("Address already in use") and the port still answers.
This module reads Linux's ``/proc`` (``/proc/net/tcp{,6}`` for listening sockets and their
inodes, ``/proc/<pid>/fd`` for who holds them, ``/proc/<pid>/stat`` for state and parent),
so it needs no ``ss`` or ``lsof`` on the host.
"""

from __future__ import annotations

DOCUMENTATION = r"""
module: linux_service_listener
short_description: Check that a service part's process is alive and listens on its port
description:
  - Finds the part's main process from O(pidfile) (start-stop-daemon) or from the C(MainPID)
    of the systemd O(unit), re-read on every try (systemd may restart it).
  - Succeeds when that process or one of its descendants holds a listening TCP socket on
    O(port) bound to O(address) or to a wildcard address.
  - Fails as soon as the process is gone (start-stop-daemon), or after O(timeout) seconds,
    naming the pid and what holds the port instead when that can be seen.
  - Without O(port), only checks that the process is alive.
  - Reads C(/proc): Linux only. Changes nothing.
options:
  name: {description: Name of the part, for messages., type: str, required: true}
  pidfile: {description: Pidfile written by start-stop-daemon., type: path}
  unit: {description: Systemd unit whose C(MainPID) is the process., type: str}
  port: {description: TCP port the process must listen on., type: int}
  address: {description: Address the port is probed on (a name is resolved)., type: str, default: ""}
  timeout: {description: Seconds to wait for the process to listen., type: float, default: 10}
  log: {description: Log file of the process, named in messages., type: str, default: ""}
"""

RETURN = r"""
pid: {description: The part's main process., type: int, returned: success}
listener: {description: Pid holding the listening socket (the main process or a descendant)., type: int,
           returned: success with a port}
"""

import os
import socket
import subprocess
import time

from ansible.module_utils.basic import AnsibleModule

LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp
WILDCARDS = {"0.0.0.0", "::"}


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def _stat(pid):
    """``(state, ppid)`` of ``pid`` from /proc/<pid>/stat, or None when it does not exist."""
    text = _read(f"/proc/{pid}/stat")
    if not text:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def _alive(pid):
    found = _stat(pid)
    return found is not None and found[0] not in ("Z", "X")


def _command(pid):
    raw = _read(f"/proc/{pid}/cmdline") or ""
    return " ".join(raw.split("\0")).strip() or (_read(f"/proc/{pid}/comm") or "?").strip()


def _tree(root):
    """``root`` and its descendants (pids)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            found = _stat(entry)
            if found:
                parents[int(entry)] = found[1]
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, ppid in parents.items() if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    return tree


def _address(hex_addr):
    """The text form of a /proc/net/tcp{,6} address (little-endian 32-bit words)."""
    raw = bytes.fromhex(hex_addr)
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    if len(words) == 4:
        return socket.inet_ntop(socket.AF_INET, words)
    text = socket.inet_ntop(socket.AF_INET6, words)
    return text[7:] if text.startswith("::ffff:") and "." in text else text


def _listeners(port):
    """``{inode: address}`` of the listening TCP sockets on ``port``."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in (_read(table) or "").splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            addr, hex_port = local.rsplit(":", 1)
            if state == LISTEN and int(hex_port, 16) == port and inode != "0":
                found[inode] = _address(addr)
    return found


def _holders(inodes):
    """``{inode: pid}`` for the sockets in ``inodes`` held by a process this user can see."""
    wanted = {f"socket:[{inode}]": inode for inode in inodes}
    held = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fds = os.listdir(f"/proc/{entry}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{entry}/fd/{fd}")
            except OSError:
                continue
            if target in wanted:
                held.setdefault(wanted[target], int(entry))
    return held


def _addresses(name):
    """The addresses ``name`` stands for, plus the wildcards; None (any) when unresolvable."""
    if not name:
        return None
    try:
        infos = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return None
    return {info[4][0] for info in infos} | WILDCARDS


def _main_pid(module, params):
    """The part's main pid now (0 when there is none)."""
    if params["unit"]:
        systemctl = module.get_bin_path("systemctl", required=True)
        run = subprocess.run(
            [systemctl, "show", "--property=MainPID", "--value", params["unit"]],
            capture_output=True,
            text=True,
            check=False,
        )
        return int(run.stdout.strip() or 0) if run.returncode == 0 else 0
    text = (_read(params["pidfile"]) or "").strip()
    return int(text) if text.isdigit() else 0


def _listening(port, accepted):
    """``{pid: command}`` of the visible holders of a listening socket on ``port`` at one of
    the ``accepted`` addresses (None: any), and how many such sockets no visible process holds."""
    sockets = {inode for inode, addr in _listeners(port).items() if accepted is None or addr in accepted}
    holders = _holders(sockets)
    return {pid: _command(pid) for pid in holders.values()}, len(sockets) - len(holders)


def check(module, params):
    """``(ok, facts)``: poll until the main process or a descendant listens (ok), or the
    process is gone (start-stop-daemon: at once; systemd may restart it: at ``timeout``), or
    ``timeout`` passes (not ok; ``facts["msg"]`` says why and what holds the port)."""
    deadline = time.monotonic() + params["timeout"]
    accepted = _addresses(params["address"])
    port = params["port"]
    while True:
        pid = _main_pid(module, params)
        alive = pid > 0 and _alive(pid)
        if alive and port is None:
            return True, {"pid": pid}
        if alive:
            holders, hidden = _listening(port, accepted)
            ours = sorted(set(holders) & _tree(pid))
            if ours:
                return True, {"pid": pid, "listener": ours[0]}
        if (not alive and not params["unit"]) or time.monotonic() >= deadline:
            break  # start-stop-daemon does not restart a process: gone is gone for good
        time.sleep(0.2)
    where = f"{params['address'] or '*'}:{port}"
    log = f"; see its log {params['log']}" if params["log"] else ""
    source = f"MainPID of {params['unit']}" if params["unit"] else f"pidfile {params['pidfile']}"
    if port is not None and not alive:
        holders, hidden = _listening(port, accepted)
    held = (
        "; ".join([f"pid {p} ({c})" for p, c in sorted(holders.items())] + ["a process of another user"] * bool(hidden))
        if port is not None
        else ""
    )
    if not alive:
        what = f"process {pid} ({source}) is not running" if pid else f"no process is running ({source})"
        tail = f"; port {where} is held by {held} (address already in use?)" if held else ""
        return False, {"pid": pid, "msg": f"{params['name']}: {what}{tail}{log}"}
    if held:
        return False, {
            "pid": pid,
            "msg": f"{params['name']}: process {pid} ({source}) is alive but not the one "
            f"listening on port {where}: {held} is{log}",
        }
    return False, {
        "pid": pid,
        "msg": f"{params['name']}: process {pid} ({source}) does not listen on "
        f"port {where} after {params['timeout']:g} s{log}",
    }


def main():
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "pidfile": {"type": "path"},
            "unit": {"type": "str"},
            "port": {"type": "int"},
            "address": {"type": "str", "default": ""},
            "timeout": {"type": "float", "default": 10},
            "log": {"type": "str", "default": ""},
        },
        required_one_of=[("pidfile", "unit")],
        mutually_exclusive=[("pidfile", "unit")],
        supports_check_mode=True,
    )
    ok, facts = check(module, module.params)
    if ok:
        module.exit_json(changed=False, **facts)
    module.fail_json(**facts)


if __name__ == "__main__":
    main()

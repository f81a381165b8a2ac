"""A tiny screen reader for the AT-SPI tests: reads the desk over the accessibility bus.

Runs under the *system* Python (``/usr/bin/python3``), not the project's venv: pyatspi is the
Debian package python3-pyatspi, built on PyGObject and libatspi for the system interpreter,
and it is not on PyPI. Running it as its own process is also what a real screen reader does
(Orca is a separate process reading the application over D-Bus), so nothing here can see
the desk's Python objects, only what AT-SPI exposes.

Protocol: one JSON object a line. Requests on stdin ``{"id": n, "cmd": ..., ...}``; replies
on stdout ``{"id": n, ...}``; events the reader listens to are written as
``{"event": type, "role": ..., "name": ..., "data": ...}`` whenever they arrive.

Commands:
    ``tree`` (``pid``): every showing object of that process's application, flattened
        (role, name, description, states, text, labelled-by); the inside of tables, trees
        and lists is summarised, not walked (a queue page has hundreds of cells).
    ``find`` (``pid``): whether that process's application is on the bus yet.
    ``listen`` (``events``): start forwarding those AT-SPI event types.
    ``quit``: stop.
"""

from __future__ import annotations

import json
import os
import sys

import pyatspi
from gi.repository import Atspi, GLib

# Roles whose cells are not walked: the table itself is checked, and a cell's name is its text.
_CONTAINERS = {"table", "tree table", "tree", "list", "list box", "table row", "tree item"}
_TEXT_LIMIT = 2000


def _send(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _states(obj) -> list[str]:
    states = obj.getState().getStates()
    return sorted(pyatspi.stateToString(s) for s in states)


def _text(obj) -> str | None:
    try:
        text = obj.queryText()
    except NotImplementedError:
        return None
    return text.getText(0, min(text.characterCount, _TEXT_LIMIT))


def _labelled_by(obj) -> list[dict]:
    labels = []
    for relation in obj.getRelationSet():
        if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
            for i in range(relation.getNTargets()):
                target = relation.getTarget(i)
                if target is not None:
                    labels.append({"name": target.name or "", "role": target.getRoleName()})
    return labels


def _node(obj, path: str) -> dict:
    role = obj.getRoleName()
    node = {
        "path": path,
        "role": role,
        "name": obj.name or "",
        "description": obj.description or "",
        "states": _states(obj),
        "text": _text(obj),
        "labelled_by": _labelled_by(obj),
        "children": obj.childCount,
    }
    if role in ("table", "tree table"):
        try:
            table = obj.queryTable()
            node["rows"], node["columns"] = table.nRows, table.nColumns
        except NotImplementedError:
            pass
    return node


def _walk(obj, path: str, out: list[dict]) -> None:
    try:
        node = _node(obj, path)
    except Exception as exc:  # noqa: BLE001 — a vanished object is reported, not fatal
        out.append({"path": path, "error": str(exc)})
        return
    out.append(node)
    if node["role"] in _CONTAINERS or "showing" not in node["states"] and path != "0":
        return
    for index in range(obj.childCount):
        child = obj.getChildAtIndex(index)
        if child is not None:
            _walk(child, f"{path}/{index}", out)


def _application(pid: int):
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        if app is not None and app.get_process_id() == pid:
            return app
    return None


def _tree(request: dict) -> dict:
    app = _application(int(request["pid"]))
    if app is None:
        return {"error": "application not on the bus"}
    # Read afresh: libatspi caches names, states and children (kept up to date only by the
    # events someone listens to), and the test wants what is on screen now.
    app.set_cache_mask(Atspi.Cache.NONE)
    app.clear_cache()
    out: list[dict] = []
    for index in range(app.childCount):
        window = app.getChildAtIndex(index)
        if window is not None:
            _walk(window, str(index), out)
    return {"tree": out, "app": app.name}


def _event(event) -> None:
    source = event.source
    try:
        role, name = source.getRoleName(), source.name
    except Exception:  # noqa: BLE001 — the source may be gone already
        role, name = "", ""
    data = event.any_data
    _send(
        {
            "event": event.type,
            "role": role,
            "name": name or "",
            "detail1": event.detail1,
            # A tuple rather than ``str | int``: the system Python may be older than the venv.
            "data": data if isinstance(data, (str, int, float, bool, type(None))) else str(data),
        }
    )


def _handle(request: dict) -> bool:
    command = request.get("cmd")
    reply: dict = {"id": request.get("id")}
    try:
        if command == "tree":
            reply.update(_tree(request))
        elif command == "find":
            reply["found"] = _application(int(request["pid"])) is not None
        elif command == "listen":
            pyatspi.Registry.registerEventListener(_event, *request["events"])
            reply["ok"] = True
        elif command == "quit":
            _send(reply)
            pyatspi.Registry.stop()
            return False
        else:
            reply["error"] = f"unknown command {command!r}"
    except Exception as exc:  # noqa: BLE001 — the test shows the reader's error
        reply["error"] = f"{type(exc).__name__}: {exc}"
    _send(reply)
    return True


_pending = b""


def _stdin_ready(channel, condition) -> bool:
    global _pending
    chunk = os.read(sys.stdin.fileno(), 65536) if condition & GLib.IO_IN else b""
    if not chunk:
        pyatspi.Registry.stop()
        return False
    _pending += chunk
    while b"\n" in _pending:
        line, _pending = _pending.split(b"\n", 1)
        if line.strip() and not _handle(json.loads(line)):
            return False
    return True


def main() -> None:
    """Serve requests until stdin closes or ``quit`` arrives."""
    GLib.io_add_watch(
        GLib.IOChannel.unix_new(sys.stdin.fileno()),
        GLib.PRIORITY_DEFAULT,
        GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR,
        _stdin_ready,
    )
    _send({"ready": True})
    pyatspi.Registry.start()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Notes: an external plugin in Python, speaking JSON-RPC 2.0 over stdio (one message per line).

As a long-lived plugin (interface "rpc"), it answers the host's requests (initialize,
configure, invoke, stop), receives the host events it asked for as notifications, and
calls the host's API with its token. Started with --task (the entry's task execArgs),
it runs one task: the host's `run` request, with progress notifications.
Plain Python 3, no packages. Notes are kept in the plugin's private data folder.
"""
import json
import os
import sys


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def log(level, text):
    # stderr lines with a level prefix become log lines of that level in the host.
    sys.stderr.write("%s: %s\n" % (level, text))
    sys.stderr.flush()


class Host:
    """Requests to the host; what arrives while waiting for the answer is handled in order."""

    def __init__(self, handle):
        self.handle = handle
        self.next_id = 0
        self.token = None

    def call(self, method, *args):
        self.next_id += 1
        request_id = "notes-%d" % self.next_id
        send({"jsonrpc": "2.0", "id": request_id, "method": "call",
              "params": {"token": self.token, "method": method, "args": list(args)}})
        for line in sys.stdin:
            message = json.loads(line)
            if message.get("id") == request_id and "method" not in message:
                if "error" in message:
                    raise RuntimeError(message["error"]["message"])
                return message.get("result")
            self.handle(message)
        sys.exit(0)


class Notes:
    def __init__(self):
        self.host = Host(self.handle)
        self.path = None

    def load(self):
        if self.path and os.path.exists(self.path):
            with open(self.path) as file:
                return json.load(file)
        return []

    def save(self, notes):
        with open(self.path, "w") as file:
            json.dump(notes, file)

    # host -> plugin requests
    def initialize(self, params):
        self.host.token = params["token"]
        self.path = os.path.join(params["dataDir"], "notes.json")
        log("INFO", "notes kept in %s" % self.path)
        return {
            "meta": {"name": "notes", "version": "1.0.0", "api": "^1.0.0",
                     "repository": "https://example.invalid/paddock/examples/external/notes"},
            "actions": [
                {"name": "add", "description": "Add a note",
                 "params": {"type": "object", "properties": {"text": {"type": "string", "minLength": 1}},
                            "required": ["text"], "additionalProperties": False}},
                {"name": "list", "description": "All notes"},
            ],
            # Host events to receive (as "event" notifications).
            "events": ["note"],
        }

    def invoke(self, params):
        if params["action"] == "add":
            notes = self.load() + [params["params"]["text"]]
            self.save(notes)
            self.host.call("log", "info", "note %d added" % len(notes))
            return len(notes)
        if params["action"] == "list":
            return self.load()
        raise ValueError("no action " + params["action"])

    def handle(self, message):
        method, params = message.get("method"), message.get("params") or {}
        if method is None:
            return
        if "id" not in message:  # a notification
            if method == "event" and params["name"] == "note":
                self.save(self.load() + [str(params["data"])])
            elif method == "token":
                self.host.token = params["token"]
            return
        handlers = {"initialize": self.initialize, "invoke": self.invoke, "stop": lambda _: True,
                    "configure": lambda _: None}
        if method not in handlers:
            send({"jsonrpc": "2.0", "id": message["id"], "error": {"code": -32601, "message": "no method " + method}})
            return
        try:
            send({"jsonrpc": "2.0", "id": message["id"], "result": handlers[method](params)})
        except Exception as error:
            send({"jsonrpc": "2.0", "id": message["id"], "error": {"code": 1, "message": str(error)}})
        if method == "stop":
            sys.exit(0)


def run_task(request):
    """One task run: the host's `run` request, answered once; progress as notifications."""
    params = request["params"]
    path = os.path.join(params["plugin"]["dataDir"], "notes.json")
    notes = json.load(open(path)) if os.path.exists(path) else []
    counts = {}
    for index, note in enumerate(notes):
        for word in note.lower().split():
            counts[word] = counts.get(word, 0) + 1
        send({"jsonrpc": "2.0", "method": "progress",
              "params": {"value": (index + 1) / len(notes), "message": "note %d of %d" % (index + 1, len(notes))}})
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[: params["params"].get("top", 3)]
    send({"jsonrpc": "2.0", "id": request["id"], "result": {"notes": len(notes), "top": top}})


if "--task" in sys.argv:
    for line in sys.stdin:
        message = json.loads(line)
        if message.get("method") == "run":
            run_task(message)
            break
else:
    plugin = Notes()
    for line in sys.stdin:
        if line.strip():
            plugin.handle(json.loads(line))

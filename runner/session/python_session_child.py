"""The entry point of a Python session process, forked by the runner with an IPC channel.

Speaks the protocol of runner/session/protocol.ts as JSON lines on the file descriptor in
NODE_CHANNEL_FD. Blocks run one at a time in the main thread, in one shared globals dict, as
in the seed talk's interpreter. A reader thread receives messages, so that a cancel request
arrives while a block runs: it cancels the CancelScope this file wraps around each
`trio.run` of the run (so the code sees Cancelled and its `finally` blocks run), or, outside
any `trio.run`, raises KeyboardInterrupt in the main thread.
"""

import _thread
import ast
import json
import os
import queue
import sys
import threading
import traceback

CHANNEL_FD = int(os.environ["NODE_CHANNEL_FD"])
_send_lock = threading.Lock()


def send(message):
    data = (json.dumps(message) + "\n").encode("utf-8")
    with _send_lock:
        view = memoryview(data)
        while view:
            written = os.write(CHANNEL_FD, view)
            view = view[written:]


class Run:
    def __init__(self, message):
        self.id = message["runId"]
        self.cap = message["outputCapBytes"]
        self.bytes = 0
        self.capped = False
        self.cancel_requested = False
        self.cancelled_caught = False
        self.scopes = []  # (CancelScope, TrioToken) of the run's active trio.run calls


current_run = None
_run_lock = threading.Lock()


class RunOutput:
    """Replaces sys.stdout / sys.stderr: text goes to the current run."""

    def __init__(self, stream, fallback):
        self.stream = stream
        self.fallback = fallback

    def write(self, text):
        run = current_run
        if run is None:
            return self.fallback.write(text)
        if run.capped:
            return len(text)
        run.bytes += len(text.encode("utf-8", "replace"))
        if run.bytes > run.cap:
            run.capped = True
        send({"type": "output", "runId": run.id, "stream": self.stream, "text": text})
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False


def install_trio_hook():
    """Wraps trio.run so that a cancel request reaches the code. Returns an error text or None."""
    try:
        import trio
    except ImportError as error:
        return (
            f"Python blocks need Trio, which python3 cannot import ({error}). "
            "Install it with: python3 -m pip install trio"
        )
    original_run = trio.run

    def run(async_fn, *args, **kwargs):
        active = current_run
        if active is None:
            return original_run(async_fn, *args, **kwargs)
        caught = []

        async def wrapper():
            with trio.CancelScope() as scope:
                entry = (scope, trio.lowlevel.current_trio_token())
                with _run_lock:
                    active.scopes.append(entry)
                    if active.cancel_requested:
                        scope.cancel()
                try:
                    return await async_fn(*args)
                finally:
                    with _run_lock:
                        active.scopes.remove(entry)
            caught.append(scope.cancelled_caught)

        try:
            return original_run(wrapper, **kwargs)
        finally:
            if caught and caught[0]:
                active.cancelled_caught = True

    trio.run = run
    return None


def cancel(run_id):
    run = current_run
    if run is None or run.id != run_id:
        return
    with _run_lock:
        run.cancel_requested = True
        scopes = list(run.scopes)
    if scopes:
        for scope, token in scopes:
            try:
                token.run_sync_soon(scope.cancel)
            except Exception:
                pass
    else:
        _thread.interrupt_main()


def execute(message, namespace):
    global current_run
    run = Run(message)
    current_run = run
    status, error = "ok", None
    try:
        for step in message["steps"]:
            label = step["label"]
            tree = ast.parse(step["code"], filename=label, mode="exec")
            last = None
            if step["mode"] == "console" and tree.body and isinstance(tree.body[-1], ast.Expr):
                last = ast.Expression(tree.body.pop().value)
            exec(compile(tree, label, "exec"), namespace)
            if last is not None:
                value = eval(compile(last, label, "eval"), namespace)
                if value is not None:
                    send({"type": "result", "runId": run.id, "text": repr(value)})
            if run.cancel_requested:
                break
    except KeyboardInterrupt:
        status = "cancelled" if run.cancel_requested else "error"
        error = None if run.cancel_requested else "KeyboardInterrupt"
    except BaseException:
        status, error = "error", "".join(traceback.format_exception(*sys.exc_info())[1:])
    finally:
        current_run = None
    if run.cancel_requested and (status == "ok" or run.cancelled_caught):
        status, error = "cancelled", None
    send({"type": "done", "runId": run.id, "status": status, "error": error})


def main():
    inbox = queue.Queue()

    def reader():
        with os.fdopen(os.dup(CHANNEL_FD), "rb") as channel:
            for line in channel:
                message = json.loads(line)
                if message["type"] == "cancel":
                    cancel(message["runId"])
                else:
                    inbox.put(message)
        inbox.put(None)

    sys.stdout = RunOutput("stdout", sys.__stdout__)
    sys.stderr = RunOutput("stderr", sys.__stderr__)
    runtime_error = install_trio_hook()
    threading.Thread(target=reader, daemon=True).start()
    send({"type": "ready", "runtimeError": runtime_error})
    namespace = {"__name__": "__main__"}
    if runtime_error is None:
        import trio

        namespace["trio"] = trio
    while True:
        try:
            message = inbox.get()
        except KeyboardInterrupt:
            continue  # a cancel request that arrived between runs
        if message is None:
            return
        if message["type"] == "run":
            execute(message, namespace)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""What the task queue's scripts cost Redis, per task, with no service in between: enqueue N tasks (100 per
call), claim them 32 at a time, complete each; Redis's own time in EVALSHA per task for each phase (INFO
commandstats), over a plain socket (RESP, no client library). The scripts are read as the service sends them
(infrastructure.redis.LuaScript puts lib_task_queue.lua in place of the include line).

    cost.py PORT LUA_DIR [TASKS]   prints one line: enqueue=<us> claim=<us> complete=<us>
"""
import json
import os
import random
import socket
import sys
import time

port, lua_dir = int(sys.argv[1]), sys.argv[2]
tasks = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
sock = socket.create_connection(("127.0.0.1", port))
replies = sock.makefile("rb")


def call(*args):
    out = b"*%d\r\n" % len(args)
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        out += b"$%d\r\n%s\r\n" % (len(data), data)
    sock.sendall(out)
    return read()


def read():
    line = replies.readline()
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        raise RuntimeError(rest.decode())
    if kind == b":":
        return int(rest)
    if kind == b"$":
        size = int(rest)
        return None if size < 0 else replies.read(size + 2)[:-2].decode()
    if kind == b"*":
        size = int(rest)
        return None if size < 0 else [read() for _ in range(size)]
    raise RuntimeError("unexpected reply %r" % line)


lib = open(os.path.join(lua_dir, "lib_task_queue.lua")).read()


def load(name):
    text = open(os.path.join(lua_dir, name + ".lua")).read().replace("-- #include lib_task_queue", lib)
    return call("SCRIPT", "LOAD", text)


ENQUEUE, CLAIM, COMPLETE = load("task_enqueue"), load("task_claim"), load("task_complete")
# As infrastructure.redis.RedisKeys names a queue's keys (prefix "bench", project "scripts", queue "jobs").
queue = "bench:{p:scripts}:q:jobs:"
KEYS = [queue + k for k in "t b r l w x c m".split()] + \
       [queue + "s:" + s for s in "queued scheduled running succeeded failed dead cancelled".split()]
# A lease of an hour: no lease runs out during a run, so upkeep ends no task and no claim answers one twice.
DEFAULTS = json.dumps({"maxAttempts": 3, "lease": 3_600_000, "minDelay": 1000, "maxDelay": 60000,
                       "maxQueued": 10_000_000, "deadTtl": 604800000})


def common():
    return [str(int(time.time() * 1000)), DEFAULTS, "86400000"]


def script_usec():
    for line in call("INFO", "commandstats").split("\r\n"):
        if line.startswith("cmdstat_evalsha:"):
            return int(dict(kv.split("=") for kv in line.split(":", 1)[1].split(","))["usec"])
    return 0


def enqueue():
    for start in range(0, tasks, 100):
        count = min(100, tasks - start)
        args = common() + ["86400000", "bench:tqw:scripts/jobs", str(count)]
        for n in range(start, start + count):
            args += ["t%08d" % n, '{"n":%d}' % n, "0", "0", "", "0", "", ""]
        call("EVALSHA", ENQUEUE, len(KEYS), *KEYS, *args)


claimed = []


def claim():
    while True:
        reply = call("EVALSHA", CLAIM, len(KEYS), *KEYS, *common(), "32", "0", "b%d" % random.randrange(1 << 30))
        each = reply[1:-1]
        if len(each) < 3:
            return
        for i in range(0, len(each) - 2, 3):
            claimed.append((each[i], json.loads(each[i + 1])["lt"]))


def complete():
    for task, token in claimed:
        reply = call("EVALSHA", COMPLETE, len(KEYS), *KEYS, *common(), task, token, "0", "", "0", "0", "")
        if reply[0] != "done":
            raise RuntimeError("complete answered %r" % reply)


call("DEL", *KEYS)
figures = []
for name, phase in (("enqueue", enqueue), ("claim", claim), ("complete", complete)):
    before = script_usec()
    phase()
    figures.append("%s=%.1f" % (name, (script_usec() - before) / tasks))
call("DEL", *KEYS)
print(" ".join(figures))

#!/usr/bin/env python3
# Runs a CNI network configuration list (.conflist) for one network namespace the way the
# container runtime's libcni does for the kubelet: ADD calls each plugin of the list in order,
# each with the previous plugin's result as prevResult, and keeps the final result; DEL calls them
# in reverse order with that result. Usage: cni-exec.py ADD|DEL CONFLIST NETNS_PATH CONTAINER_ID
# (the interface is eth0, the plugins are in /opt/cni/bin). Prints the result of ADD as JSON.
import json
import os
import subprocess
import sys

command, conflist, netns, container = sys.argv[1:5]
cache = f"/run/tsplay-cni-exec-{container}.json"
conf = json.load(open(conflist))
env = {**os.environ, "CNI_COMMAND": command, "CNI_CONTAINERID": container, "CNI_NETNS": netns,
       "CNI_IFNAME": "eth0", "CNI_PATH": "/opt/cni/bin"}


def call(plugin, prev):
    netconf = {**plugin, "name": conf["name"], "cniVersion": conf["cniVersion"]}
    if prev is not None:
        netconf["prevResult"] = prev
    r = subprocess.run([os.path.join("/opt/cni/bin", plugin["type"])], input=json.dumps(netconf).encode(), env=env, capture_output=True)
    if r.returncode != 0:
        sys.exit(f"{plugin['type']} {command} failed ({r.returncode}): {r.stdout.decode()}{r.stderr.decode()}")
    return json.loads(r.stdout) if r.stdout.strip() else prev


if command == "ADD":
    result = None
    for p in conf["plugins"]:
        result = call(p, result)
    json.dump(result, open(cache, "w"))
    print(json.dumps(result))
elif command == "DEL":
    result = json.load(open(cache)) if os.path.exists(cache) else None
    for p in reversed(conf["plugins"]):
        call(p, result)
    if os.path.exists(cache):
        os.remove(cache)
else:
    sys.exit(f"unknown command {command}")

#!/usr/bin/env python3
"""Writes the `ws2sim run` scale scenario of bench/README.md ("ws2sim run at scale").

N Windows 10 clients (one host each) open one connection each, with SO_KEEPALIVE, to servers
that each take 100 of them (a listener's backlog holds 200), and every server crashes at 1 min:
every connection is then dropped by keep-alive at 2 h 1 min 10 s, within the 3 h of the run.

    bench/scale_scenario.py 10000 > /tmp/n10000.json
    ws2sim run /tmp/n10000.json --summary-only
"""
import json
import sys


def scenario(n: int) -> dict:
    per_server = 100
    servers = (n + per_server - 1) // per_server
    hosts = [
        {"name": f"s{j}", "profile": "windows-server-2022",
         "address": f"10.{128 + j // 65536}.{(j // 256) % 256}.{j % 256}"}
        for j in range(servers)
    ]
    hosts += [
        {"name": f"c{i}", "profile": "windows-10-22h2",
         "address": f"10.{(i + 1) // 65536}.{((i + 1) // 256) % 256}.{(i + 1) % 256}"}
        for i in range(n)
    ]
    connections = [
        {"name": f"k{i}", "from": f"c{i}", "to": f"s{i // per_server}", "port": 443,
         "calls": [{"call": "SO_KEEPALIVE", "value": 1}]}
        for i in range(n)
    ]
    faults = [{"type": "crash", "host": f"s{j}", "at": "1m"} for j in range(servers)]
    return {"name": f"scale-{n}", "seed": 1, "duration": "3h", "hosts": hosts,
            "connections": connections, "faults": faults}


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].isdigit() or int(sys.argv[1]) < 1:
        sys.exit("usage: scale_scenario.py CONNECTIONS")
    json.dump(scenario(int(sys.argv[1])), sys.stdout)

#!/usr/bin/env python3
# ICMP echo to one address from the current network namespace (a raw socket, as root), for hosts
# without iputils-ping. Usage: icmp-ping.py ADDRESS [COUNT]; prints "N received" and exits 0 when
# every echo was answered.
import os
import socket
import struct
import sys
import time

addr, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


ident = os.getpid() & 0xFFFF
sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
sock.settimeout(2)
received = 0
for seq in range(1, count + 1):
    payload = b"tsplay-pod-network"
    header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    sock.sendto(struct.pack("!BBHHH", 8, 0, checksum(header + payload), ident, seq) + payload, (addr, 0))
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            data, peer = sock.recvfrom(1024)
        except socket.timeout:
            break
        ihl = (data[0] & 0x0F) * 4
        typ, _code, _sum, rid, rseq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
        if typ == 0 and rid == ident and rseq == seq and peer[0] == addr:
            received += 1
            break
    time.sleep(0.2)
print(f"{count} transmitted, {received} received")
sys.exit(0 if received == count else 1)

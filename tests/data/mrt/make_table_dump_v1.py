#!/usr/bin/env python3
"""Writes table_dump_v1.mrt: TABLE_DUMP (v1, RFC 6396 §4.2) records as old RouteViews and RIS
RIB archives hold them (no such archive is in testdata/), IPv4 and IPv6, 2-byte ASNs.
The MRT reader test compares pfxd's reading of it with `bgpdump -m`, line for line.
Usage: make_table_dump_v1.py OUT"""
import socket
import struct
import sys


def path_attr(flags, code, value):
    if len(value) > 255:
        return bytes([flags | 0x10, code]) + struct.pack(">H", len(value)) + value
    return bytes([flags, code, len(value)]) + value


def common_attrs(path, communities):
    seg = bytes([2, len(path)]) + b"".join(struct.pack(">H", asn) for asn in path)
    a = path_attr(0x40, 1, bytes([0])) + path_attr(0x40, 2, seg)
    if communities:
        a += path_attr(0xC0, 8, b"".join(struct.pack(">HH", *c) for c in communities))
    return a


def record(ts, subtype, body):
    return struct.pack(">IHHI", ts, 12, subtype, len(body)) + body


def v4(ts, seq, prefix, plen, peer, peer_as, path, next_hop, communities=()):
    attrs = common_attrs(path, communities) + path_attr(0x40, 3, socket.inet_aton(next_hop))
    body = (struct.pack(">HH", 0, seq) + socket.inet_aton(prefix) + bytes([plen, 1]) +
            struct.pack(">I", ts - 3600) + socket.inet_aton(peer) +
            struct.pack(">HH", peer_as, len(attrs)) + attrs)
    return record(ts, 1, body)


def v6(ts, seq, prefix, plen, peer, peer_as, path, next_hop, communities=()):
    raw = socket.inet_pton(socket.AF_INET6, prefix)
    nlri = bytes([plen]) + raw[:(plen + 7) // 8]
    mp = struct.pack(">HB", 2, 1) + bytes([16]) + socket.inet_pton(socket.AF_INET6, next_hop)
    attrs = common_attrs(path, communities) + path_attr(0x80, 14, mp + bytes([0]) + nlri)
    body = (struct.pack(">HH", 0, seq) + raw + bytes([plen, 1]) + struct.pack(">I", ts - 3600) +
            socket.inet_pton(socket.AF_INET6, peer) + struct.pack(">HH", peer_as, len(attrs)) +
            attrs)
    return record(ts, 2, body)


records = [
    v4(1136073600, 0, "0.0.0.0", 0, "192.0.2.1", 13335, [13335], "192.0.2.1"),
    v4(1136073600, 1, "1.1.1.0", 24, "192.0.2.1", 13335, [13335, 64496], "192.0.2.1",
       [(8075, 8007)]),
    v4(1136073600, 2, "1.1.1.0", 24, "192.0.2.2", 15169, [15169, 3356, 13335], "192.0.2.2"),
    v4(1136073600, 3, "8.8.0.0", 16, "192.0.2.2", 15169, [15169, 15169, 15169], "192.0.2.2",
       [(15169, 1), (65535, 65281)]),
    v4(1136073600, 4, "203.0.113.128", 25, "192.0.2.1", 23456, [23456, 64511], "192.0.2.9"),
    v6(1136073601, 5, "2001:db8::", 32, "2001:db8::1", 13335, [13335], "2001:db8::1",
       [(8075, 8007)]),
    v6(1136073601, 6, "2001:db8:1234::", 48, "2001:db8::2", 64496, [64496, 64497],
       "2001:db8::2"),
]
with open(sys.argv[1], "wb") as out:
    out.write(b"".join(records))

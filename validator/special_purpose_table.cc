// The IANA Special-Purpose Address Registries as data. Audit against
// https://www.iana.org/assignments/iana-ipv4-special-registry and iana-ipv6-special-registry.
// Columns: prefix, name, RFC, globally reachable. "N/A" registry entries are listed as false.
#include <array>

#include "validator/special_purpose_registry.h"

namespace pfx {
namespace {

constexpr std::array kTable = {
    // IPv4 Special-Purpose Address Registry
    SpecialPurposeEntry{"0.0.0.0/8", "\"This network\"", "RFC 791", false},
    SpecialPurposeEntry{"0.0.0.0/32", "\"This host on this network\"", "RFC 1122", false},
    SpecialPurposeEntry{"10.0.0.0/8", "Private-Use", "RFC 1918", false},
    SpecialPurposeEntry{"100.64.0.0/10", "Shared Address Space (CGN)", "RFC 6598", false},
    SpecialPurposeEntry{"127.0.0.0/8", "Loopback", "RFC 1122", false},
    SpecialPurposeEntry{"169.254.0.0/16", "Link Local", "RFC 3927", false},
    SpecialPurposeEntry{"172.16.0.0/12", "Private-Use", "RFC 1918", false},
    SpecialPurposeEntry{"192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890", false},
    SpecialPurposeEntry{"192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335", false},
    SpecialPurposeEntry{"192.0.0.8/32", "IPv4 dummy address", "RFC 7600", false},
    SpecialPurposeEntry{"192.0.0.9/32", "Port Control Protocol Anycast", "RFC 7723", true},
    SpecialPurposeEntry{"192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC 8155",
                        true},
    SpecialPurposeEntry{"192.0.0.170/32", "NAT64/DNS64 Discovery", "RFC 8880", false},
    SpecialPurposeEntry{"192.0.0.171/32", "NAT64/DNS64 Discovery", "RFC 8880", false},
    SpecialPurposeEntry{"192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737", false},
    SpecialPurposeEntry{"192.31.196.0/24", "AS112-v4", "RFC 7535", true},
    SpecialPurposeEntry{"192.52.193.0/24", "AMT", "RFC 7450", true},
    SpecialPurposeEntry{"192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC 7526", false},
    SpecialPurposeEntry{"192.168.0.0/16", "Private-Use", "RFC 1918", false},
    SpecialPurposeEntry{"192.175.48.0/24", "Direct Delegation AS112 Service", "RFC 7534", true},
    SpecialPurposeEntry{"198.18.0.0/15", "Benchmarking", "RFC 2544", false},
    SpecialPurposeEntry{"198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737", false},
    SpecialPurposeEntry{"203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737", false},
    SpecialPurposeEntry{"240.0.0.0/4", "Reserved", "RFC 1112", false},
    SpecialPurposeEntry{"255.255.255.255/32", "Limited Broadcast", "RFC 8190", false},
    // Not in the special-purpose registry, but never a partner's unicast prefix.
    SpecialPurposeEntry{"224.0.0.0/4", "Multicast", "RFC 5771", false},

    // IPv6 Special-Purpose Address Registry
    SpecialPurposeEntry{"::1/128", "Loopback Address", "RFC 4291", false},
    SpecialPurposeEntry{"::/128", "Unspecified Address", "RFC 4291", false},
    SpecialPurposeEntry{"::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291", false},
    SpecialPurposeEntry{"64:ff9b::/96", "IPv4-IPv6 Translat.", "RFC 6052", true},
    SpecialPurposeEntry{"64:ff9b:1::/48", "IPv4-IPv6 Translat. (local use)", "RFC 8215", false},
    SpecialPurposeEntry{"100::/64", "Discard-Only Address Block", "RFC 6666", false},
    SpecialPurposeEntry{"100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC 9780", false},
    SpecialPurposeEntry{"2001::/23", "IETF Protocol Assignments", "RFC 2928", false},
    SpecialPurposeEntry{"2001::/32", "TEREDO", "RFC 4380", false},
    SpecialPurposeEntry{"2001:1::1/128", "Port Control Protocol Anycast", "RFC 7723", true},
    SpecialPurposeEntry{"2001:1::2/128", "Traversal Using Relays around NAT Anycast", "RFC 8155",
                        true},
    SpecialPurposeEntry{"2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "RFC 9665",
                        true},
    SpecialPurposeEntry{"2001:2::/48", "Benchmarking", "RFC 5180", false},
    SpecialPurposeEntry{"2001:3::/32", "AMT", "RFC 7450", true},
    SpecialPurposeEntry{"2001:4:112::/48", "AS112-v6", "RFC 7535", true},
    SpecialPurposeEntry{"2001:10::/28", "Deprecated (previously ORCHID)", "RFC 4843", false},
    SpecialPurposeEntry{"2001:20::/28", "ORCHIDv2", "RFC 7343", true},
    SpecialPurposeEntry{"2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs)", "RFC 9374",
                        true},
    SpecialPurposeEntry{"2001:db8::/32", "Documentation", "RFC 3849", false},
    SpecialPurposeEntry{"2002::/16", "6to4", "RFC 3056", false},
    SpecialPurposeEntry{"2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC 7534", true},
    SpecialPurposeEntry{"3fff::/20", "Documentation", "RFC 9637", false},
    SpecialPurposeEntry{"5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602", false},
    SpecialPurposeEntry{"fc00::/7", "Unique-Local", "RFC 4193", false},
    SpecialPurposeEntry{"fe80::/10", "Link-Local Unicast", "RFC 4291", false},
    SpecialPurposeEntry{"ff00::/8", "Multicast", "RFC 4291", false},
};

}  // namespace

std::span<const SpecialPurposeEntry> SpecialPurposeTable() { return kTable; }

}  // namespace pfx

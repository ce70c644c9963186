// File: bmp_writer.h
// -----------------------------------------------------------------------------
// Encodes BMP v3 messages: what a router would send. Used by `pfxctl bmp-replay` (an MRT
// file as a BMP stream) and by tests. Appends to a caller-owned string.

#ifndef PFX_FEED_BMP_BMP_WRITER_H_
#define PFX_FEED_BMP_BMP_WRITER_H_

#include <string>

#include "feed/bmp/bmp_message.h"

namespace pfx {

void AppendBmpInitiation(absl::string_view sys_name, absl::string_view sys_descr, std::string& out);
void AppendBmpTermination(std::string& out);
// Peer Up with synthesized OPENs that both advertise the 4-octet AS capability.
void AppendBmpPeerUp(const BmpPeerHeader& peer, uint32_t local_as, std::string& out);
void AppendBmpPeerDown(const BmpPeerHeader& peer, uint8_t reason, std::string& out);
// `update` is a whole BGP UPDATE message (see bgp_update_encoder.h).
void AppendBmpRouteMonitoring(const BmpPeerHeader& peer, absl::string_view update,
                              std::string& out);

}  // namespace pfx

#endif  // PFX_FEED_BMP_BMP_WRITER_H_

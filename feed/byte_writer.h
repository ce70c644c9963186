// File: byte_writer.h
// -----------------------------------------------------------------------------
// Big-endian appends to a std::string, the writing counterpart of byte_reader.h, for the BGP
// UPDATE encoder and the BMP writer.

#ifndef PFX_FEED_BYTE_WRITER_H_
#define PFX_FEED_BYTE_WRITER_H_

#include <cstdint>
#include <string>

namespace pfx {

inline void Put8(std::string& s, uint8_t v) { s.push_back(static_cast<char>(v)); }
inline void Put16(std::string& s, uint16_t v) {
  Put8(s, static_cast<uint8_t>(v >> 8));
  Put8(s, static_cast<uint8_t>(v));
}
inline void Put32(std::string& s, uint32_t v) {
  Put16(s, static_cast<uint16_t>(v >> 16));
  Put16(s, static_cast<uint16_t>(v));
}

}  // namespace pfx

#endif  // PFX_FEED_BYTE_WRITER_H_

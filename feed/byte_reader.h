// File: byte_reader.h
// -----------------------------------------------------------------------------
// ByteReader: bounds-checked big-endian reads over a byte span, for the BGP, MRT and BMP
// decoders. Every read reports failure instead of reading past the end; callers turn that
// into a DataLoss/InvalidArgument status naming the field. Not thread-safe (a cursor).

#ifndef PFX_FEED_BYTE_READER_H_
#define PFX_FEED_BYTE_READER_H_

#include <cstdint>
#include <cstring>

#include "absl/types/span.h"

namespace pfx {

class ByteReader {
 public:
  explicit ByteReader(absl::Span<const uint8_t> data) : data_(data) {}

  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  bool empty() const { return remaining() == 0; }

  bool U8(uint8_t* v) {
    if (remaining() < 1) return false;
    *v = data_[pos_++];
    return true;
  }
  bool U16(uint16_t* v) {
    if (remaining() < 2) return false;
    *v = static_cast<uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool U32(uint32_t* v) {
    if (remaining() < 4) return false;
    *v = static_cast<uint32_t>(data_[pos_]) << 24 | static_cast<uint32_t>(data_[pos_ + 1]) << 16 |
         static_cast<uint32_t>(data_[pos_ + 2]) << 8 | data_[pos_ + 3];
    pos_ += 4;
    return true;
  }
  bool Bytes(size_t n, absl::Span<const uint8_t>* out) {
    if (remaining() < n) return false;
    *out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  bool Copy(size_t n, uint8_t* out) {
    if (remaining() < n) return false;
    std::memcpy(out, data_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool Skip(size_t n) {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }

 private:
  absl::Span<const uint8_t> data_;
  size_t pos_ = 0;
};

}  // namespace pfx

#endif  // PFX_FEED_BYTE_READER_H_

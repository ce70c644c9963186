#include "feed/file_reader.h"

#include <bzlib.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "absl/memory/memory.h"
#include "absl/strings/str_cat.h"

namespace pfx {
namespace {

constexpr unsigned char kGzipMagic[] = {0x1f, 0x8b};
constexpr unsigned char kBzip2Magic[] = {'B', 'Z', 'h'};

absl::Span<const unsigned char> MagicOf(FileCompression c) {
  if (c == FileCompression::kGzip) return kGzipMagic;
  if (c == FileCompression::kBzip2) return kBzip2Magic;
  return {};
}

// What gzip calls a member, bzip2 calls a stream.
const char* UnitOf(FileCompression c) { return c == FileCompression::kGzip ? "member" : "stream"; }

const char* NameOf(FileCompression c) {
  return c == FileCompression::kGzip ? "gzip" : c == FileCompression::kBzip2 ? "bzip2" : "plain";
}

const char* Bzip2Error(int rc) {
  switch (rc) {
    case BZ_DATA_ERROR:
      return "data integrity error";
    case BZ_DATA_ERROR_MAGIC:
      return "bad stream header";
    case BZ_MEM_ERROR:
      return "out of memory";
    default:
      return "decompression error";
  }
}

}  // namespace

// zlib and libbzip2 keep pointers back to their stream structs, so they live on the heap
// and never move.
struct FeedFileReader::Decompressor {
  z_stream zs{};
  bz_stream bs{};
  bool bz_open = false;
  FileCompression kind;

  explicit Decompressor(FileCompression k) : kind(k) {}
  ~Decompressor() {
    if (kind == FileCompression::kGzip) inflateEnd(&zs);
    if (bz_open) BZ2_bzDecompressEnd(&bs);
  }

  bool Init() {
    // 16 + MAX_WBITS: a gzip header and trailer (CRC-32 and length are checked).
    if (kind == FileCompression::kGzip) return inflateInit2(&zs, 16 + MAX_WBITS) == Z_OK;
    bz_open = BZ2_bzDecompressInit(&bs, 0, 0) == BZ_OK;
    return bz_open;
  }

  // Ready for the next gzip member / bzip2 stream.
  bool Reset() {
    if (kind == FileCompression::kGzip) return inflateReset(&zs) == Z_OK;
    BZ2_bzDecompressEnd(&bs);
    bs = bz_stream{};
    bz_open = BZ2_bzDecompressInit(&bs, 0, 0) == BZ_OK;
    return bz_open;
  }
};

FeedFileReader::FeedFileReader(std::string path, int fd)
    : path_(std::move(path)), fd_(fd), in_(new char[kInputBufferSize]) {}

FeedFileReader::~FeedFileReader() { ::close(fd_); }

absl::StatusOr<std::unique_ptr<FeedFileReader>> FeedFileReader::Open(const std::string& path) {
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return absl::ErrnoToStatus(errno, absl::StrCat(path, ": open"));
  auto reader = absl::WrapUnique(new FeedFileReader(path, fd));
  while (reader->input_available() < sizeof(kBzip2Magic) && !reader->file_eof_) {
    if (absl::Status s = reader->FillInput(); !s.ok()) return s;
  }
  for (FileCompression c : {FileCompression::kGzip, FileCompression::kBzip2}) {
    absl::Span<const unsigned char> magic = MagicOf(c);
    if (reader->input_available() >= magic.size() &&
        std::memcmp(reader->in_.get(), magic.data(), magic.size()) == 0) {
      reader->compression_ = c;
    }
  }
  if (reader->compression_ != FileCompression::kNone) {
    reader->decompressor_ = std::make_unique<Decompressor>(reader->compression_);
    if (!reader->decompressor_->Init()) {
      return absl::ResourceExhaustedError(
          absl::StrCat(path, ": cannot start the ", NameOf(reader->compression_), " decoder"));
    }
  }
  return reader;
}

uint64_t FeedFileReader::compressed_offset() const { return file_offset_ - input_available(); }

absl::Status FeedFileReader::FillInput() {
  if (in_pos_ == in_end_) {
    in_pos_ = in_end_ = 0;
  } else if (in_end_ == kInputBufferSize) {
    std::memmove(in_.get(), in_.get() + in_pos_, input_available());
    in_end_ -= in_pos_;
    in_pos_ = 0;
  }
  if (in_end_ == kInputBufferSize) return absl::OkStatus();  // full: nothing to read into
  ssize_t n;
  do {
    n = ::read(fd_, in_.get() + in_end_, kInputBufferSize - in_end_);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    return absl::DataLossError(
        absl::StrCat(path_, ": read error at byte ", file_offset_, ": ", std::strerror(errno)));
  }
  if (n == 0) file_eof_ = true;
  in_end_ += static_cast<size_t>(n);
  file_offset_ += static_cast<uint64_t>(n);
  return absl::OkStatus();
}

absl::Status FeedFileReader::Damage(absl::string_view what, uint64_t compressed_offset) const {
  return absl::DataLossError(absl::StrCat(path_, ": ", NameOf(compression_), " data ", what,
                                          " at compressed byte offset ", compressed_offset,
                                          " (decompressed byte offset ", delivered_, ")"));
}

absl::StatusOr<size_t> FeedFileReader::Read(absl::Span<char> out) {
  if (!error_.ok()) return error_;
  if (out.empty() || done_) return 0;
  return compression_ == FileCompression::kNone ? ReadPlain(out) : ReadCompressed(out);
}

absl::StatusOr<size_t> FeedFileReader::ReadPlain(absl::Span<char> out) {
  if (input_available() > 0) {  // what detection read
    size_t n = std::min(out.size(), input_available());
    std::memcpy(out.data(), in_.get() + in_pos_, n);
    in_pos_ += n;
    delivered_ += n;
    return n;
  }
  ssize_t n;
  do {
    n = ::read(fd_, out.data(), out.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    error_ = absl::DataLossError(
        absl::StrCat(path_, ": read error at byte ", file_offset_, ": ", std::strerror(errno)));
    return error_;
  }
  if (n == 0) done_ = file_eof_ = true;
  file_offset_ += static_cast<uint64_t>(n);
  delivered_ += static_cast<uint64_t>(n);
  return static_cast<size_t>(n);
}

absl::StatusOr<size_t> FeedFileReader::ReadCompressed(absl::Span<char> out) {
  size_t produced = 0;
  while (produced < out.size() && !done_ && error_.ok()) {
    if (between_members_) {
      error_ = NextMember();
      continue;
    }
    if (input_available() == 0 && !file_eof_) {
      error_ = FillInput();
      continue;
    }
    // At the end of the file the decoder is still called: it may hold output it had no room
    // for. Only when it makes no progress then is the member cut short.
    const size_t in_before = input_available();
    const size_t out_room = std::min<size_t>(out.size() - produced, UINT_MAX);
    size_t in_left, out_left;
    bool member_end = false;
    const char* failure = nullptr;
    if (compression_ == FileCompression::kGzip) {
      z_stream& zs = decompressor_->zs;
      zs.next_in = reinterpret_cast<Bytef*>(in_.get() + in_pos_);
      zs.avail_in = static_cast<uInt>(in_before);
      zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
      zs.avail_out = static_cast<uInt>(out_room);
      int rc = inflate(&zs, Z_NO_FLUSH);
      in_left = zs.avail_in;
      out_left = zs.avail_out;
      member_end = rc == Z_STREAM_END;
      // Z_BUF_ERROR: no progress possible without more input, which the loop reads next.
      if (rc != Z_OK && rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && in_left == 0)) {
        failure = zs.msg != nullptr ? zs.msg : "decompression error";
      }
    } else {
      bz_stream& bs = decompressor_->bs;
      bs.next_in = in_.get() + in_pos_;
      bs.avail_in = static_cast<unsigned>(in_before);
      bs.next_out = out.data() + produced;
      bs.avail_out = static_cast<unsigned>(out_room);
      int rc = BZ2_bzDecompress(&bs);
      in_left = bs.avail_in;
      out_left = bs.avail_out;
      member_end = rc == BZ_STREAM_END;
      if (rc != BZ_OK && rc != BZ_STREAM_END) failure = Bzip2Error(rc);
    }
    in_pos_ += in_before - in_left;
    produced += out_room - out_left;
    delivered_ += out_room - out_left;
    if (failure != nullptr) {
      error_ = Damage(absl::StrCat("is corrupt (", failure, ")"), compressed_offset());
    } else if (member_end) {
      between_members_ = true;
    } else if (in_left == in_before && out_left == out_room) {
      error_ =
          input_available() == 0
              ? Damage(absl::StrCat("is truncated: the file ends inside a ", UnitOf(compression_)),
                       file_offset_)
              : Damage("is corrupt (the decoder makes no progress)", compressed_offset());
    }
  }
  if (produced > 0) return produced;  // an error found meanwhile is returned by the next call
  if (!error_.ok()) return error_;
  return 0;
}

absl::Status FeedFileReader::NextMember() {
  absl::Span<const unsigned char> magic = MagicOf(compression_);
  while (input_available() < magic.size() && !file_eof_) {
    if (absl::Status s = FillInput(); !s.ok()) return s;
  }
  const unsigned char* next = reinterpret_cast<const unsigned char*>(in_.get() + in_pos_);
  const size_t n = std::min(input_available(), magic.size());
  if (n == 0) {
    done_ = true;
    return absl::OkStatus();
  }
  if (std::memcmp(next, magic.data(), n) == 0) {
    if (n < magic.size()) {  // only at the end of the file: `gzip -t` says "unexpected end"
      return Damage(
          absl::StrCat("is truncated: the file ends inside a ", UnitOf(compression_), " header"),
          file_offset_);
    }
    if (!decompressor_->Reset()) {
      return absl::ResourceExhaustedError(absl::StrCat(path_, ": cannot restart the decoder"));
    }
    between_members_ = false;
    return absl::OkStatus();
  }
  // Not a member: zero padding ends the data silently, anything else is reported as ignored.
  // Either way the scan stops at the first non-zero byte, so a long tail costs no memory.
  const uint64_t start = compressed_offset();
  while (true) {
    const char* begin = in_.get() + in_pos_;
    const char* end = in_.get() + in_end_;
    const char* nonzero = std::find_if(begin, end, [](char c) { return c != 0; });
    if (nonzero != end) {
      const uint64_t garbage = compressed_offset() + static_cast<uint64_t>(nonzero - begin);
      in_pos_ = in_end_;
      notice_ =
          absl::StrCat(path_, ": trailing garbage after the last complete ", NameOf(compression_),
                       " ", UnitOf(compression_), " ignored (from compressed byte offset ", start,
                       ", first non-zero byte at ", garbage, ")");
      done_ = true;
      return absl::OkStatus();
    }
    in_pos_ = in_end_;
    if (file_eof_) {
      done_ = true;
      return absl::OkStatus();
    }
    if (absl::Status s = FillInput(); !s.ok()) return s;
  }
}

absl::StatusOr<size_t> MemoryByteSource::Read(absl::Span<char> out) {
  if (data_.empty() && !out.empty()) {
    if (!end_.ok()) return end_;
    return 0;
  }
  size_t n = std::min({out.size(), max_chunk_, data_.size()});
  std::memcpy(out.data(), data_.data(), n);
  data_.remove_prefix(n);
  return n;
}

}  // namespace pfx

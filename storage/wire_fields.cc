#include "storage/wire_fields.h"

#include <cstdlib>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

namespace pfx {

using google::protobuf::internal::WireFormatLite;

FieldMask DeclaredFields(const google::protobuf::Descriptor* type) {
  FieldMask mask = 0;
  for (int i = 0; i < type->field_count(); ++i) {
    const int number = type->field(i)->number();
    if (number >= 64) std::abort();  // a view this large is not a view
    mask |= FieldMask{1} << number;
  }
  return mask;
}

bool KeepFields(absl::string_view bytes, FieldMask keep, std::string& out) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  while (true) {
    const int start = in.CurrentPosition();
    const uint32_t tag = in.ReadTag();
    if (tag == 0) return start == static_cast<int>(bytes.size());  // the end, or not a tag
    if (!WireFormatLite::SkipField(&in, tag)) return false;
    const uint32_t number = WireFormatLite::GetTagFieldNumber(tag);
    if (number < 64 && (keep >> number & 1) != 0) {
      out.append(bytes.data() + start, static_cast<size_t>(in.CurrentPosition() - start));
    }
  }
}

}  // namespace pfx

// File: key_generator.h
// -----------------------------------------------------------------------------
// Issues new prefix keys: 16 bytes from the kernel CSPRNG (getrandom(2), blocking only until
// the pool is first seeded), made a version-4 UUID by PrefixKey::FromRandomBytes.
// Thread-safe.

#ifndef PFX_REGISTRY_KEY_GENERATOR_H_
#define PFX_REGISTRY_KEY_GENERATOR_H_

#include "absl/status/statusor.h"
#include "validator/prefix_key.h"

namespace pfx {

// UNAVAILABLE naming errno when the kernel refuses (never expected on Linux >= 3.17).
absl::StatusOr<PrefixKey> GeneratePrefixKey();

}  // namespace pfx

#endif  // PFX_REGISTRY_KEY_GENERATOR_H_

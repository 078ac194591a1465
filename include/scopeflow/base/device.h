// Device specifications ("/job:ps/task:0/device:GPU:1"), parsed and merged as TF's DeviceSpec.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace scopeflow {

/// TF's DeviceSpec: every field optional; `merged_with` lets an inner `tf.device` override
/// the fields it names. "/cpu:0" is spelled "/device:CPU:0" once parsed.
///
///   DeviceSpec::parse("/job:ps").merged_with(DeviceSpec::parse("/gpu:1")).to_string()
///   // "/job:ps/device:GPU:1"
struct DeviceSpec {
  std::optional<std::string> job;
  std::optional<int> replica;
  std::optional<int> task;
  std::optional<std::string> device_type;
  std::optional<int> device_index;  ///< unset with a type set prints "*"

  /// Throws kInvalidArgument "Unknown attribute: 'x' in '<spec>'" for malformed specs.
  static DeviceSpec parse(std::string_view spec);
  /// Fields set in `inner` override this spec's.
  DeviceSpec merged_with(const DeviceSpec& inner) const;
  std::string to_string() const;
};

}  // namespace scopeflow

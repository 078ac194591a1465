// DeviceSpec parsing, merging and printing (TF's pydev.DeviceSpec).
#include "scopeflow/base/device.h"

#include <charconv>
#include <vector>

#include "scopeflow/base/error.h"
#include "scopeflow/base/messages.h"

namespace scopeflow {

namespace {
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t p = s.find(sep, start);
    out.push_back(
        s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) return out;
    start = p + 1;
  }
}
int to_int(std::string_view s, std::string_view spec) {
  int v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size())
    throw Error(Code::kInvalidArgument, messages::device_bad_number(s, spec));
  return v;
}
std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  return u;
}
}  // namespace

DeviceSpec DeviceSpec::parse(std::string_view spec) {
  DeviceSpec d;
  for (std::string_view part : split(spec, '/')) {
    if (part.empty()) continue;
    std::vector<std::string_view> y = split(part, ':');
    const size_t ly = y.size();
    if (ly == 2 && y[0] == "job") {
      d.job = std::string(y[1]);
    } else if (ly == 2 && y[0] == "replica") {
      d.replica = to_int(y[1], spec);
    } else if (ly == 2 && y[0] == "task") {
      d.task = to_int(y[1], spec);
    } else if ((ly == 1 || ly == 2) && (upper(y[0]) == "GPU" || upper(y[0]) == "CPU")) {
      d.device_type = upper(y[0]);
      if (ly == 2 && y[1] != "*") d.device_index = to_int(y[1], spec);
    } else if (ly == 3 && y[0] == "device") {
      d.device_type = std::string(y[1]);
      if (y[2] != "*") d.device_index = to_int(y[2], spec);
    } else {
      throw Error(Code::kInvalidArgument, messages::device_unknown_attribute(y[0], spec));
    }
  }
  return d;
}

DeviceSpec DeviceSpec::merged_with(const DeviceSpec& inner) const {
  DeviceSpec d = *this;
  if (inner.job) d.job = inner.job;
  if (inner.replica) d.replica = inner.replica;
  if (inner.task) d.task = inner.task;
  if (inner.device_type) {
    d.device_type = inner.device_type;
    d.device_index = inner.device_index;
  } else if (inner.device_index) {
    d.device_index = inner.device_index;
  }
  return d;
}

std::string DeviceSpec::to_string() const {
  std::string s;
  if (job) s += "/job:" + *job;
  if (replica) s += "/replica:" + std::to_string(*replica);
  if (task) s += "/task:" + std::to_string(*task);
  if (device_type)
    s += "/device:" + *device_type + ":" + (device_index ? std::to_string(*device_index) : "*");
  return s;
}

}  // namespace scopeflow

// Command encoding (see resp_encoder.h).
#include "redis/resp_encoder.h"

namespace crawler::redis {
namespace {

void append_header(std::string& out, char type, std::size_t n) {
  out += type;
  out += std::to_string(n);
  out += "\r\n";
}

template <class Args>
void append_impl(std::string& out, const Args& args) {
  append_header(out, '*', args.size());
  for (const auto& a : args) {
    append_header(out, '$', a.size());
    out.append(a.data(), a.size());
    out += "\r\n";
  }
}

}  // namespace

void append_command(std::string& out, std::span<const std::string_view> args) {
  append_impl(out, args);
}

void append_command(std::string& out, std::span<const std::string> args) { append_impl(out, args); }

std::string encode_command(std::span<const std::string_view> args) {
  std::string out;
  append_command(out, args);
  return out;
}

std::string encode_command(std::span<const std::string> args) {
  std::string out;
  append_command(out, args);
  return out;
}

std::string encode_command(std::initializer_list<std::string_view> args) {
  return encode_command(std::span<const std::string_view>(args.begin(), args.size()));
}

}  // namespace crawler::redis

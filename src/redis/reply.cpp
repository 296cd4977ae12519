// Reply construction, checked accessors and the debug printer (see reply.h).
#include "redis/reply.h"

#include <ostream>
#include <stdexcept>
#include <utility>

#include "core/hex.h"

namespace crawler::redis {
namespace {

[[noreturn]] void wrong_type(const char* wanted, Reply::Type got) {
  throw std::logic_error(std::string("redis reply: expected ") + wanted + ", got " +
                         std::string(to_string(got)));
}

void append_quoted(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (b < 0x20 || b >= 0x7f) {
      out += "\\x";
      out += hex_digit(b >> 4);
      out += hex_digit(b);
    } else {
      out += c;
    }
  }
  out += '"';
}

void append_debug(std::string& out, const Reply& r) {
  switch (r.type()) {
    case Reply::Type::nil:
      out += "(nil)";
      break;
    case Reply::Type::simple_string:
      out += r.str();
      break;
    case Reply::Type::error:
      out += "(error) " + r.str();
      break;
    case Reply::Type::integer:
      out += std::to_string(r.integer());
      break;
    case Reply::Type::bulk_string:
      append_quoted(out, r.str());
      break;
    case Reply::Type::array: {
      out += '[';
      bool first = true;
      for (const auto& e : r.elements()) {
        if (!first) out += ", ";
        first = false;
        append_debug(out, e);
      }
      out += ']';
      break;
    }
  }
}

}  // namespace

Reply Reply::nil() { return Reply(); }
Reply Reply::simple(std::string s) { return Reply(Type::simple_string, std::move(s), 0, {}); }
Reply Reply::error(std::string s) { return Reply(Type::error, std::move(s), 0, {}); }
Reply Reply::integer(std::int64_t v) { return Reply(Type::integer, {}, v, {}); }
Reply Reply::bulk(std::string s) { return Reply(Type::bulk_string, std::move(s), 0, {}); }
Reply Reply::array(std::vector<Reply> elements) {
  return Reply(Type::array, {}, 0, std::move(elements));
}
Reply Reply::array(std::initializer_list<Reply> elements) {
  return array(std::vector<Reply>(elements));
}

const std::string& Reply::str() const {
  if (type_ != Type::simple_string && type_ != Type::bulk_string && type_ != Type::error) {
    wrong_type("a string or error", type_);
  }
  return str_;
}

std::int64_t Reply::integer() const {
  if (type_ != Type::integer) wrong_type("an integer", type_);
  return int_;
}

const std::vector<Reply>& Reply::elements() const {
  if (type_ != Type::array) wrong_type("an array", type_);
  return elements_;
}

std::vector<Reply>& Reply::elements() {
  if (type_ != Type::array) wrong_type("an array", type_);
  return elements_;
}

std::string Reply::to_debug_string() const {
  std::string out;
  append_debug(out, *this);
  return out;
}

std::string_view to_string(Reply::Type t) {
  switch (t) {
    case Reply::Type::nil:
      return "nil";
    case Reply::Type::simple_string:
      return "simple string";
    case Reply::Type::error:
      return "error";
    case Reply::Type::integer:
      return "integer";
    case Reply::Type::bulk_string:
      return "bulk string";
    case Reply::Type::array:
      return "array";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& os, const Reply& r) { return os << r.to_debug_string(); }

}  // namespace crawler::redis

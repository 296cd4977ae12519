// Reply: one RESP2 value as the server sent it.
//
// Design: a small tagged value (type + string + integer + children) rather than a
// std::variant: replies are built by the parser and read by callers through a handful of
// checked accessors, and a flat struct keeps both sides trivial and the header light
// (no <variant> visitation in every caller). The unused members cost a few words per
// reply, which is irrelevant next to the network round trip that produced it.
//
// Strings are std::string holding raw bytes: RESP bulk strings are binary-safe, so a
// value with NULs or invalid UTF-8 survives intact.
//
// The checked accessors throw std::logic_error on a type mismatch: asking a Reply for the
// wrong type is a bug in the caller, not a condition to handle.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crawler::redis {

class Reply {
 public:
  enum class Type { nil, simple_string, error, integer, bulk_string, array };

  // Default: nil (a missing key, a "$-1" or "*-1" reply).
  Reply() = default;

  static Reply nil();
  static Reply simple(std::string s);  // "+OK"
  static Reply error(std::string s);   // "-ERR ..." (message without the '-')
  static Reply integer(std::int64_t v);
  static Reply bulk(std::string s);
  static Reply array(std::vector<Reply> elements);
  static Reply array(std::initializer_list<Reply> elements);

  Type type() const { return type_; }
  bool is_nil() const { return type_ == Type::nil; }
  bool is_error() const { return type_ == Type::error; }
  bool is_integer() const { return type_ == Type::integer; }
  bool is_array() const { return type_ == Type::array; }
  // Simple or bulk string: both carry text, and callers rarely care which one came.
  bool is_string() const { return type_ == Type::simple_string || type_ == Type::bulk_string; }

  // Text of a simple string, bulk string or error.
  const std::string& str() const;
  std::int64_t integer() const;
  const std::vector<Reply>& elements() const;
  std::vector<Reply>& elements();

  // True for simple string "OK": the reply of SET, SELECT, AUTH...
  bool is_ok() const { return type_ == Type::simple_string && str_ == "OK"; }

  // Debug form, e.g. `["OK", (nil), (error) ERR x, 42, "a\x00b"]`: for tests and
  // diagnostics. It prints values, so do not log replies that may carry secrets.
  std::string to_debug_string() const;

  friend bool operator==(const Reply&, const Reply&) = default;

 private:
  Reply(Type t, std::string s, std::int64_t i, std::vector<Reply> e)
      : type_(t), str_(std::move(s)), int_(i), elements_(std::move(e)) {}

  Type type_ = Type::nil;
  std::string str_;
  std::int64_t int_ = 0;
  std::vector<Reply> elements_;
};

std::string_view to_string(Reply::Type t);

// Lets GoogleTest and streams print a Reply (delegates to to_debug_string()).
std::ostream& operator<<(std::ostream& os, const Reply& r);

}  // namespace crawler::redis

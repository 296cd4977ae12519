// Incremental RESP2 parsing (see resp_parser.h for the design).
//
// RESP2 in one paragraph: every value starts with a type byte and ends its header line
// with CRLF. '+' simple string, '-' error, ':' integer carry their value on that line;
// '$' gives a byte count followed by that many raw bytes and a CRLF ("$-1" is nil);
// '*' gives an element count followed by that many values ("*-1" is nil).
#include "redis/resp_parser.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "redis/errors.h"

namespace crawler::redis {
namespace {

constexpr std::size_t kMaxReserve = 1024;  // never pre-allocate more elements than this

bool parse_int64(std::string_view s, std::int64_t& out) {
  // from_chars alone would accept "12abc" (stopping early) and we also refuse "+1" and
  // leading spaces; Redis never sends them.
  if (s.empty() || s == "-") return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

void RespParser::feed(std::string_view bytes) {
  if (poisoned_) throw ProtocolError("redis protocol error: parser used after a previous error");
  buf_.append(bytes);
  parse();
}

std::optional<Reply> RespParser::pop() {
  if (ready_.empty()) return std::nullopt;
  Reply r = std::move(ready_.front());
  ready_.pop_front();
  return r;
}

void RespParser::fail(const std::string& what) {
  poisoned_ = true;
  throw ProtocolError("redis protocol error: " + what);
}

void RespParser::parse() {
  while (pos_ < buf_.size() && parse_one()) {
  }
  if (pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  } else if (pos_ > 0 && pos_ >= buf_.size() / 2) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
}

void RespParser::complete(Reply r) {
  while (!stack_.empty()) {
    Frame& top = stack_.back();
    top.array.elements().push_back(std::move(r));
    if (--top.remaining > 0) return;
    r = std::move(top.array);
    stack_.pop_back();
  }
  ready_.push_back(std::move(r));
}

bool RespParser::parse_one() {
  // Find the end of the header line, resuming where the previous search stopped.
  const std::size_t nl = buf_.find('\n', pos_ + scanned_);
  if (nl == std::string::npos) {
    scanned_ = buf_.size() - pos_;
    if (scanned_ > limits_.max_line_length + 2) fail("line too long");
    return false;
  }
  scanned_ = 0;
  if (nl == pos_ || buf_[nl - 1] != '\r') fail("line not terminated by CRLF");
  const std::string_view line(buf_.data() + pos_ + 1, nl - 1 - (pos_ + 1));
  if (line.size() > limits_.max_line_length) fail("line too long");
  if (line.find('\r') != std::string_view::npos) fail("stray CR inside a line");
  const char type = buf_[pos_];
  const std::size_t after_line = nl + 1;

  switch (type) {
    case '+':
      pos_ = after_line;
      complete(Reply::simple(std::string(line)));
      return true;
    case '-':
      pos_ = after_line;
      complete(Reply::error(std::string(line)));
      return true;
    case ':': {
      std::int64_t v = 0;
      if (!parse_int64(line, v)) fail("bad integer reply");
      pos_ = after_line;
      complete(Reply::integer(v));
      return true;
    }
    case '$': {
      std::int64_t len = 0;
      if (!parse_int64(line, len)) fail("bad bulk string length");
      if (len == -1) {
        pos_ = after_line;
        complete(Reply::nil());
        return true;
      }
      if (len < 0) fail("negative bulk string length");
      if (static_cast<std::uint64_t>(len) > limits_.max_bulk_length) {
        fail("bulk string longer than the limit");
      }
      const auto n = static_cast<std::size_t>(len);
      if (buf_.size() - after_line < n + 2) {
        // Not all here yet. No reserve(n): the length is untrusted until the bytes come,
        // and append's geometric growth already keeps the copying linear.
        scanned_ = nl - pos_;  // the header holds no earlier '\n'; find it again at once
        return false;
      }
      if (buf_[after_line + n] != '\r' || buf_[after_line + n + 1] != '\n') {
        fail("bulk string not terminated by CRLF");
      }
      std::string payload = buf_.substr(after_line, n);
      pos_ = after_line + n + 2;
      complete(Reply::bulk(std::move(payload)));
      return true;
    }
    case '*': {
      std::int64_t len = 0;
      if (!parse_int64(line, len)) fail("bad array length");
      pos_ = after_line;
      if (len == -1) {
        complete(Reply::nil());
        return true;
      }
      if (len < 0) fail("negative array length");
      if (static_cast<std::uint64_t>(len) > limits_.max_array_length) {
        fail("array longer than the limit");
      }
      if (len == 0) {
        complete(Reply::array(std::vector<Reply>{}));
        return true;
      }
      if (stack_.size() >= limits_.max_depth) fail("arrays nested deeper than the limit");
      std::vector<Reply> elements;
      // The header's count is untrusted until the elements arrive: cap the reservation.
      elements.reserve(std::min<std::size_t>(static_cast<std::size_t>(len), kMaxReserve));
      stack_.push_back(Frame{Reply::array(std::move(elements)), static_cast<std::size_t>(len)});
      return true;
    }
    default:
      fail("unknown reply type byte " + std::to_string(static_cast<unsigned char>(type)));
  }
}

}  // namespace crawler::redis

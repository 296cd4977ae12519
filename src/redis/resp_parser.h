// RespParser: an incremental RESP2 parser. Feed it bytes as they arrive from the socket;
// pop complete replies when there are some.
//
// Design:
//   - Resumable, not restartable: partially built arrays are kept on an explicit stack, so
//     a reply is never re-parsed from its start when more bytes arrive. A 100k-element
//     LRANGE that trickles in over many reads costs O(bytes), not O(bytes x reads).
//   - A reply split at ANY byte boundary (inside a length, between '\r' and '\n', inside a
//     bulk payload) parses the same as if it had arrived whole.
//   - Strict: anything that is not valid RESP2 throws ProtocolError (unknown type byte,
//     bad or overflowing integer, missing CRLF after a bulk payload, a bare '\r' or '\n'
//     in a line, negative lengths other than -1, RESP3 types). After that the parser is
//     poisoned (every later feed() throws; replies completed before the fault can still
//     be popped): the byte stream is out of step and nothing after the fault can be
//     trusted, so the connection must be dropped.
//   - Bounded: limits on bulk size, array length, nesting depth and line length turn a
//     hostile or corrupt peer into a ProtocolError instead of an allocation of gigabytes.
//     Defaults follow Redis's own limits (512 MiB proto-max-bulk-len).
//   - Consumed bytes are dropped from the front of the buffer lazily (when they are at
//     least half of it), so memory stays proportional to the unparsed tail.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/reply.h"

namespace crawler::redis {

struct ParserLimits {
  std::size_t max_bulk_length = 512u * 1024 * 1024;
  std::size_t max_array_length = 1u << 28;   // elements per array header (before allocation)
  std::size_t max_depth = 64;                // nesting of arrays
  std::size_t max_line_length = 64u * 1024;  // a simple string, error or header line
};

class RespParser {
 public:
  RespParser() = default;
  explicit RespParser(ParserLimits limits) : limits_(limits) {}

  // Appends bytes and parses as far as they allow. Throws ProtocolError on malformed
  // input, and on every call after that.
  void feed(std::string_view bytes);

  // The oldest complete reply, if any.
  std::optional<Reply> pop();

  // Number of complete replies waiting to be popped.
  std::size_t ready() const { return ready_.size(); }

  // True when a reply has started but is not complete (bytes or open arrays are pending).
  bool mid_reply() const { return pos_ < buf_.size() || !stack_.empty(); }

 private:
  struct Frame {
    Reply array;
    std::size_t remaining;
  };

  void parse();
  // Parses one value at pos_; false when more bytes are needed (pos_ is then unchanged).
  bool parse_one();
  void complete(Reply r);
  [[noreturn]] void fail(const std::string& what);

  ParserLimits limits_;
  std::string buf_;
  std::size_t pos_ = 0;       // first unconsumed byte in buf_
  std::size_t scanned_ = 0;   // bytes after pos_ known to hold no '\n' (avoids rescans)
  std::vector<Frame> stack_;  // arrays being filled, innermost last
  std::deque<Reply> ready_;
  bool poisoned_ = false;
};

}  // namespace crawler::redis

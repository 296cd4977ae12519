#include "crawl/browser/cdp_client.h"

#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>

namespace crawler::crawl::browser {

CdpClient::CdpClient(int to_browser, int from_browser)
    : to_browser_(to_browser), from_browser_(from_browser) {
  reader_ = std::thread([this] { read_loop(); });
}

CdpClient::~CdpClient() {
  close();
  if (reader_.joinable()) reader_.join();
}

bool CdpClient::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

void CdpClient::close() {
  int to = -1;
  {
    std::lock_guard lock(mutex_);
    if (to_browser_ >= 0) std::swap(to, to_browser_);
  }
  {
    // Writers hold write_mutex_ while using the descriptor.
    std::lock_guard write_lock(write_mutex_);
    if (to >= 0) ::close(to);
  }
  // The reader sees EOF once the browser has exited; shutting our read end down from here is
  // not possible for a pipe, so wake it by failing everyone and let the owner kill the browser.
  fail_all("CDP client closed");
}

std::int64_t CdpClient::write_message(const std::string& method, boost::json::object params,
                                      const std::string& session_id, bool keep_reply) {
  std::int64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    if (closed_) throw CdpClosed("browser connection closed: " + close_reason_);
    id = next_id_++;
    if (keep_reply) pending_[id];
  }
  boost::json::object message{{"id", id}, {"method", method}, {"params", std::move(params)}};
  if (!session_id.empty()) message["sessionId"] = session_id;
  std::string text = boost::json::serialize(message);
  text.push_back('\0');
  std::lock_guard write_lock(write_mutex_);
  int fd;
  {
    std::lock_guard lock(mutex_);
    fd = to_browser_;
  }
  std::size_t off = 0;
  while (off < text.size()) {
    ssize_t n = fd >= 0 ? ::write(fd, text.data() + off, text.size() - off) : -1;
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      {
        std::lock_guard lock(mutex_);
        pending_.erase(id);
      }
      fail_all(std::string("writing to the browser failed: ") + std::strerror(errno));
      throw CdpClosed("browser connection closed while sending " + method);
    }
    off += static_cast<std::size_t>(n);
  }
  return id;
}

boost::json::object CdpClient::call(const std::string& method, boost::json::object params,
                                    const std::string& session_id,
                                    std::chrono::milliseconds timeout) {
  const auto id = write_message(method, std::move(params), session_id, true);
  std::unique_lock lock(mutex_);
  const bool answered =
      replied_.wait_for(lock, timeout, [&] { return pending_[id].done || closed_; });
  Pending p = std::move(pending_[id]);
  pending_.erase(id);
  if (!p.done) {
    if (closed_)
      throw CdpClosed("browser connection closed during " + method + ": " + close_reason_);
    (void)answered;
    throw CdpTimeout(method + " got no reply within " + std::to_string(timeout.count()) + " ms");
  }
  if (!p.error.empty()) throw CdpError(method + ": " + p.error);
  return p.result ? std::move(*p.result) : boost::json::object{};
}

std::int64_t CdpClient::start_call(const std::string& method, boost::json::object params,
                                   const std::string& session_id) {
  return write_message(method, std::move(params), session_id, true);
}

std::optional<boost::json::object> CdpClient::poll_reply(std::int64_t id) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(id);
  if (it == pending_.end() || !it->second.done) {
    if (closed_) throw CdpClosed("browser connection closed: " + close_reason_);
    return std::nullopt;
  }
  Pending p = std::move(it->second);
  pending_.erase(it);
  if (!p.error.empty()) throw CdpError(p.error);
  return p.result ? std::move(*p.result) : boost::json::object{};
}

void CdpClient::forget(std::int64_t id) {
  std::lock_guard lock(mutex_);
  pending_.erase(id);
}

void CdpClient::send(const std::string& method, boost::json::object params,
                     const std::string& session_id) {
  try {
    write_message(method, std::move(params), session_id, false);
  } catch (const CdpClosed&) {
    // A fire-and-forget command to a dead browser: the waiting side learns it from call().
  }
}

void CdpClient::listen(const std::string& session_id, Listener listener) {
  std::lock_guard lock(mutex_);
  listeners_[session_id] = std::move(listener);
}

void CdpClient::unlisten(const std::string& session_id) {
  std::lock_guard lock(mutex_);
  listeners_.erase(session_id);
}

void CdpClient::fail_all(const std::string& why) {
  {
    std::lock_guard lock(mutex_);
    if (!closed_) {
      closed_ = true;
      close_reason_ = why;
    }
  }
  replied_.notify_all();
}

void CdpClient::read_loop() {
  std::string buffer;
  char chunk[65536];
  boost::json::parser parser;
  for (;;) {
    ssize_t n = ::read(from_browser_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    buffer.append(chunk, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (;;) {
      const auto end = buffer.find('\0', start);
      if (end == std::string::npos) break;
      boost::system::error_code ec;
      parser.reset();
      parser.write(buffer.data() + start, end - start, ec);
      if (!ec) dispatch(parser.release());
      start = end + 1;
    }
    buffer.erase(0, start);
  }
  ::close(from_browser_);
  fail_all("the browser closed its pipe (exited or crashed)");
}

void CdpClient::dispatch(const boost::json::value& message) {
  if (!message.is_object()) return;
  const auto& m = message.as_object();
  if (const auto* id = m.if_contains("id"); id && id->is_int64()) {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(id->as_int64());
    if (it == pending_.end()) return;  // a send() reply, or a call that timed out
    if (const auto* err = m.if_contains("error"); err && err->is_object()) {
      const auto* text = err->as_object().if_contains("message");
      it->second.error = text && text->is_string() ? std::string(text->as_string()) : "error";
    } else if (const auto* result = m.if_contains("result"); result && result->is_object()) {
      it->second.result = result->as_object();
    }
    it->second.done = true;
    replied_.notify_all();
    return;
  }
  const auto* method = m.if_contains("method");
  if (!method || !method->is_string()) return;
  CdpEvent event;
  event.method = std::string(method->as_string());
  if (const auto* p = m.if_contains("params"); p && p->is_object()) event.params = p->as_object();
  if (const auto* s = m.if_contains("sessionId"); s && s->is_string())
    event.session_id = std::string(s->as_string());
  Listener listener;
  {
    std::lock_guard lock(mutex_);
    auto it = listeners_.find(event.session_id);
    if (it == listeners_.end()) return;
    listener = it->second;
  }
  listener(event);
}

}  // namespace crawler::crawl::browser

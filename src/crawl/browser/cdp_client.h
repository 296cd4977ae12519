// A Chrome DevTools Protocol client over the pipe transport (--remote-debugging-pipe):
// Chromium reads commands on its fd 3 and writes replies and events on its fd 4, each message
// one JSON text ended by a NUL byte. No WebSocket, no HTTP endpoint, no port to guard.
//
// Why our own: there is no C++ CDP client among Debian's packages, and what we need is small —
// send a command and wait for its reply, and receive events — over a transport that is a
// pair of pipes. Sessions use the "flattened" mode (Target.attachToTarget flatten=true):
// a page's commands and events carry its sessionId on the same pipe.
//
// Threads: one reader thread splits the stream and hands replies to the caller waiting on
// that id and events to the listener registered for their sessionId (or the browser-level
// listener for events without one). Listeners run on the reader thread and must not call
// call() there (its reply would be read by that very thread); they queue the event for their
// own thread instead, or use send() which does not wait.
//
// Failure: when the pipe closes (the browser died) or the client is closed, every waiting
// call() throws CdpClosed at once; later calls throw it too. A call() that times out throws
// CdpTimeout; whether that means the browser hangs is the owner's decision.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

namespace crawler::crawl::browser {

class CdpError : public std::runtime_error {  // the browser answered with an error
 public:
  using std::runtime_error::runtime_error;
};
class CdpClosed : public CdpError {  // the pipe is gone: the browser exited or crashed
 public:
  using CdpError::CdpError;
};
class CdpTimeout : public CdpError {
 public:
  using CdpError::CdpError;
};

struct CdpEvent {
  std::string method;
  boost::json::object params;
  std::string session_id;  // empty: a browser-level event
};

class CdpClient {
 public:
  using Listener = std::function<void(const CdpEvent&)>;

  // Takes ownership of the two descriptors: `to_browser` (Chromium's fd 3) and
  // `from_browser` (its fd 4). Starts the reader thread.
  CdpClient(int to_browser, int from_browser);
  ~CdpClient();  // close() and join
  CdpClient(const CdpClient&) = delete;
  CdpClient& operator=(const CdpClient&) = delete;

  // Sends a command and waits for its result. Throws CdpError (the browser's error message),
  // CdpTimeout or CdpClosed.
  boost::json::object call(const std::string& method, boost::json::object params = {},
                           const std::string& session_id = {},
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The same in two steps, for a thread that must go on handling events while a command
  // is in flight (Page.navigate only answers once the paused main request is continued):
  // start_call() sends, poll_reply() returns the result once it came (nullopt before) and
  // throws as call() does; forget() drops a reply no longer wanted.
  std::int64_t start_call(const std::string& method, boost::json::object params = {},
                          const std::string& session_id = {});
  std::optional<boost::json::object> poll_reply(std::int64_t id);
  void forget(std::int64_t id);

  // Sends a command without waiting for (or keeping) its reply; safe from a listener.
  void send(const std::string& method, boost::json::object params = {},
            const std::string& session_id = {});

  // Events of `session_id` ("" = browser-level) go to `listener` until removed.
  void listen(const std::string& session_id, Listener listener);
  void unlisten(const std::string& session_id);

  bool closed() const;
  // Closes both pipes; waiting calls throw CdpClosed.
  void close();

 private:
  struct Pending {
    bool done = false;
    std::optional<boost::json::object> result;
    std::string error;
  };

  std::int64_t write_message(const std::string& method, boost::json::object params,
                             const std::string& session_id, bool keep_reply);
  void read_loop();
  void dispatch(const boost::json::value& message);
  void fail_all(const std::string& why);

  int to_browser_;
  int from_browser_;
  mutable std::mutex mutex_;
  std::mutex write_mutex_;
  std::condition_variable replied_;
  std::map<std::int64_t, Pending> pending_;
  std::map<std::string, Listener> listeners_;
  std::int64_t next_id_ = 1;
  bool closed_ = false;
  std::string close_reason_;
  std::thread reader_;
};

}  // namespace crawler::crawl::browser

#include "crawl/http_fetcher.h"

#include <curl/curl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "core/ascii.h"
#include "crawl/retry_after.h"

namespace crawler::crawl {

std::string_view to_string(FetchError e) {
  switch (e) {
    case FetchError::none:
      return "none";
    case FetchError::bad_url:
      return "bad_url";
    case FetchError::refused:
      return "refused";
    case FetchError::timeout:
      return "timeout";
    case FetchError::network:
      return "network";
    case FetchError::too_large:
      return "too_large";
    case FetchError::too_many_redirects:
      return "too_many_redirects";
  }
  return "unknown";
}

namespace {

using Clock = std::chrono::steady_clock;

// Per-hop state shared with libcurl's callbacks.
struct HopContext {
  const SsrfPolicy* policy = nullptr;
  bool proxied = false;
  std::string* body = nullptr;
  std::size_t max_body = 0;
  bool overflow = false;
  std::optional<std::string> refusal;  // set by the socket callback when it refuses
  std::vector<std::pair<std::string, std::string>> headers;  // of the last response seen
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

extern "C" size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* ctx = static_cast<HopContext*>(user);
  const size_t n = size * count;
  if (ctx->body->size() + n > ctx->max_body) {
    ctx->overflow = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  ctx->body->append(data, n);
  return n;
}

extern "C" size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* ctx = static_cast<HopContext*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  // A new status line (a 1xx, a proxy's CONNECT answer, then the real one): keep only the
  // headers of the last response.
  if (line.starts_with("HTTP/")) {
    ctx->headers.clear();
    return n;
  }
  const auto colon = line.find(':');
  if (colon != std::string_view::npos)
    ctx->headers.emplace_back(ascii_lower(trim(line.substr(0, colon))),
                              std::string(trim(line.substr(colon + 1))));
  return n;
}

extern "C" curl_socket_t on_open_socket(void* user, curlsocktype purpose,
                                        struct curl_sockaddr* address) {
  auto* ctx = static_cast<HopContext*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  if (!ctx->proxied) {
    // libcurl passes the full address; copy it out of its (variable-size) storage.
    sockaddr_storage storage{};
    std::memcpy(&storage, &address->addr, std::min<std::size_t>(address->addrlen, sizeof storage));
    if (auto why = check_address(*ctx->policy, reinterpret_cast<const sockaddr*>(&storage))) {
      ctx->refusal = std::move(why);
      return CURL_SOCKET_BAD;
    }
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

struct HeaderList {
  curl_slist* list = nullptr;
  ~HeaderList() { curl_slist_free_all(list); }
  void add(const std::string& line) {
    if (auto* next = curl_slist_append(list, line.c_str())) list = next;
  }
};

}  // namespace

struct HttpFetcher::Impl {
  HttpFetcherOptions options;
  std::mutex mutex;
  std::vector<CURL*> idle;

  CURL* take() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        CURL* h = idle.back();
        idle.pop_back();
        return h;
      }
    }
    return curl_easy_init();
  }
  void give_back(CURL* h) {
    std::lock_guard lock(mutex);
    if (idle.size() < options.max_idle_handles) {
      idle.push_back(h);
      return;
    }
    curl_easy_cleanup(h);
  }
};

HttpFetcher::HttpFetcher(HttpFetcherOptions options) : impl_(std::make_unique<Impl>()) {
  static std::once_flag once;
  static CURLcode init = CURLE_OK;
  std::call_once(once, [] { init = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (init != CURLE_OK) throw std::runtime_error("curl_global_init failed");
  validate(options.ssrf);
  if (options.max_redirects < 0) throw std::invalid_argument("max_redirects must be >= 0");
  if (options.proxy && (options.proxy->host.empty() || options.proxy->port == 0))
    throw std::invalid_argument("proxy needs a host and a port");
  if (!options.clock) options.clock = [] { return std::chrono::system_clock::now(); };
  impl_->options = std::move(options);
}

HttpFetcher::~HttpFetcher() {
  for (CURL* h : impl_->idle) curl_easy_cleanup(h);
}

FetchResult HttpFetcher::fetch(const FetchRequest& request) {
  const auto& opt = impl_->options;
  const auto started = Clock::now();
  const auto deadline = started + request.timeout;
  FetchResult result;
  result.method = "http";
  std::string url = request.url;

  auto finish = [&](FetchError error, std::string message) {
    result.error = error;
    result.error_message = std::move(message);
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    return result;
  };

  CURL* h = impl_->take();
  if (!h) return finish(FetchError::network, "curl_easy_init failed");
  struct Return {
    Impl* impl;
    CURL* h;
    ~Return() { impl->give_back(h); }
  } give_back{impl_.get(), h};

  // Default headers, replaced by the request's of the same name.
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
      {"Accept-Language", opt.accept_language},
      {"User-Agent", opt.user_agent}};
  for (const auto& [name, value] : request.headers) {
    std::erase_if(headers, [&](const auto& kv) { return ascii_iequals(kv.first, name); });
    headers.emplace_back(name, value);
  }
  HeaderList header_list;
  for (const auto& [name, value] : headers) header_list.add(name + ": " + value);

  std::string proxy_url, proxy_user;
  if (opt.proxy) {
    proxy_url = "http://" + opt.proxy->host + ":" + std::to_string(opt.proxy->port);
    if (!opt.proxy->user.empty())
      proxy_user = proxy_session_username(opt.proxy->user, opt.proxy->session_salt, opt.clock(),
                                          opt.proxy->session_period);
  }

  for (;;) {
    // Host names are checked on the socket (on_open_socket); a literal address up front, the
    // only check possible through a proxy.
    if (auto refusal = check_url(opt.ssrf, url))
      return finish(
          refusal->kind == UrlRefusal::Kind::bad_url ? FetchError::bad_url : FetchError::refused,
          std::move(refusal->reason));

    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (remaining.count() <= 0) return finish(FetchError::timeout, "timed out (redirects)");

    std::string hop_body;
    HopContext ctx;
    ctx.policy = &opt.ssrf;
    ctx.proxied = opt.proxy.has_value();
    ctx.body = &hop_body;
    ctx.max_body = opt.max_body_bytes;

    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl decodes
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.list);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(remaining.count()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min(remaining, opt.connect_timeout).count()));
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(opt.max_body_bytes));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &ctx);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &ctx);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &ctx);
    if (opt.proxy) {
      curl_easy_setopt(h, CURLOPT_PROXY, proxy_url.c_str());
      curl_easy_setopt(h, CURLOPT_NOPROXY, "");
      if (!proxy_user.empty()) {
        curl_easy_setopt(h, CURLOPT_PROXYUSERNAME, proxy_user.c_str());
        curl_easy_setopt(h, CURLOPT_PROXYPASSWORD, opt.proxy->password.c_str());
      }
    } else {
      curl_easy_setopt(h, CURLOPT_PROXY, "");  // no proxy from the environment
    }

    const CURLcode rc = curl_easy_perform(h);

    long request_size = 0, header_size = 0, status = 0;
    curl_off_t downloaded = 0;
    curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &request_size);
    curl_easy_getinfo(h, CURLINFO_HEADER_SIZE, &header_size);
    curl_easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &downloaded);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    result.request_bytes += static_cast<std::uint64_t>(std::max(0L, request_size));
    result.response_bytes += static_cast<std::uint64_t>(std::max(0L, header_size)) +
                             static_cast<std::uint64_t>(std::max<curl_off_t>(0, downloaded));
    result.status = static_cast<int>(status);
    result.final_url = url;

    if (rc != CURLE_OK) {
      if (ctx.refusal) return finish(FetchError::refused, *ctx.refusal);
      if (ctx.overflow || rc == CURLE_FILESIZE_EXCEEDED)
        return finish(FetchError::too_large,
                      "body larger than " + std::to_string(opt.max_body_bytes) + " bytes");
      if (rc == CURLE_OPERATION_TIMEDOUT) return finish(FetchError::timeout, "timed out");
      if (rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT)
        return finish(FetchError::bad_url, curl_easy_strerror(rc));
      return finish(FetchError::network, curl_easy_strerror(rc));
    }

    char* location = nullptr;
    curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &location);
    if (status >= 300 && status < 400 && location) {
      if (result.redirects >= opt.max_redirects)
        return finish(FetchError::too_many_redirects,
                      "more than " + std::to_string(opt.max_redirects) + " redirects");
      ++result.redirects;
      url = location;
      continue;
    }

    result.body = std::move(hop_body);
    for (const auto& [name, value] : ctx.headers) {
      if (name == "content-type") result.content_type = value;
      if (name == "retry-after" && (status == 429 || status == 503))
        result.retry_after = parse_retry_after(value, std::chrono::system_clock::now());
    }
    return finish(FetchError::none, "");
  }
}

}  // namespace crawler::crawl

#include "crawl/browser/browser_fetcher.h"

#include <algorithm>
#include <boost/json.hpp>
#include <condition_variable>
#include <deque>
#include <map>
#include <set>

#include "core/ascii.h"
#include "crawl/http_fetcher.h"
#include "crawl/retry_after.h"

namespace crawler::crawl::browser {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
namespace json = boost::json;

std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

const json::object& obj(const json::object& o, std::string_view key) {
  static const json::object empty;
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? v->as_object() : empty;
}

double num(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  return 0;
}

std::string header(const json::object& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (ascii_iequals(k, name) && v.is_string()) return std::string(v.as_string());
  }
  return {};
}

// Events of one page, queued by the reader thread and handled by the fetching thread.
class EventQueue {
 public:
  void push(CdpEvent e) {
    {
      std::lock_guard lock(mutex_);
      events_.push_back(std::move(e));
    }
    cv_.notify_one();
  }
  std::optional<CdpEvent> pop(Clock::time_point until) {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_until(lock, until, [&] { return !events_.empty(); })) return std::nullopt;
    CdpEvent e = std::move(events_.front());
    events_.pop_front();
    return e;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<CdpEvent> events_;
};

// One fetch in one fresh browser context. Throws CdpError (incl. CdpClosed/CdpTimeout) when
// the browser fails; page problems are FetchResult values.
class PageLoad {
 public:
  PageLoad(CdpClient& cdp, const BrowserFetcherOptions& options, const FetchRequest& request)
      : cdp_(cdp), options_(options), request_(request) {}

  FetchResult run() {
    const auto started = Clock::now();
    deadline_ = started + request_.timeout;
    result_.method = "browser";
    result_.final_url = request_.url;
    if (!allowed_scheme(request_.url)) {
      result_.error = FetchError::bad_url;
      result_.error_message = "only http and https urls are fetched";
      return result_;
    }
    open_context();
    try {
      load();
    } catch (...) {
      close_context();
      throw;
    }
    close_context();
    result_.duration = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
    return result_;
  }

 private:
  json::object command(const std::string& method, json::object params = {}, bool page = true) {
    return cdp_.call(method, std::move(params), page ? session_ : std::string(),
                     options_.command_timeout);
  }

  void open_context() {
    json::object params{{"disposeOnDetach", true}};
    if (options_.proxy) {
      params["proxyServer"] =
          "http://" + options_.proxy->host + ":" + std::to_string(options_.proxy->port);
      // Chromium sends loopback requests around any proxy unless told not to; with a proxy
      // configured, everything goes through it (loopback targets are refused by the SSRF
      // guard anyway, unless a test or the demo allows them).
      params["proxyBypassList"] = "<-loopback>";
    }
    context_ =
        str(command("Target.createBrowserContext", std::move(params), false), "browserContextId");
    target_ = str(command("Target.createTarget",
                          {{"url", "about:blank"}, {"browserContextId", context_}}, false),
                  "targetId");
    session_ =
        str(command("Target.attachToTarget", {{"targetId", target_}, {"flatten", true}}, false),
            "sessionId");
    cdp_.listen(session_, [this](const CdpEvent& e) { events_.push(e); });
    const bool auth = options_.proxy && !options_.proxy->user.empty();
    command("Fetch.enable", {{"patterns", json::array{json::object{{"urlPattern", "*"}}}},
                             {"handleAuthRequests", auth}});
    command("Network.enable");
    command("Page.enable");
    const std::string ua =
        options_.user_agent.empty() ? kIphoneSafariUserAgent : options_.user_agent;
    const std::string lang =
        options_.accept_language.empty() ? kKoreanAcceptLanguage : options_.accept_language;
    command("Network.setUserAgentOverride",
            {{"userAgent", ua}, {"acceptLanguage", lang}, {"platform", "iPhone"}});
    command("Emulation.setDeviceMetricsOverride",
            {{"width", options_.viewport_width},
             {"height", options_.viewport_height},
             {"deviceScaleFactor", options_.device_scale_factor},
             {"mobile", true}});
    command("Emulation.setTouchEmulationEnabled", {{"enabled", true}, {"maxTouchPoints", 5}});
  }

  void close_context() {
    if (!session_.empty()) cdp_.unlisten(session_);
    if (context_.empty() || cdp_.closed()) return;
    try {
      cdp_.call("Target.disposeBrowserContext", {{"browserContextId", context_}}, {},
                options_.command_timeout);
    } catch (const CdpTimeout&) {
      throw;  // a browser that cannot close a context hangs: the caller relaunches it
    } catch (const CdpError&) {
      // Already gone with its target.
    }
  }

  void load() {
    const auto navigate = cdp_.start_call("Page.navigate", {{"url", request_.url}}, session_);
    bool navigated = false;
    std::optional<Clock::time_point> loaded_at;
    Clock::time_point last_activity = Clock::now();
    for (;;) {
      const auto now = Clock::now();
      if (now >= deadline_) {
        cdp_.forget(navigate);
        if (loaded_at) break;  // loaded; the network never went idle: take the DOM as it is
        result_.error = FetchError::timeout;
        result_.error_message =
            "page did not load within " + std::to_string(request_.timeout.count()) + " ms";
        return;
      }
      if (!navigated) {
        if (auto reply = cdp_.poll_reply(navigate)) {
          navigated = true;
          if (auto error = str(*reply, "errorText"); !error.empty()) {
            if (result_.error == FetchError::none) {
              result_.error = FetchError::network;
              result_.error_message = "navigation failed: " + error;
            }
            return;
          }
        }
      }
      if (result_.error != FetchError::none) return;
      if (loaded_at) {
        const bool idle = in_flight_.empty() && now - last_activity >= options_.network_idle;
        if (idle || now - *loaded_at >= options_.max_idle_wait) break;
      }
      auto wake = std::min(deadline_, now + milliseconds(50));
      auto event = events_.pop(wake);
      if (!event) continue;
      last_activity = Clock::now();
      if (event->method == "Page.loadEventFired") loaded_at = Clock::now();
      handle(*event);
    }
    if (!result_.ok() && result_.error == FetchError::none && result_.status == 0) {
      result_.error = FetchError::network;
      result_.error_message = "no response for the page";
      return;
    }
    auto dom = command("Runtime.evaluate", {{"expression", "document.documentElement.outerHTML"},
                                            {"returnByValue", true}});
    const auto& value = obj(dom, "result");
    result_.body = "<!DOCTYPE html>\n" + str(value, "value");
    if (result_.body.size() > options_.max_body_bytes) {
      result_.body.clear();
      result_.error = FetchError::too_large;
      result_.error_message = "rendered page larger than the limit";
    }
  }

  void handle(const CdpEvent& e) {
    const auto& p = e.params;
    if (e.method == "Fetch.requestPaused") {
      on_request_paused(p);
    } else if (e.method == "Fetch.authRequired") {
      json::object response{{"response", "CancelAuth"}};
      if (str(obj(p, "authChallenge"), "source") == "Proxy" && options_.proxy) {
        const auto now = options_.clock ? options_.clock() : std::chrono::system_clock::now();
        response = {
            {"response", "ProvideCredentials"},
            {"username", proxy_session_username(options_.proxy->user, options_.proxy->session_salt,
                                                now, options_.proxy->session_period)},
            {"password", options_.proxy->password}};
      }
      cdp_.send("Fetch.continueWithAuth",
                {{"requestId", str(p, "requestId")}, {"authChallengeResponse", response}},
                session_);
    } else if (e.method == "Network.requestWillBeSent") {
      const auto id = str(p, "requestId");
      const auto& req = obj(p, "request");
      in_flight_.insert(id);
      std::uint64_t bytes = str(req, "method").size() + str(req, "url").size() + 12;
      for (const auto& [k, v] : obj(req, "headers"))
        if (v.is_string()) bytes += k.size() + v.as_string().size() + 4;
      result_.request_bytes += bytes;
      if (main_request_.empty() && str(p, "type") == "Document") main_request_ = id;
      if (id == main_request_ && p.contains("redirectResponse")) ++result_.redirects;
    } else if (e.method == "Network.responseReceived") {
      const auto id = str(p, "requestId");
      if (id != main_request_) return;
      const auto& res = obj(p, "response");
      result_.status = static_cast<int>(num(res, "status"));
      result_.final_url = str(res, "url");
      result_.content_type = header(obj(res, "headers"), "content-type");
      if (result_.throttled())
        result_.retry_after = parse_retry_after(header(obj(res, "headers"), "retry-after"),
                                                std::chrono::system_clock::now());
    } else if (e.method == "Network.loadingFinished") {
      in_flight_.erase(str(p, "requestId"));
      result_.response_bytes += static_cast<std::uint64_t>(num(p, "encodedDataLength"));
    } else if (e.method == "Network.loadingFailed") {
      const auto id = str(p, "requestId");
      in_flight_.erase(id);
      if (id == main_request_ && result_.error == FetchError::none) {
        result_.error = FetchError::network;
        result_.error_message = "page failed: " + str(p, "errorText");
      }
    }
  }

  void on_request_paused(const json::object& p) {
    const auto id = str(p, "requestId");
    const auto& req = obj(p, "request");
    const auto url = str(req, "url");
    const auto type = str(p, "resourceType");
    const bool is_document = type == "Document";
    if (!is_document &&
        std::find(options_.blocked_resource_types.begin(), options_.blocked_resource_types.end(),
                  type) != options_.blocked_resource_types.end()) {
      cdp_.send("Fetch.failRequest", {{"requestId", id}, {"errorReason", "BlockedByClient"}},
                session_);
      return;
    }
    if (auto refused = ssrf_refusal(url)) {
      cdp_.send("Fetch.failRequest", {{"requestId", id}, {"errorReason", "AddressUnreachable"}},
                session_);
      if (result_.blocked_requests.size() < 20) result_.blocked_requests.push_back(url);
      // The page itself (or a redirect of it) points somewhere forbidden: the fetch is refused.
      // Its top frame's id is the target's id; an iframe's refused document does not count.
      if (is_document && str(p, "frameId") == target_) {
        result_.error = FetchError::refused;
        result_.error_message = "refused " + url + ": " + *refused;
      }
      return;
    }
    cdp_.send("Fetch.continueRequest", {{"requestId", id}}, session_);
  }

  // Why the SSRF guard refuses a url the page requests, if it does. Chromium's own sockets are
  // out of reach, so host names are resolved here, once per page.
  std::optional<std::string> ssrf_refusal(const std::string& url) {
    if (url.starts_with("data:") || url.starts_with("blob:") || url == "about:blank")
      return std::nullopt;  // no network
    const HostResolver resolve = [this](const std::string& host) {
      auto known = resolved_.find(host);
      if (known == resolved_.end()) known = resolved_.emplace(host, resolve_host(host)).first;
      return known->second;
    };
    auto refusal = check_url(options_.ssrf, url, resolve);
    if (!refusal) return std::nullopt;
    return std::move(refusal->reason);
  }

  CdpClient& cdp_;
  const BrowserFetcherOptions& options_;
  const FetchRequest& request_;
  std::map<std::string, std::vector<std::string>> resolved_;  // host → addresses, this page
  EventQueue events_;
  FetchResult result_;
  Clock::time_point deadline_;
  std::string context_, target_, session_, main_request_;
  std::set<std::string> in_flight_;
};

}  // namespace

BrowserFetcher::BrowserFetcher(BrowserFetcherOptions options) : options_(std::move(options)) {
  validate(options_.ssrf);
  if (options_.proxy && (options_.proxy->host.empty() || options_.proxy->port == 0))
    throw std::invalid_argument("browser proxy needs a host and a port");
  if (options_.viewport_width <= 0 || options_.viewport_height <= 0)
    throw std::invalid_argument("browser viewport must be positive");
}

BrowserFetcher::~BrowserFetcher() { shutdown(); }

std::shared_ptr<ChromiumProcess> BrowserFetcher::acquire_browser() {
  std::lock_guard lock(mutex_);
  if (browser_ && browser_->alive()) return browser_;
  browser_.reset();  // a dead one: its destructor reaps it and its helpers
  browser_ = std::make_shared<ChromiumProcess>(options_.chromium);
  ++launches_;
  return browser_;
}

void BrowserFetcher::discard_browser(const std::shared_ptr<ChromiumProcess>& browser) {
  std::lock_guard lock(mutex_);
  if (browser_ == browser) browser_.reset();
}

FetchResult BrowserFetcher::fetch(const FetchRequest& request) {
  FetchResult failed;
  failed.method = "browser";
  failed.final_url = request.url;
  std::shared_ptr<ChromiumProcess> browser;
  try {
    browser = acquire_browser();
  } catch (const std::exception& e) {
    failed.error = FetchError::network;
    failed.error_message = std::string("browser unavailable: ") + e.what();
    return failed;
  }
  try {
    PageLoad load(browser->cdp(), options_, request);
    return load.run();
  } catch (const CdpError& e) {
    // Died (closed pipe) or hangs (a command without reply): the next fetch relaunches it.
    // Kill it now so its pages stop costing CPU and memory.
    discard_browser(browser);
    browser->stop(milliseconds(0));
    failed.error = FetchError::network;
    failed.error_message = std::string("browser failed: ") + e.what();
    return failed;
  }
}

void BrowserFetcher::shutdown() {
  std::shared_ptr<ChromiumProcess> browser;
  {
    std::lock_guard lock(mutex_);
    browser = std::move(browser_);
  }
  if (browser) browser->stop();
}

int BrowserFetcher::launches() const {
  std::lock_guard lock(mutex_);
  return launches_;
}

int BrowserFetcher::browser_pid() const {
  std::lock_guard lock(mutex_);
  return browser_ ? browser_->pid() : -1;
}

}  // namespace crawler::crawl::browser

#include "crawl/sample_site/site.h"

#include <zlib.h>

#include <boost/json.hpp>
#include <stdexcept>
#include <thread>

#include "core/clock.h"
#include "core/log.h"
#include "core/percent_encoding.h"
#include "http/server.h"

namespace crawler::crawl::sample_site {
namespace {

constexpr int kItems = 10;
constexpr int kDomains = 20;

struct Parsed {
  std::string mode;     // "" for an ordinary keyword
  std::string keyword;  // what the ranking rule hashes
};

Parsed parse_keyword(std::string_view k) {
  constexpr std::string_view prefix = "sample:";
  if (!k.starts_with(prefix)) return {"", std::string(k)};
  k.remove_prefix(prefix.size());
  const auto colon = k.find(':');
  if (colon == std::string_view::npos) return {std::string(k), ""};
  return {std::string(k.substr(0, colon)), std::string(k.substr(colon + 1))};
}

std::string escape_html(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string gzip(std::string_view in) {
  z_stream z{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  std::string out(deflateBound(&z, static_cast<uLong>(in.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
  return out;
}

std::string http_date(std::chrono::system_clock::time_point t) {
  return format_utc(t, "%a, %d %b %Y %H:%M:%S GMT");
}

std::string items_html(std::string_view keyword, Page page) {
  std::string out;
  for (const auto& r : results(keyword, page)) {
    if (page == Page::ad) {
      out +=
          "<li class=\"list_item\"><div class=\"inner\"><div class=\"tit_area\">"
          "<a class=\"tit_wrap\" href=\"https://" +
          r.domain + "/\"><span class=\"tit\">" + escape_html(r.title) +
          "</span></a></div><div class=\"url_area\">"
          "<a class=\"url_link\" href=\"https://" +
          r.domain + "/\">" + escape_html(r.display_url) + "</a></div><p class=\"desc\">" +
          escape_html(keyword) + " 관련 상품을 지금 만나보세요</p></div></li>\n";
    } else {
      out +=
          "<li class=\"bx\"><div class=\"total_wrap\"><div class=\"total_source\">"
          "<span class=\"source_txt\">" +
          escape_html(r.display_url) +
          "</span></div>"
          "<a class=\"total_tit\" href=\"https://" +
          r.domain + "/\">" + escape_html(r.title) + "</a><div class=\"total_dsc\">" +
          escape_html(keyword) + "에 대한 자세한 정보</div></div></li>\n";
    }
  }
  return out;
}

std::string wrap(std::string_view keyword, Page page, std::string_view list,
                 std::string_view extra) {
  const std::string title = escape_html(keyword) + " : 네이버 검색";
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"ko\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width\"><title>" +
      title + "</title></head><body>\n";
  if (page == Page::ad) {
    html +=
        "<div id=\"container\"><ul class=\"ad_banner\"><li class=\"list_item_banner\">"
        "<span class=\"tit\">광고 안내 shop-1.example</span></li></ul>\n"
        "<ul id=\"list\" class=\"lst_type\">\n";
    html += list;
    html += "</ul></div>\n";
  } else {
    html += "<div id=\"ct\"><section class=\"sc_new\"><ul id=\"list\" class=\"lst_total\">\n";
    html += list;
    html +=
        "</ul></section><section class=\"related\"><ul class=\"lst_related\">"
        "<li class=\"bx\"><a class=\"total_tit\">연관검색어 shop-1.example</a></li></ul>"
        "</section></div>\n";
  }
  html += extra;
  html += "</body></html>\n";
  return html;
}

http::Response html_response(const http::Request& req, std::string body) {
  http::Response res = http::Response::text(200, std::move(body), "text/html; charset=utf-8");
  res.headers.emplace_back("Cache-Control", "no-store");
  if (req.header("Accept-Encoding").find("gzip") != std::string_view::npos) {
    res.body = gzip(res.body);
    res.headers.emplace_back("Content-Encoding", "gzip");
    res.headers.emplace_back("Vary", "Accept-Encoding");
  }
  return res;
}

http::Response search(const Options& options, const http::Request& req) {
  const std::string raw = req.query("query").value_or("");
  const Page page = req.query("where").value_or("") == "m_expd" ? Page::ad : Page::organic;
  const Parsed k = parse_keyword(raw);
  if (k.mode.empty()) return html_response(req, render_page(k.keyword, page));
  if (k.mode == "empty") {
    return html_response(
        req, wrap(raw, page, "", "<div class=\"not_found\">검색결과가 없습니다.</div>\n"));
  }
  if (k.mode == "slow") {
    std::this_thread::sleep_for(options.slow_delay);
    return html_response(req, render_page(k.keyword, page));
  }
  if (k.mode == "429" || k.mode == "503") {
    http::Response res = http::Response::text(k.mode == "429" ? 429 : 503, "slow down\n");
    const auto after = std::chrono::seconds(options.retry_after_seconds);
    res.headers.emplace_back("Retry-After",
                             k.mode == "429" ? std::to_string(after.count())
                                             : http_date(std::chrono::system_clock::now() + after));
    return res;
  }
  if (k.mode == "js") return html_response(req, render_page(k.keyword, page, true));
  if (k.mode == "beacon") {
    // The normal page, plus a script and a fetch() aimed at the instance metadata service:
    // a browser must never let them leave.
    std::string html = render_page(k.keyword, page);
    const std::string probe =
        "<script src=\"http://169.254.169.254/latest/meta-data/iam.js\"></script>\n"
        "<script>fetch('http://169.254.169.254/latest/meta-data/').catch(() => {});</script>\n";
    html.insert(html.rfind("</body>"), probe);
    return html_response(req, html);
  }
  if (k.mode == "metadata") {
    http::Response res = http::Response::text(302, "");
    res.headers.emplace_back("Location", "http://169.254.169.254/latest/meta-data/");
    return res;
  }
  if (k.mode == "redirect") {
    http::Response res = http::Response::text(302, "");
    const std::string location = req.path + "?where=" + (page == Page::ad ? "m_expd" : "m_web") +
                                 "&query=" + percent_encode(k.keyword, "");
    res.headers.emplace_back("Location", location);
    return res;
  }
  if (k.mode == "big") {
    std::string filler = "<div class=\"filler\" style=\"display:none\">";
    while (filler.size() < 1024 * 1024) filler += "<span>검색 광고 filler text 0123456789</span>";
    filler += "</div>\n";
    std::string html = render_page(k.keyword, page);
    html.insert(html.find("<body>") + 6, filler);
    return html_response(req, std::move(html));
  }
  return http::Response::text(400, "unknown sample mode '" + k.mode + "'\n");
}

}  // namespace

std::uint64_t keyword_hash(std::string_view keyword) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : keyword) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::vector<Result> results(std::string_view keyword, Page page) {
  const Parsed k = parse_keyword(keyword);
  const std::uint64_t h = keyword_hash(k.keyword);
  const std::uint64_t offset = page == Page::ad ? h % kDomains : (h / kDomains) % kDomains;
  std::vector<Result> out;
  for (int r = 1; r <= kItems; ++r) {
    const int n = static_cast<int>((offset + static_cast<std::uint64_t>(r - 1)) % kDomains) + 1;
    Result result;
    result.domain = "shop-" + std::to_string(n) + ".example";
    const std::string shop = "샵" + std::to_string(n);
    if (n % 4 == 0) {
      result.display_url = "ad.link.example/c/" + std::to_string(n);
      result.title = std::string(k.keyword) + " 공식몰 " + result.domain;
    } else {
      result.display_url =
          n % 2 == 1 ? "www." + result.domain : "https://" + result.domain + "/store";
      result.title =
          std::string(k.keyword) + (page == Page::ad ? " 최저가 특가 - " : " 후기 - ") + shop;
    }
    out.push_back(std::move(result));
  }
  return out;
}

std::optional<int> rank_of(std::string_view keyword, std::string_view domain, Page page) {
  int r = 0;
  for (const auto& result : results(keyword, page)) {
    ++r;
    if (result.domain == domain) return r;
  }
  return std::nullopt;
}

std::string render_page(std::string_view keyword, Page page, bool javascript_only) {
  const Parsed k = parse_keyword(keyword);
  if (!javascript_only) return wrap(keyword, page, items_html(k.keyword, page), "");
  // The list is empty in the HTML; a script inserts the items, as a browser would see them.
  std::string markup = boost::json::serialize(boost::json::value(items_html(k.keyword, page)));
  std::string safe;  // "</script>" inside a string literal would end the script element
  for (std::size_t i = 0; i < markup.size(); ++i) {
    if (markup[i] == '<' && i + 1 < markup.size() && markup[i + 1] == '/') {
      safe += "<\\/";
      ++i;
    } else {
      safe += markup[i];
    }
  }
  const std::string script =
      "<script>document.addEventListener('DOMContentLoaded', function () {\n"
      "  setTimeout(function () {\n"
      "    document.getElementById('list').insertAdjacentHTML('beforeend', " +
      safe +
      ");\n"
      "  }, 50);\n});</script>\n";
  return wrap(keyword, page, "", script);
}

void SearchLog::record(std::string query) {
  std::lock_guard lock(mutex_);
  entries_.push_back({std::chrono::steady_clock::now(), std::move(query)});
}

std::vector<SearchLog::Entry> SearchLog::entries() const {
  std::lock_guard lock(mutex_);
  return entries_;
}

std::shared_ptr<http::Router> make_router(const Options& options, std::shared_ptr<SearchLog> log) {
  auto router = std::make_shared<http::Router>();
  router->get("/search.naver", [options, log](http::Request& req) {
    if (log) log->record(std::string(req.query("query").value_or("")));
    return search(options, req);
  });
  router->get("/health", [](http::Request&) { return http::Response::text(200, "ok\n"); });
  router->get("/", [](http::Request&) {
    return http::Response::text(
        200,
        "Sample search site: /search.naver?where=m_expd&query=K (AD), "
        "/search.naver?where=m_web&query=K (ORGANIC). See src/crawl/sample_site/site.h.\n");
  });
  return router;
}

struct Site::Impl {
  Options options;
  std::string bind_address;
  std::uint16_t port = 0;
  std::unique_ptr<http::Server> server;
  std::shared_ptr<SearchLog> log = std::make_shared<SearchLog>();
};

Site::Site(Options options, std::string bind_address, std::uint16_t port)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  impl_->bind_address = std::move(bind_address);
  impl_->port = port;
}

Site::~Site() { stop(); }

void Site::start() {
  http::ServerOptions so;
  so.name = "sample-site";
  so.bind_address = impl_->bind_address;
  so.port = impl_->port;
  so.handler_threads = impl_->options.handler_threads;
  impl_->server = std::make_unique<http::Server>(so, make_router(impl_->options, impl_->log),
                                                 log::Logger("sample-site"));
  impl_->server->start();
}

void Site::stop() {
  if (!impl_->server) return;
  impl_->server->stop(std::chrono::steady_clock::now() + std::chrono::seconds(2));
  impl_->server.reset();
}

std::vector<SearchLog::Entry> Site::searches() const { return impl_->log->entries(); }

std::uint16_t Site::port() const { return impl_->server ? impl_->server->port() : impl_->port; }

std::string Site::base_url() const {
  const std::string host = impl_->bind_address == "0.0.0.0" || impl_->bind_address.empty()
                               ? "127.0.0.1"
                               : impl_->bind_address;
  return "http://" + host + ":" + std::to_string(port());
}

std::string Site::ad_url_template() const {
  return base_url() + "/search.naver?where=m_expd&query={query}";
}

std::string Site::organic_url_template() const {
  return base_url() + "/search.naver?where=m_web&query={query}";
}

}  // namespace crawler::crawl::sample_site

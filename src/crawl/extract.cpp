#include "crawl/extract.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>

#include <climits>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "crawl/libxml_setup.h"

namespace crawler::crawl {

namespace detail {
namespace {
void ignore_structured_error(void*, xmlErrorPtr) {}
void ignore_generic_error(void*, const char*, ...) {}
}  // namespace

void libxml_setup() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
  // libxml2 keeps error handlers per thread (thread-local storage when built with threads).
  thread_local bool done = false;
  if (!done) {
    xmlSetStructuredErrorFunc(nullptr, ignore_structured_error);
    xmlSetGenericErrorFunc(nullptr, ignore_generic_error);
    done = true;
  }
}
}  // namespace detail

namespace {

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
struct ContextFree {
  void operator()(xmlXPathContext* c) const { xmlXPathFreeContext(c); }
};
struct CompFree {
  void operator()(xmlXPathCompExpr* c) const { xmlXPathFreeCompExpr(c); }
};
struct ObjectFree {
  void operator()(xmlXPathObject* o) const { xmlXPathFreeObject(o); }
};
using Compiled = std::unique_ptr<xmlXPathCompExpr, CompFree>;
using Object = std::unique_ptr<xmlXPathObject, ObjectFree>;

Compiled compile(const std::string& xpath) {
  Compiled c(xmlXPathCompile(reinterpret_cast<const xmlChar*>(xpath.c_str())));
  if (!c) throw std::invalid_argument("XPath does not compile: " + xpath);
  return c;
}

// Appends `in` to `out` with runs of whitespace (incl. NBSP as UTF-8 C2 A0) collapsed to
// one space, stopping at `limit` bytes (never inside a UTF-8 sequence).
void append_collapsed(std::string& out, const char* in, std::size_t limit) {
  bool space = !out.empty() && out.back() == ' ';
  for (const char* p = in; *p; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    const bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
                    (c == 0xC2 && static_cast<unsigned char>(p[1]) == 0xA0);
    if (ws) {
      if (c == 0xC2) ++p;
      if (!out.empty() && !space) {
        if (out.size() + 1 > limit) return;
        out += ' ';
      }
      space = true;
      continue;
    }
    // Length of the UTF-8 sequence starting here, so a cut never splits a character.
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    for (std::size_t k = 1; k < n; ++k)
      if (!p[k]) n = k;
    if (out.size() + n > limit) return;
    out.append(p, n);
    p += n - 1;
    space = false;
  }
}

// The text of every node `expr` selects under `node`, joined by spaces (as Cheerio's .text()
// joins a selection, but with a separator so two spans do not glue words together).
std::string text_of(xmlXPathContext* ctx, xmlXPathCompExpr* expr, xmlNode* node,
                    std::size_t limit) {
  ctx->node = node;
  Object result(xmlXPathCompiledEval(expr, ctx));
  std::string out;
  if (!result) return out;
  if (result->type == XPATH_STRING && result->stringval) {
    append_collapsed(out, reinterpret_cast<const char*>(result->stringval), limit);
  } else if (result->type == XPATH_NODESET && result->nodesetval) {
    for (int i = 0; i < result->nodesetval->nodeNr; ++i) {
      xmlChar* content = xmlNodeGetContent(result->nodesetval->nodeTab[i]);
      if (!content) continue;
      if (!out.empty() && out.back() != ' ' && out.size() < limit) out += ' ';
      append_collapsed(out, reinterpret_cast<const char*>(content), limit);
      xmlFree(content);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

Extraction extract(std::string_view html, const Profile& profile, const ExtractLimits& limits) {
  detail::libxml_setup();
  Extraction result;
  const auto items_expr = compile(profile.item_xpath);
  const auto title_expr = compile(profile.title_xpath);
  const auto url_expr = compile(profile.display_url_xpath);

  if (html.size() > limits.max_input_bytes) {
    html = html.substr(0, limits.max_input_bytes);
    result.truncated = true;
  }
  if (html.empty() || html.size() > static_cast<std::size_t>(INT_MAX)) return result;

  // UTF-8 unless the page declares otherwise (Naver serves UTF-8); NONET: never fetch a DTD.
  const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                      HTML_PARSE_NONET | HTML_PARSE_NOBLANKS | HTML_PARSE_COMPACT;
  std::unique_ptr<xmlDoc, DocFree> doc(
      htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8", options));
  if (!doc) return result;
  std::unique_ptr<xmlXPathContext, ContextFree> ctx(xmlXPathNewContext(doc.get()));
  if (!ctx) return result;

  Object items(xmlXPathCompiledEval(items_expr.get(), ctx.get()));
  if (!items || items->type != XPATH_NODESET || !items->nodesetval) return result;
  const auto* set = items->nodesetval;
  for (int i = 0; i < set->nodeNr; ++i) {
    if (result.items.size() >= limits.max_items) {
      result.truncated = true;
      break;
    }
    xmlNode* node = set->nodeTab[i];
    if (node->type != XML_ELEMENT_NODE) continue;
    Item item;
    item.title = text_of(ctx.get(), title_expr.get(), node, limits.max_text_bytes);
    item.display_url = text_of(ctx.get(), url_expr.get(), node, limits.max_text_bytes);
    result.items.push_back(std::move(item));
  }
  return result;
}

}  // namespace crawler::crawl

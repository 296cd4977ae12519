#include "crawl/extract.h"

#include <libxml/HTMLparser.h>
#include <libxml/dict.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>

#include <climits>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

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
struct ParserFree {
  void operator()(htmlParserCtxt* c) const { htmlFreeParserCtxt(c); }
};
using Compiled = std::unique_ptr<xmlXPathCompExpr, CompFree>;
using Object = std::unique_ptr<xmlXPathObject, ObjectFree>;

// ---- CSS selectors: a tree walk over libxml2's nodes -------------------------------------
//
// The meaning selector.h gives them, which is that of the XPath to_xpath() writes, kept to
// the letter: class tokens are separated by normalize-space's whitespace (space, tab, CR and
// LF only); a type selector needs an element of exactly that name and no namespace; results
// are in document order without duplicates. Walking the tree is what makes extraction cheap:
// libxml2's evaluation of that XPath builds three strings per element for every class test,
// which on a result page was most of the extraction time.

bool xpath_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// An attribute without namespace prefix, as XPath's @name selects it.
xmlAttr* attribute(const xmlNode* node, const char* name) {
  for (xmlAttr* a = node->properties; a; a = a->next)
    if ((!a->ns || !a->ns->prefix) &&
        std::strcmp(reinterpret_cast<const char*>(a->name), name) == 0)
      return a;
  return nullptr;
}

// The attribute's string value; points into the tree when it is one text node (the usual
// case), else into `scratch`.
std::string_view attribute_value(const xmlAttr* a, std::string& scratch) {
  const xmlNode* text = a->children;
  if (!text) return {};
  if (!text->next && (text->type == XML_TEXT_NODE || text->type == XML_CDATA_SECTION_NODE))
    return text->content ? std::string_view(reinterpret_cast<const char*>(text->content))
                         : std::string_view();
  xmlChar* value = xmlNodeGetContent(reinterpret_cast<const xmlNode*>(a));
  scratch.assign(value ? reinterpret_cast<const char*>(value) : "");
  xmlFree(value);
  return scratch;
}

bool has_class_token(std::string_view value, std::string_view name) {
  std::size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && xpath_space(static_cast<unsigned char>(value[i]))) ++i;
    std::size_t start = i;
    while (i < value.size() && !xpath_space(static_cast<unsigned char>(value[i]))) ++i;
    if (i > start && value.substr(start, i - start) == name) return true;
  }
  return false;
}

bool matches(const SelectorStep& step, const xmlNode* node) {
  if (node->type != XML_ELEMENT_NODE) return false;
  if (!step.tag.empty() &&
      (node->ns || std::strcmp(reinterpret_cast<const char*>(node->name), step.tag.c_str()) != 0))
    return false;
  std::string scratch;
  if (!step.ids.empty()) {
    const xmlAttr* a = attribute(node, "id");
    if (!a) return false;
    const std::string_view value = attribute_value(a, scratch);
    for (const auto& id : step.ids)
      if (value != id) return false;
  }
  if (!step.classes.empty()) {
    const xmlAttr* a = attribute(node, "class");
    if (!a) return false;
    const std::string_view value = attribute_value(a, scratch);
    for (const auto& name : step.classes)
      if (!has_class_token(value, name)) return false;
  }
  return true;
}

// Whether `node`, which matches steps[last], is reached through steps[0..last-1] from
// `anchor`: right to left through its ancestors, never above the anchor.
bool reached(const std::vector<SelectorStep>& steps, std::size_t last, const xmlNode* node,
             const xmlNode* anchor) {
  const xmlNode* parent = node->parent;
  if (last == 0) return steps[0].child ? parent == anchor : true;
  if (steps[last].child) {
    return parent && parent != anchor && matches(steps[last - 1], parent) &&
           reached(steps, last - 1, parent, anchor);
  }
  for (const xmlNode* up = parent; up && up != anchor; up = up->parent) {
    if (!matches(steps[last - 1], up)) continue;
    if (reached(steps, last - 1, up, anchor)) return true;
    // Only the nearest match needs trying when it hangs below its own predecessor at any
    // depth: a higher one has a subset of its ancestors. This keeps deeply nested hostile
    // pages linear per candidate instead of a power of their depth.
    if (!steps[last - 1].child) return false;
  }
  return false;
}

// The elements below `anchor` (the document for the item selector, the item for the
// others) that any chain of `selector` reaches, in document order. Iterative: hostile pages
// nest elements 100,000 deep.
void select_css(const Selector& selector, xmlNode* anchor, std::vector<xmlNode*>& out) {
  out.clear();
  xmlNode* node = anchor->children;
  while (node) {
    if (node->type == XML_ELEMENT_NODE) {
      for (const auto& steps : selector.chains) {
        const std::size_t last = steps.size() - 1;
        if (matches(steps[last], node) && reached(steps, last, node, anchor)) {
          out.push_back(node);
          break;
        }
      }
      if (node->children) {
        node = node->children;
        continue;
      }
    }
    while (node != anchor && !node->next) node = node->parent;
    if (node == anchor) break;
    node = node->next;
  }
}

// ---- XPath selectors: libxml2's evaluator --------------------------------------------------

// A profile selector ready for evaluation: CSS as parsed, XPath compiled by libxml2.
struct Prepared {
  const Selector& selector;
  xmlXPathCompExpr* xpath = nullptr;  // XPath only
};

// XPath is compiled once per thread, not once per page. Per thread, so nothing libxml2 owns
// is shared between threads; keyed by the XPath text, since a Profile is a plain value that
// callers copy and edit. Throws std::invalid_argument when it does not compile, which
// profile loading already rules out.
Prepared prepare(const Selector& selector) {
  if (selector.syntax != Selector::Syntax::xpath) return {selector};
  thread_local std::deque<std::pair<std::string, Compiled>> cache;
  for (const auto& [text, expr] : cache)
    if (text == selector.text) return {selector, expr.get()};
  if (cache.size() >= 48) cache.pop_front();  // a test or a reload churning profiles
  Compiled expr(xmlXPathCompile(reinterpret_cast<const xmlChar*>(selector.text.c_str())));
  if (!expr) throw std::invalid_argument("XPath does not compile: " + selector.text);
  return {selector, cache.emplace_back(selector.text, std::move(expr)).second.get()};
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

// Appends what xmlNodeGetContent(element) returns (its text and CDATA descendants in
// document order) without allocating a copy per node; same walk as libxml2's
// xmlBufGetNodeContent, iterative.
void append_content(std::string& out, const xmlNode* element) {
  const xmlNode* node = element;
  while (node) {
    if ((node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) && node->content) {
      out += reinterpret_cast<const char*>(node->content);
    } else if (node->type == XML_ENTITY_REF_NODE) {
      xmlChar* content = xmlNodeGetContent(node);
      if (content) out += reinterpret_cast<const char*>(content);
      xmlFree(content);
    }
    if (node->children && node->children->type != XML_ENTITY_DECL) {
      node = node->children;
      continue;
    }
    if (node == element) break;
    while (node != element && !node->next) node = node->parent;
    if (node == element) break;
    node = node->next;
  }
}

// The text of every node `selector` selects under `node`, joined by spaces (as Cheerio's
// .text() joins a selection, but with a separator so two spans do not glue words together).
std::string text_of(xmlXPathContext* ctx, const Prepared& selector, xmlNode* node,
                    std::size_t limit) {
  std::string out;
  if (!selector.xpath) {
    thread_local std::vector<xmlNode*> nodes;
    thread_local std::string content;
    select_css(selector.selector, node, nodes);
    for (xmlNode* n : nodes) {
      content.clear();
      append_content(content, n);
      if (!out.empty() && out.back() != ' ' && out.size() < limit) out += ' ';
      append_collapsed(out, content.c_str(), limit);
    }
  } else {
    ctx->node = node;
    Object result(xmlXPathCompiledEval(selector.xpath, ctx));
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
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// libxml2's XPath context for one page: one per thread, pointed at each page's document in
// turn, since making one registers every XPath function in a fresh hash table (about 5 % of
// an XPath profile's extraction of a result page). Reset to what xmlXPathNewContext() sets,
// and pointing at no document once the page is done.
class XPathContext {
 public:
  XPathContext() = default;
  XPathContext(const XPathContext&) = delete;
  XPathContext& operator=(const XPathContext&) = delete;
  ~XPathContext() {
    if (ctx_) reset(nullptr);
  }
  bool open(xmlDoc* doc) {
    thread_local std::unique_ptr<xmlXPathContext, ContextFree> reused;
    if (!reused) reused.reset(xmlXPathNewContext(nullptr));
    ctx_ = reused.get();
    if (ctx_) reset(doc);
    return ctx_ != nullptr;
  }
  xmlXPathContext* get() const { return ctx_; }

 private:
  void reset(xmlDoc* doc) {
    ctx_->doc = doc;
    ctx_->node = nullptr;
    ctx_->contextSize = -1;
    ctx_->proximityPosition = -1;
  }
  xmlXPathContext* ctx_ = nullptr;
};

// One parser context per thread, reused: setting one up (dictionary, SAX handler, stacks)
// cost about a quarter of parsing a result page. Its dictionary keeps the names and short
// texts of every page parsed, so it is dropped once that grows, and a hostile stream of
// pages cannot make it grow without bound.
std::unique_ptr<xmlDoc, DocFree> parse(std::string_view html) {
  // UTF-8 unless the page declares otherwise (Naver serves UTF-8); NONET: never fetch a DTD.
  constexpr int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                          HTML_PARSE_NONET | HTML_PARSE_NOBLANKS | HTML_PARSE_COMPACT;
  constexpr int max_dictionary = 20000;
  thread_local std::unique_ptr<htmlParserCtxt, ParserFree> parser;
  if (!parser) parser.reset(htmlNewParserCtxt());
  if (!parser) return nullptr;
  std::unique_ptr<xmlDoc, DocFree> doc(htmlCtxtReadMemory(
      parser.get(), html.data(), static_cast<int>(html.size()), nullptr, "UTF-8", options));
  if (!parser->dict || xmlDictSize(parser->dict) > max_dictionary) parser.reset();
  return doc;
}

}  // namespace

Extraction extract(std::string_view html, const Profile& profile, const ExtractLimits& limits) {
  detail::libxml_setup();
  Extraction result;
  const Prepared items_selector = prepare(profile.items);
  const Prepared title_selector = prepare(profile.title);
  const Prepared url_selector = prepare(profile.display_url);

  if (html.size() > limits.max_input_bytes) {
    html = html.substr(0, limits.max_input_bytes);
    result.truncated = true;
  }
  if (html.empty() || html.size() > static_cast<std::size_t>(INT_MAX)) return result;

  const auto doc = parse(html);
  if (!doc) return result;
  // libxml2's XPath context only for selectors that need its evaluator.
  XPathContext ctx;
  if (items_selector.xpath || title_selector.xpath || url_selector.xpath) {
    if (!ctx.open(doc.get())) return result;
  }

  const auto add = [&](xmlNode* node) {
    if (result.items.size() >= limits.max_items) {
      result.truncated = true;
      return false;
    }
    if (node->type != XML_ELEMENT_NODE) return true;
    Item item;
    item.title = text_of(ctx.get(), title_selector, node, limits.max_text_bytes);
    item.display_url = text_of(ctx.get(), url_selector, node, limits.max_text_bytes);
    result.items.push_back(std::move(item));
    return true;
  };
  if (!items_selector.xpath) {
    std::vector<xmlNode*> items;
    select_css(profile.items, reinterpret_cast<xmlNode*>(doc.get()), items);
    for (xmlNode* node : items)
      if (!add(node)) break;
  } else {
    Object items(xmlXPathCompiledEval(items_selector.xpath, ctx.get()));
    if (!items || items->type != XPATH_NODESET || !items->nodesetval) return result;
    const auto* set = items->nodesetval;
    for (int i = 0; i < set->nodeNr; ++i)
      if (!add(set->nodeTab[i])) break;
  }
  return result;
}

}  // namespace crawler::crawl

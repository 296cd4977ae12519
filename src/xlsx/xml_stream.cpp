#include "xlsx/xml_stream.h"

#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include <climits>
#include <mutex>

#include "xlsx/errors.h"

namespace crawler::xlsx {
namespace {

std::string_view view(const xmlChar* s) {
  return s == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(s));
}

// libxml2 must be initialised once, before threads use it concurrently.
void init_libxml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

}  // namespace

struct XmlStream::Impl {
  xmlTextReaderPtr reader = nullptr;
  std::string part;
  std::string first_error;
};

XmlStream::XmlStream(std::string_view xml, std::string part) : impl_(new Impl) {
  init_libxml();
  impl_->part = std::move(part);
  if (xml.size() > static_cast<std::size_t>(INT_MAX)) {
    delete impl_;
    throw Error("the file is too large");
  }
  impl_->reader = xmlReaderForMemory(xml.data(), static_cast<int>(xml.size()), nullptr, nullptr,
                                     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (impl_->reader == nullptr) {
    delete impl_;
    throw Error("the file cannot be read");
  }
  // Keeps the first message for the exception; a lambda so it may name the private Impl.
  auto on_error = [](void* arg, xmlErrorPtr error) {
    auto* impl = static_cast<Impl*>(arg);
    if (!impl->first_error.empty() || error == nullptr || error->message == nullptr) return;
    impl->first_error = error->message;
    while (!impl->first_error.empty() && impl->first_error.back() == '\n')
      impl->first_error.pop_back();
    impl->first_error += " at line " + std::to_string(error->line);
  };
  xmlTextReaderSetStructuredErrorHandler(impl_->reader, on_error, impl_);
}

XmlStream::~XmlStream() {
  xmlFreeTextReader(impl_->reader);
  delete impl_;
}

void XmlStream::fail(const std::string& what) const {
  throw Error("the file is corrupt: " + impl_->part + " " + what);
}

bool XmlStream::next() {
  int r = xmlTextReaderRead(impl_->reader);
  if (r < 0)
    fail("is not well-formed XML" +
         (impl_->first_error.empty() ? std::string() : " (" + impl_->first_error + ")"));
  if (r == 0) return false;
  if (xmlTextReaderNodeType(impl_->reader) == XML_READER_TYPE_DOCUMENT_TYPE)
    fail("has a document type declaration, which no .xlsx part has");
  if (xmlTextReaderNodeType(impl_->reader) == XML_READER_TYPE_ENTITY_REFERENCE)
    fail("refers to an XML entity, which no .xlsx part does");
  return true;
}

std::string_view XmlStream::local_name() const {
  return view(xmlTextReaderConstLocalName(impl_->reader));
}

bool XmlStream::is_start(std::string_view name) const {
  return xmlTextReaderNodeType(impl_->reader) == XML_READER_TYPE_ELEMENT && local_name() == name;
}

bool XmlStream::is_end(std::string_view name) const {
  return xmlTextReaderNodeType(impl_->reader) == XML_READER_TYPE_END_ELEMENT &&
         local_name() == name;
}

bool XmlStream::is_empty_element() const { return xmlTextReaderIsEmptyElement(impl_->reader) == 1; }

bool XmlStream::is_text() const {
  switch (xmlTextReaderNodeType(impl_->reader)) {
    case XML_READER_TYPE_TEXT:
    case XML_READER_TYPE_CDATA:
    case XML_READER_TYPE_WHITESPACE:
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
      return true;
    default:
      return false;
  }
}

std::string_view XmlStream::value() const { return view(xmlTextReaderConstValue(impl_->reader)); }

std::optional<std::string> XmlStream::attribute(std::string_view name) {
  std::optional<std::string> found;
  if (xmlTextReaderMoveToFirstAttribute(impl_->reader) != 1) return found;
  do {
    if (xmlTextReaderIsNamespaceDecl(impl_->reader) == 1) continue;
    if (local_name() == name) {
      found = std::string(value());
      break;
    }
  } while (xmlTextReaderMoveToNextAttribute(impl_->reader) == 1);
  xmlTextReaderMoveToElement(impl_->reader);
  return found;
}

}  // namespace crawler::xlsx

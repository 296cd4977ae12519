// A forward-only XML reader (libxml2's xmlTextReader) over one part of the package.
//
// Why streaming: a worksheet part may be tens of megabytes; a DOM of it would cost several
// times that in memory, while a stream costs one node at a time. Elements are matched by local
// name, ignoring namespace prefixes, so both transitional and strict OOXML files read alike.
//
// Safety: no network access, no entity substitution, and a document type declaration is
// refused outright (no .xlsx part has one, and it is where entity expansion attacks live).
// libxml2's messages are captured for the exception instead of going to stderr.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace crawler::xlsx {

class XmlStream {
 public:
  // `xml` must outlive the stream. `part` names the part in error messages.
  XmlStream(std::string_view xml, std::string part);
  ~XmlStream();
  XmlStream(const XmlStream&) = delete;
  XmlStream& operator=(const XmlStream&) = delete;

  // Moves to the next node; false at the end of the document. Throws Error for malformed XML.
  bool next();

  bool is_start(std::string_view local_name) const;  // an opening (or empty) element
  bool is_end(std::string_view local_name) const;    // a closing element
  bool is_empty_element() const;                     // <x/>: no matching end node follows
  bool is_text() const;            // text, CDATA or whitespace: the content of the current element
  std::string_view value() const;  // the text of a text node
  // The value of the current element's attribute with this local name (any namespace).
  std::optional<std::string> attribute(std::string_view local_name);

 private:
  std::string_view local_name() const;
  [[noreturn]] void fail(const std::string& what) const;

  struct Impl;
  Impl* impl_;
};

}  // namespace crawler::xlsx

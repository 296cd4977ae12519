// Internal (not part of the library's API): libxml2 process/thread set-up shared by selector.cpp
// and extract.cpp. xmlInitParser() must run once before threads use the library, and libxml2
// prints parse and XPath errors to stderr unless the calling thread installs a handler; a
// crawler fed garbage pages would otherwise flood the worker's log with libxml2 noise.
#pragma once

namespace crawler::crawl::detail {

// Idempotent and cheap: call before any libxml2 use on any thread.
void libxml_setup();

}  // namespace crawler::crawl::detail

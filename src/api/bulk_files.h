// The .xlsx files of the bulk search routes: the upload template and the result export, and
// the HTTP response that carries them (Content-Type, and a Content-Disposition whose UTF-8
// file name survives every browser: an ASCII fallback plus RFC 5987's filename*).
#pragma once

#include <string>
#include <vector>

#include "http/message.h"
#include "store/model.h"

namespace crawler::api {

// Header row 키워드 | URL, the first of each alias list the upload accepts.
std::string bulk_template_xlsx();

// One row per bulk keyword, in file order: 키워드, URL, 상태 (완료/캐시/처리중/대기/실패),
// 순위 (the rank, or "-" when there is none), 완료 시간 (UTC, ISO 8601; for a cached row the
// time of the result it reused).
std::string bulk_export_xlsx(const std::vector<store::BulkSearchKeyword>& rows);

// The Korean word the export uses for a status.
std::string_view bulk_status_word(store::BulkKeywordStatus status);

// A 200 response carrying an .xlsx as an attachment named `filename` (UTF-8);
// `ascii_fallback` is the name for clients that ignore filename*.
http::Response xlsx_attachment(std::string bytes, const std::string& filename,
                               const std::string& ascii_fallback);

// RFC 5987 / RFC 8187 attr-char percent-encoding of UTF-8 text.
std::string rfc5987_encode(std::string_view text);

}  // namespace crawler::api

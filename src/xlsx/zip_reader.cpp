#include "xlsx/zip_reader.h"

#include <zip.h>

#include <memory>

#include "xlsx/errors.h"

namespace crawler::xlsx {
namespace {

std::string megabytes(std::uint64_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MB"; }

struct FileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

}  // namespace

ZipReader::ZipReader(std::string_view data, const ReadLimits& limits) : limits_(limits) {
  zip_error_t error;
  zip_error_init(&error);
  // freep = 0: the buffer belongs to the caller.
  zip_source_t* source = zip_source_buffer_create(data.data(), data.size(), 0, &error);
  if (source == nullptr) {
    zip_error_fini(&error);
    throw Error("the file cannot be read");
  }
  zip_ = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (zip_ == nullptr) {
    zip_source_free(source);
    zip_error_fini(&error);
    // An old .xls (OLE2), a CSV, or a truncated download all end up here.
    throw Error(
        "the file is not an .xlsx workbook (it is not a ZIP archive; .xls and .csv "
        "files are not supported)");
  }
  zip_error_fini(&error);
  auto entries = zip_get_num_entries(zip_, 0);
  if (entries < 0 || static_cast<std::uint64_t>(entries) > limits_.max_entries) {
    zip_discard(zip_);
    zip_ = nullptr;
    throw LimitExceeded("the file has more than " + std::to_string(limits_.max_entries) +
                        " entries, more than any workbook needs");
  }
}

ZipReader::~ZipReader() {
  if (zip_ != nullptr) zip_discard(zip_);  // read-only: nothing to write back
}

std::optional<std::string> ZipReader::read(const std::string& name) {
  auto index = zip_name_locate(zip_, name.c_str(), 0);
  if (index < 0) index = zip_name_locate(zip_, name.c_str(), ZIP_FL_NOCASE);
  if (index < 0) return std::nullopt;
  auto idx = static_cast<zip_uint64_t>(index);

  auto too_big = [&] {
    return LimitExceeded("the file expands to more than " + megabytes(limits_.max_total_bytes) +
                         " when unpacked (" + name + "); it may be a zip bomb");
  };
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(zip_, idx, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) != 0) {
    if (st.size > limits_.max_entry_bytes || total_read_ + st.size > limits_.max_total_bytes)
      throw too_big();
  }

  std::unique_ptr<zip_file_t, FileCloser> file(zip_fopen_index(zip_, idx, 0));
  if (!file) {
    std::string why = zip_strerror(zip_);
    throw Error("the file is corrupt or encrypted: " + name + " cannot be opened (" + why + ")");
  }
  std::string out;
  char buffer[64 * 1024];
  for (;;) {
    auto n = zip_fread(file.get(), buffer, sizeof buffer);
    if (n < 0) {
      // Bad deflate data or a CRC mismatch (libzip checks the CRC at the end of the entry).
      std::string why = zip_file_strerror(file.get());
      throw Error("the file is corrupt: " + name + " cannot be unpacked (" + why + ")");
    }
    if (n == 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
    if (out.size() > limits_.max_entry_bytes || total_read_ + out.size() > limits_.max_total_bytes)
      throw too_big();
  }
  total_read_ += out.size();
  return out;
}

}  // namespace crawler::xlsx

#include "xlsx/writer.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

#include "xlsx/errors.h"

namespace crawler::xlsx {
namespace {

// The temporary file the workbook goes through; removed in every case.
class TempFile {
 public:
  TempFile() {
    dir_ = std::filesystem::temp_directory_path().string();
    std::string pattern = dir_ + "/crawler-xlsx-XXXXXX";
    int fd = mkstemp(pattern.data());
    if (fd < 0) throw Error("cannot create a temporary file in " + dir_);
    ::close(fd);
    path_ = pattern;
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }
  std::string& dir() { return dir_; }

 private:
  std::string dir_;
  std::string path_;
};

void check(lxw_error error, const char* what) {
  if (error != LXW_NO_ERROR)
    throw Error(std::string("cannot write the workbook: ") + what + " (" + lxw_strerror(error) +
                ")");
}

// Owns the workbook until workbook_close() takes it.
struct WorkbookCloser {
  void operator()(lxw_workbook* wb) const { workbook_close(wb); }
};

}  // namespace

std::string write_xlsx(const Table& table) {
  TempFile file;
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;
  options.tmpdir = file.dir().data();
  std::unique_ptr<lxw_workbook, WorkbookCloser> wb(workbook_new_opt(file.path().c_str(), &options));
  if (!wb) throw Error("cannot create a workbook");
  lxw_worksheet* ws = workbook_add_worksheet(wb.get(), table.sheet_name.c_str());
  if (ws == nullptr) throw Error("cannot add the sheet '" + table.sheet_name + "'");
  lxw_format* bold = workbook_add_format(wb.get());
  format_set_bold(bold);

  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    auto col = static_cast<lxw_col_t>(c);
    check(worksheet_set_column(ws, col, col, table.columns[c].width, nullptr), "column width");
    check(worksheet_write_string(ws, 0, col, table.columns[c].header.c_str(), bold), "header");
  }
  worksheet_freeze_panes(ws, 1, 0);  // the header stays visible while scrolling

  lxw_row_t row = 1;
  for (const auto& cells : table.rows) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      auto col = static_cast<lxw_col_t>(c);
      if (const auto* text = std::get_if<std::string>(&cells[c])) {
        if (!text->empty())
          check(worksheet_write_string(ws, row, col, text->c_str(), nullptr), "a text cell");
      } else if (const auto* number = std::get_if<double>(&cells[c])) {
        check(worksheet_write_number(ws, row, col, *number, nullptr), "a number cell");
      }
    }
    ++row;
  }
  lxw_error closed = workbook_close(wb.release());
  check(closed, "closing");

  std::ifstream in(file.path(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty()) throw Error("cannot read back the written workbook");
  return bytes;
}

}  // namespace crawler::xlsx

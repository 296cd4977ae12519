#include "xlsx/cell_ref.h"

#include "core/ascii.h"

namespace crawler::xlsx {

std::optional<std::size_t> parse_index(std::string_view digits) {
  // Nine digits bound the value far below size_t's range, so no overflow check is needed.
  if (digits.empty() || digits.size() > 9) return std::nullopt;
  std::size_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  return value;
}

std::optional<CellRef> parse_cell_ref(std::string_view ref) {
  if (!ref.empty() && ref.front() == '$') ref.remove_prefix(1);
  std::size_t letters = 0;
  std::size_t column = 0;
  while (letters < ref.size()) {
    const char c = ascii_to_upper(ref[letters]);
    if (!is_ascii_upper(c)) break;
    column = column * 26 + static_cast<std::size_t>(c - 'A' + 1);
    if (++letters > 7) return std::nullopt;
  }
  if (letters == 0) return std::nullopt;
  auto rest = ref.substr(letters);
  if (!rest.empty() && rest.front() == '$') rest.remove_prefix(1);
  auto row = parse_index(rest);
  if (!row || *row == 0) return std::nullopt;
  return CellRef{column, *row};
}

}  // namespace crawler::xlsx

// Writes an .xlsx with a real npm library, for the reader's tests (tests/xlsx/xlsx_peers_test.cpp
// and tests/api/api_bulk_test.cpp).
//
//   node xlsx_write.js <sheetjs|exceljs> <out.xlsx> <spec.json>
//
// spec: {"sheets": [{"name": "...", "rows": [[cell, ...], ...]}], "sharedStrings": bool}
// A cell is a string, a number, a boolean or null (no cell: a gap). Rows are written at their
// index (row 1 first); an empty row array leaves that row empty.
'use strict';
const fs = require('fs');

async function main() {
  const [lib, out, specPath] = process.argv.slice(2);
  const spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
  const shared = spec.sharedStrings !== false;
  if (lib === 'sheetjs') {
    const XLSX = require('xlsx');
    const wb = XLSX.utils.book_new();
    for (const sheet of spec.sheets) {
      // aoa_to_sheet leaves null cells out, which is how gaps are made.
      const ws = XLSX.utils.aoa_to_sheet(sheet.rows, { sheetStubs: false });
      XLSX.utils.book_append_sheet(wb, ws, sheet.name);
    }
    XLSX.writeFile(wb, out, { bookType: 'xlsx', bookSST: shared, compression: true });
  } else if (lib === 'exceljs') {
    const ExcelJS = require('exceljs');
    const wb = new ExcelJS.Workbook();
    for (const sheet of spec.sheets) {
      const ws = wb.addWorksheet(sheet.name);
      sheet.rows.forEach((row, r) => {
        row.forEach((value, c) => {
          if (value !== null && value !== undefined) ws.getCell(r + 1, c + 1).value = value;
        });
      });
    }
    await wb.xlsx.writeFile(out, { useSharedStrings: shared });
  } else {
    throw new Error('unknown library ' + lib);
  }
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});

// Reads the first sheet of an .xlsx with a real npm library and prints it as JSON, so tests
// can check that files we write open in the tools our users' files come from.
//
//   node xlsx_read.js <sheetjs|exceljs> <file.xlsx>
//
// Prints {"sheetNames": [...], "rows": [[cell, ...], ...]}: rows[i] is row i + 1, a missing
// cell is null, numbers stay numbers and texts stay texts.
'use strict';
const fs = require('fs');

async function main() {
  const [lib, file] = process.argv.slice(2);
  let sheetNames = [];
  const rows = [];
  if (lib === 'sheetjs') {
    const XLSX = require('xlsx');
    const wb = XLSX.read(fs.readFileSync(file), { type: 'buffer' });
    sheetNames = wb.SheetNames;
    const ws = wb.Sheets[wb.SheetNames[0]];
    const aoa = XLSX.utils.sheet_to_json(ws, { header: 1, raw: true, blankrows: true, defval: null });
    for (const row of aoa) rows.push(row.map((v) => (v === undefined ? null : v)));
  } else if (lib === 'exceljs') {
    const ExcelJS = require('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    sheetNames = wb.worksheets.map((ws) => ws.name);
    const ws = wb.worksheets[0];
    ws.eachRow({ includeEmpty: true }, (row, number) => {
      const cells = [];
      for (let c = 1; c <= row.cellCount; c++) {
        const v = row.getCell(c).value;
        if (v === null || v === undefined) cells.push(null);
        else if (typeof v === 'object' && v.richText) cells.push(v.richText.map((t) => t.text).join(''));
        else cells.push(v);
      }
      while (rows.length < number - 1) rows.push([]);
      rows[number - 1] = cells;
    });
  } else {
    throw new Error('unknown library ' + lib);
  }
  process.stdout.write(JSON.stringify({ sheetNames, rows }));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});

// Package csvcell neutralises CSV cells that a spreadsheet would evaluate.
//
// A CSV file has no cell types: Excel, LibreOffice and Google Sheets read a
// cell that starts with '=', '+', '-' or '@' (or a tab or carriage return
// before one) as a formula, so a customer named "=HYPERLINK(…)" in an order
// system becomes a live link in the analyst's review sheet (CSV injection,
// OWASP). Escape prefixes such a cell with an apostrophe, the OWASP
// recommendation: spreadsheets show the text as written, and a program
// reading the file sees the apostrophe and can strip it. Clearance applies it
// to every text cell of the CSV files it writes (batch results, audit
// exports); JSONL and XLSX output are never evaluated and stay verbatim.
package csvcell

// Escape returns s, prefixed with an apostrophe when a spreadsheet would
// read it as a formula.
func Escape(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

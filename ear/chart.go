package ear

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// destination is the request's destination resolved to the chart row that
// governs it (15 CFR 738.3(b): territories use the parent's row).
type destination struct {
	ISO2      string
	Row       *chartRow  // nil when not an export or indeterminate
	Territory *territory // set when another row governs
	NotExport bool       // part of the United States (15 CFR 772.1)
	// Before is set when the territory rule starts after the request date
	// (Hong Kong before 2020-12-23 had its own row, which the 2026 chart
	// no longer carries).
	Before *territory
}

func (d destination) rowISO() string {
	if d.Row != nil {
		return d.Row.ISO2
	}
	return d.ISO2
}

func (d destination) label() string {
	if d.Row == nil {
		return d.ISO2
	}
	if d.Row.ISO2 != d.ISO2 {
		return fmt.Sprintf("%s, using the %s (%s) row", d.ISO2, d.Row.Country, d.Row.ISO2)
	}
	return fmt.Sprintf("%s (%s)", d.Row.Country, d.Row.ISO2)
}

func (t *tables) resolveDest(iso, date string) destination {
	d := destination{ISO2: iso}
	if tr, ok := t.territories[iso]; ok && tr.From != "" && date < tr.From {
		d.Before = &tr
		return d
	}
	if tr, ok := t.territories[iso]; ok {
		d.Territory = &tr
		if tr.Row == "" {
			d.NotExport = true
			return d
		}
		d.Row = t.chart[tr.Row]
		return d
	}
	d.Row = t.chart[iso]
	return d
}

var columnRe = regexp.MustCompile(`\b(CB|NP|NS|MT|RS|FC|CC|AT)\s*Column\s*([123])\b`)

// rowColumn returns the chart column a CCL row names, reading the prose when
// the parsed column is blank ("CB applies to entire entry CB Column 2.").
func rowColumn(r cclRow) string {
	if r.Column != "" {
		return r.Column
	}
	if m := columnRe.FindStringSubmatch(r.Rule); m != nil {
		return m[1] + m[2]
	}
	return ""
}

func (t *tables) proseRuleFor(text string) (proseRule, bool) {
	l := strings.ToLower(text)
	for _, p := range t.prose {
		if strings.Contains(l, p.Match) {
			return p, true
		}
	}
	return proseRule{}, false
}

// chartReasons applies General Prohibition One: the ECCN's License
// Requirements rows against the destination's Country Chart row
// (15 CFR 738.4(a)(2)), plus the chart footnotes that add requirements
// the grid does not show, and the all-destination entries (738.3(a)(1)).
func (e *Engine) chartReasons(c *evalCtx, item ECCN, line int) {
	t := e.t
	dest := c.dest
	if item.IsEAR99() {
		c.add(e.reason("ear99", NLR, fmt.Sprintf("%s: not on the Commerce Control List, so the Country Chart imposes no license requirement; General Prohibitions 4-10 (lists, end uses, embargoes) still apply.", item)), item.String(), "")
		return
	}
	if dest.NotExport || dest.Row == nil {
		return
	}
	ent := t.ccl[item.Base]
	if ent == nil {
		return // Determine rejects unknown ECCNs before this point
	}
	for _, ad := range t.allDest {
		switch {
		case item.Within(ad.ECCN):
			r := e.reason("chart-all-destinations", LicenseRequired, fmt.Sprintf("%s is controlled to all destinations; the Country Chart does not apply (%s).", item, ad.Citation))
			r.LicenseExceptions = &LicenseExceptions{Excluded: ad.LicenseExceptions == "none", Why: ad.LicenseExceptions}
			r.Evidence.ReasonsForControl = ent.Reasons
			c.add(r, item.String(), "")
		case ad.ECCN.Within(item):
			r := e.reason("chart-all-destinations", Review, fmt.Sprintf("%s is controlled to all destinations (%s); %s may be in it: classify to the paragraph.", ad.ECCN, ad.Citation, item))
			c.add(r, item.String(), "")
		}
	}
	row := dest.Row
	if row.SeeInstead != "" {
		r := e.reason("chart", Info, fmt.Sprintf("The Country Chart row for %s has no marks; it points elsewhere: %q. A blank row is not NLR.", dest.label(), row.SeeInstead))
		r.Evidence.Destination = dest.label()
		r.Evidence.ReasonsForControl = ent.Reasons
		c.add(r, item.String(), "")
		return
	}
	if len(ent.Rows) == 0 {
		if ent.Reasons != "" || strings.Contains(strings.ToLower(ent.Heading), "itar") {
			r := e.reason("chart-unresolved", Review, fmt.Sprintf("%s: the CCL data carries no License Requirements rows (reasons for control %q); read the entry in Supp. No. 1 to Part 774.", item, ent.Reasons))
			r.Evidence.Note = ent.Heading
			c.add(r, item.String(), "")
		}
		return
	}
	var hits, misses, scopes, reqs []string
	for _, cr := range ent.Rows {
		app, inside := scopeApplies(item.Base, cr.Scope, item)
		if app == notCovered {
			continue
		}
		col := rowColumn(cr)
		if col != "" {
			if !row.Marks[col] {
				misses = append(misses, col)
				continue
			}
			if app == maybeCovered {
				r := e.reason("chart", Review, fmt.Sprintf("%s to %s: X in %s, but the row applies only to part of the entry (%q): confirm the item's paragraph and parameters.", item, dest.label(), col, cr.Scope))
				r.Evidence = Evidence{Destination: dest.label(), ChartHits: []string{col}, ReasonsForControl: ent.Reasons, ControlScope: cr.Scope, Requirement: cr.Rule}
				c.add(r, item.String(), "")
				continue
			}
			hits = append(hits, col)
			scope := cr.Scope
			if len(inside) > 0 {
				scope += fmt.Sprintf(" [not required if the item is in %s]", joinECCNs(inside))
			}
			scopes = append(scopes, scope)
			reqs = append(reqs, col+": "+cr.Rule)
			continue
		}
		p, ok := t.proseRuleFor(cr.Rule)
		if !ok {
			r := e.reason("chart-unresolved", Review, fmt.Sprintf("%s: the license requirement is stated in prose the engine does not resolve: %q.", item, cr.Rule))
			r.Evidence = Evidence{Destination: dest.label(), ReasonsForControl: ent.Reasons, ControlScope: cr.Scope, Requirement: cr.Rule}
			c.add(r, item.String(), "")
			continue
		}
		if p.Outcome == "none" {
			continue
		}
		ds, _ := t.parseDestExpr(p.Destinations)
		if !t.destIn(ds, dest.rowISO()) {
			continue
		}
		out := LicenseRequired
		detail := fmt.Sprintf("%s to %s: %q — %s (%s).", item, dest.label(), cr.Scope, cr.Rule, p.Citation)
		if app == maybeCovered {
			out = Review
			detail = fmt.Sprintf("%s to %s: the requirement %q may apply (%q): confirm the item's paragraph and parameters.", item, dest.label(), cr.Rule, cr.Scope)
		}
		r := e.reason("chart-prose", out, detail)
		r.Evidence = Evidence{Destination: dest.label(), ReasonsForControl: ent.Reasons, ControlScope: cr.Scope, Requirement: cr.Rule}
		r.Cite.CFR = append(r.Cite.CFR, p.Citation)
		if out == LicenseRequired {
			r.LicenseExceptions = e.exceptionCandidates(item, dest, c.itemValue(line), []string{reasonCode(cr.Scope)})
			r.ReviewPolicy = t.reviewPolicy([]string{reasonCode(cr.Scope)})
		}
		c.add(r, item.String(), "")
	}
	// Footnotes that add requirements (fn 10 firearms to AU/GB, fn 7 India RS2).
	for _, fn := range t.fnECCNs {
		if !containsInt(row.Footnotes, fn.Footnote) {
			continue
		}
		var app applicability
		switch {
		case fn.Except != nil && item.Within(*fn.Except):
			app = notCovered
		case item.Within(fn.ECCN):
			app = covered
		case fn.ECCN.Within(item):
			app = maybeCovered
		}
		if app == notCovered {
			continue
		}
		out := LicenseRequired
		if app == maybeCovered || fn.Condition != "" {
			out = Review
		}
		detail := fmt.Sprintf("%s to %s: Country Chart footnote %d requires a license for %s (%s) although the grid shows no X.", item, dest.label(), fn.Footnote, fn.ECCN, fn.Column)
		if fn.Condition != "" {
			detail += " Applies to: " + fn.Condition + "."
		}
		if fn.Except != nil {
			detail += fmt.Sprintf(" Not for %s.", fn.Except)
		}
		r := e.reason(fmt.Sprintf("chart-footnote-%d", fn.Footnote), out, detail)
		r.Evidence = Evidence{Destination: dest.label(), ChartHits: []string{fn.Column}, ReasonsForControl: ent.Reasons,
			Footnotes: []string{fmt.Sprintf("%d: %s", fn.Footnote, t.footnotes[fn.Footnote])}}
		c.add(r, item.String(), "")
	}
	hits = uniqueSorted(hits)
	misses = subtract(uniqueSorted(misses), hits)
	var pastNote string
	if c.date < cclAsOf {
		pastNote = "The chart and CCL data are the eCFR of " + cclAsOf + "; for a determination on " + c.date + " confirm the entry and chart row in force then."
	}
	if ent.Example {
		pastNote = ent.ECCN + " is the hypothetical sample entry of 15 CFR 738.4(b)(2), not a real ECCN: this answer illustrates the regulation's worked example."
	}
	if len(hits) > 0 {
		r := e.reason("chart", LicenseRequired, fmt.Sprintf("%s to %s: X in %s — license required unless a license exception overcomes each reason (15 CFR 738.4(a)(2)(ii)(A)).", item, dest.label(), strings.Join(hits, ", ")))
		r.Evidence = Evidence{Destination: dest.label(), ChartHits: hits, ChartMisses: misses, ReasonsForControl: ent.Reasons,
			ControlScope: strings.Join(scopes, "; "), Requirement: strings.Join(reqs, "; ")}
		r.LicenseExceptions = e.exceptionCandidates(item, dest, c.itemValue(line), reasonCodes(hits))
		r.ReviewPolicy = t.reviewPolicy(reasonCodes(hits))
		r.Evidence.Note = pastNote
		c.add(r, item.String(), "")
	} else {
		r := e.reason("chart", NLR, fmt.Sprintf("%s to %s: no X in %s — no license required for these reasons, provided General Prohibitions 4-10 do not apply (15 CFR 738.4(a)(2)(ii)(B)).", item, dest.label(), orNone(misses)))
		r.Evidence = Evidence{Destination: dest.label(), ChartMisses: misses, ReasonsForControl: ent.Reasons, Note: pastNote}
		c.add(r, item.String(), "")
	}
}

// exceptionCandidates lists the Part 740 exceptions the ECCN's flags and the
// destination allow for a chart requirement. They remain subject to the
// 15 CFR 740.2 restrictions, which Determine applies once all reasons are in.
func (e *Engine) exceptionCandidates(item ECCN, dest destination, value *float64, reasons []string) *LicenseExceptions {
	t := e.t
	flags := t.flags[item.Base]
	iso := dest.rowISO()
	inB := t.groups[iso]["B"]
	le := &LicenseExceptions{}
	sec := func(sym string) string { return t.exceptions[sym].Section }
	add := func(ok bool, sym, why string) {
		x := ExceptionCandidate{Symbol: sym, Section: sec(sym), Why: why}
		if ok {
			le.Candidates = append(le.Candidates, x)
		} else {
			le.NotUsable = append(le.NotUsable, x)
		}
	}
	nsOnly := len(reasons) > 0
	for _, r := range reasons {
		if r != "NS" {
			nsOnly = false
		}
	}
	if lvs, ok := flags["LVS"]; ok {
		limit, hasLimit := dollars(lvs)
		switch {
		case strings.HasPrefix(strings.ToUpper(lvs), "N/A") || !hasLimit:
			add(false, "LVS", "the ECCN says LVS: "+lvs)
		case !inB:
			add(false, "LVS", iso+" is not in Country Group B")
		case value != nil && *value > limit:
			add(false, "LVS", fmt.Sprintf("value $%s exceeds the LVS limit $%s (15 CFR 740.3(b))", money(*value), money(limit)))
		case value == nil:
			add(true, "LVS", fmt.Sprintf("only if the net value is at most $%s (entry: %s)", money(limit), lvs))
		default:
			add(true, "LVS", fmt.Sprintf("value $%s is within the LVS limit (entry: %s)", money(*value), lvs))
		}
	}
	if gbs, ok := flags["GBS"]; ok {
		switch {
		case !strings.HasPrefix(strings.ToLower(gbs), "yes"):
			add(false, "GBS", "the ECCN says GBS: "+gbs)
		case !inB || iso == "SD" || iso == "UA":
			add(false, "GBS", iso+" is not an eligible Country Group B destination (15 CFR 740.4)")
		case !nsOnly:
			add(false, "GBS", fmt.Sprintf("GBS overcomes NS-only requirements; %s must each be overcome separately (15 CFR 738.4(a)(2)(ii)(A))", strings.Join(reasons, ", ")))
		default:
			add(true, "GBS", fmt.Sprintf("entry says GBS %s; %s is in Country Group B; the requirement is NS-only (15 CFR 740.4)", gbs, iso))
		}
	}
	if enc, ok := flags["ENC"]; ok {
		add(true, "ENC", "15 CFR 740.17 conditions: "+enc)
	}
	if tsr, ok := flags["TSR"]; ok && (item.ProductGroup() == 'D' || item.ProductGroup() == 'E') {
		ok := strings.HasPrefix(strings.ToLower(tsr), "yes") && inB && nsOnly
		add(ok, "TSR", "entry: "+tsr+" (NS-only, Country Group B, written assurance)")
	}
	if t.groups[iso]["A:5"] {
		add(true, "STA", iso+" is in Country Group A:5 (15 CFR 740.20(c)(1); prior consignee statement required)")
	}
	return le
}

var dollarRe = regexp.MustCompile(`\$\s?([0-9][0-9,]*)`)

func dollars(s string) (float64, bool) {
	m := dollarRe.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64)
	return v, err == nil
}

func money(v float64) string {
	s := strconv.FormatFloat(v, 'f', 0, 64)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func reasonCode(scope string) string {
	f := strings.Fields(scope)
	if len(f) == 0 {
		return "?"
	}
	return strings.ToUpper(f[0])
}

func reasonCodes(cols []string) []string {
	var out []string
	for _, c := range cols {
		out = append(out, c[:2])
	}
	return uniqueSorted(out)
}

func joinECCNs(es []ECCN) string {
	var s []string
	for _, e := range es {
		s = append(s, e.String())
	}
	return strings.Join(s, ", ")
}

func uniqueSorted(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func subtract(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !containsString(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func containsString(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "any column (the entry names none that applies)"
	}
	return strings.Join(s, ", ")
}

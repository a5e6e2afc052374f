package console

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/store"
)

var templateFuncs = template.FuncMap{
	"badge":      badge,
	"pct":        pct,
	"pctNum":     pctNum,
	"scoreClass": scoreClass,
	"join":       strings.Join,
	"address":    addressLine,
	"frURL":      federalRegisterURL,
	"add":        func(a, b int) int { return a + b },
	"add64":      func(a, b int64) int64 { return a + b },
	"thousands":  thousands,
	"utc":        utc,
	"truncate":   truncate,
	"humanKey":   humanKey,
	"upper":      strings.ToUpper,
	"listCode":   func(s string) clearance.ListCode { return clearance.ListCode(s) },
	"cfrURL":     cfrURL,
	"isURL":      func(s string) bool { return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") },
	"shortURL":   shortURL,
	"outcomeWord": func(outcome any) string {
		o := fmt.Sprint(outcome)
		switch o {
		case "LICENSE_REQUIRED":
			return "License required"
		case "PROHIBITED":
			return "Prohibited"
		case "REVIEW":
			return "Review"
		case "NLR":
			return "NLR"
		case "INFO":
			return "Note"
		}
		return o
	},
	"verdictWord": func(d string) string {
		switch d {
		case "NLR":
			return "No license required (NLR)"
		case "LICENSE_REQUIRED":
			return "License required"
		case "PROHIBITED":
			return "Prohibited"
		case "REVIEW":
			return "Review needed"
		}
		return d
	},
	"verdictText": func(d string) string {
		switch d {
		case "NLR":
			return "No rule found requires a license for this export on this date. Keep this record."
		case "LICENSE_REQUIRED":
			return "Do not ship without a BIS license. The reasons below say which rule applies and how BIS reviews applications."
		case "PROHIBITED":
			return "Do not ship. A party's export privileges are denied or the transaction is prohibited; no license can be relied on."
		case "REVIEW":
			return "A person must decide before this ships: see the reasons below (for example an uncertain name match or a red flag)."
		}
		return ""
	},
	"orToday": func(s string) string {
		if s == "" {
			return "today"
		}
		return s
	},
	"regionName": func(r string) string {
		switch r {
		case "crimea":
			return "Crimea region of Ukraine"
		case "dnr":
			return "So-called Donetsk People's Republic"
		case "lnr":
			return "So-called Luhansk People's Republic"
		}
		return r
	},
	"kinds": func() []string {
		return []string{string(store.KindScreen), string(store.KindSearch), string(store.KindCheck), string(store.KindBatch),
			string(store.KindLogin), string(store.KindLogout), string(store.KindKeyCreate), string(store.KindKeyRevoke),
			string(store.KindUserCreate), string(store.KindUserDisable), "audit.verify", "audit.export"}
	},
}

// utc formats a time (or a *time.Time; nil is empty) in UTC to the second.
func utc(v any) string {
	switch t := v.(type) {
	case time.Time:
		return t.UTC().Format("2006-01-02 15:04:05")
	case *time.Time:
		if t != nil {
			return t.UTC().Format("2006-01-02 15:04:05")
		}
	}
	return ""
}

// truncate shortens s to at most n bytes (on a rune boundary) with an
// ellipsis, for long JSON in tables.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// jsonRaw encodes v for an audit record; nil stays empty (null).
func jsonRaw(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("console: encode audit field: %w", err)
	}
	return b, nil
}

// badge renders a list code as a labelled badge; the title spells out the
// list so a new analyst learns the codes.
func badge(code clearance.ListCode) template.HTML {
	title := string(code)
	if m, ok := code.Meta(); ok {
		title = m.Name + " (" + m.Agency + ")"
	}
	return template.HTML(fmt.Sprintf(`<span class="badge %s" title="%s">%s</span>`,
		template.HTMLEscapeString(string(code)), template.HTMLEscapeString(title), template.HTMLEscapeString(string(code))))
}

// pct formats a 0..1 score as a whole percentage.
func pct(f float64) string { return fmt.Sprintf("%d%%", pctNum(f)) }

func pctNum(f float64) int {
	switch {
	case f < 0:
		return 0
	case f > 1:
		return 100
	}
	return int(f*100 + 0.5)
}

// scoreClass buckets a score for the result's colour bar (the score is
// always also written out).
func scoreClass(f float64) string {
	switch {
	case f >= 0.95:
		return "strong"
	case f >= 0.85:
		return "medium"
	}
	return "weak"
}

// addressLine is the address as the list wrote it, or its parts joined.
func addressLine(a clearance.Address) string {
	if a.Full != "" {
		return a.Full
	}
	var parts []string
	for _, p := range []string{a.Street, a.City, a.State, a.PostalCode, a.Country} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

var (
	frCite  = regexp.MustCompile(`(\d+)\s*FR\s*(\d+)`)
	cfrCite = regexp.MustCompile(`15\s*CFR\s*(?:§\s*)?(\d+)(?:\.(\d+))?`)
)

// federalRegisterURL links a citation ("84 FR 54002", also "84 FR 54002
// (2019-10-09)") to the federalregister.gov citation search, which resolves
// a volume and page to the notice that contains it.
func federalRegisterURL(cite string) string {
	if m := frCite.FindStringSubmatch(cite); m != nil {
		return "https://www.federalregister.gov/citation/" + m[1] + "-FR-" + m[2]
	}
	return "https://www.federalregister.gov/documents/search?conditions%5Bterm%5D=" + url.QueryEscape(cite)
}

// cfrURL links "15 CFR 744.11(a)" to the section (or part) in the eCFR.
func cfrURL(cite string) string {
	m := cfrCite.FindStringSubmatch(cite)
	switch {
	case m == nil:
		return "https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C"
	case m[2] != "":
		return "https://www.ecfr.gov/current/title-15/section-" + m[1] + "." + m[2]
	}
	return "https://www.ecfr.gov/current/title-15/part-" + m[1]
}

// shortURL shows a long source URL as host and file name
// ("data.trade.gov/…/consolidated.json"); the full URL is the link.
func shortURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s
	}
	p := strings.Trim(u.Path, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return u.Host + "/…/" + p[i+1:]
	}
	if p == "" {
		return u.Host
	}
	return u.Host + "/" + p
}

// thousands writes n with thousands separators (25,921).
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

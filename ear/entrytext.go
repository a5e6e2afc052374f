package ear

import (
	"fmt"
	"regexp"
	"strings"
)

// elScope is what an Entity List entry's license-requirement column covers.
type elScope int

const (
	elAllItems     elScope = iota // "For all items subject to the EAR"
	elProjects                    // "... when used in projects specified in § 746.8(a)(4)"
	elCCLAndSupp7                 // "For items on the CCL and (EAR99 items) listed in supplement no. 7 to part 746"
	elUnrecognised                // anything else: read by a human
)

// parseELScope reads the license-requirement column. The strings are not
// normalised in the source (88 spellings in the 2026-07-31 CSL), so the
// reader keys on phrases, and the verbatim text always travels with it.
func parseELScope(req string) elScope {
	l := strings.ToLower(req)
	switch {
	case strings.Contains(l, "projects specified in"):
		return elProjects
	case strings.Contains(l, "items on the ccl") && strings.Contains(l, "supplement no. 7"):
		return elCCLAndSupp7
	case strings.Contains(l, "all items subject to the ear"):
		return elAllItems
	}
	return elUnrecognised
}

var elFootnotePatterns = []struct {
	n  int
	re *regexp.Regexp
}{
	{1, regexp.MustCompile(`734\.9\(e\)\s?,?\s?1\b|734\.9\(e\)\(1\)`)},
	{2, regexp.MustCompile(`EAR\s?\)?\s?2\b`)},
	{3, regexp.MustCompile(`734\.9\(g\)\s?,?\s?3\b`)},
	{4, regexp.MustCompile(`734\.9\(e\)\(2\)|EAR\s?\)\s?4\b`)},
	{5, regexp.MustCompile(`734\.9\(e\)\(3\)|734\.4\(a\)\(9\)|EAR\s?\)\s?5\b`)},
}

// elFootnotes finds the Entity List footnote designations (foreign direct
// product rules) in a license-requirement string such as
// "For all items subject to the EAR. (See §§ 734.9(e)(2) and 744.11 of the EAR)4".
func elFootnotes(req string) []int {
	var out []int
	for _, p := range elFootnotePatterns {
		if p.re.MatchString(req) {
			out = append(out, p.n)
		}
	}
	return out
}

// govOvercomes reports whether the entry lets License Exception GOV
// overcome its requirement.
func govOvercomes(req string) bool {
	return strings.Contains(strings.ToLower(req), "may be overcome by license exception gov")
}

var eccnInTextRe = regexp.MustCompile(`\b\d[A-E]\d{3}(?:\.[a-z0-9]{1,4})*`)

// policyFor reads an entry's license review policy for one item: the
// mixed policies (Hikvision's case-by-case ECCNs, "case-by-case for CCL
// items; presumption of approval for EAR99", Russia's food-and-medicine
// exception) are resolved; anything else is returned verbatim.
func policyFor(policy string, item ECCN, desc string) string {
	l := strings.ToLower(policy)
	var extra []string
	if strings.Contains(l, "infectious disease") {
		extra = append(extra, "case-by-case instead if the item is necessary to detect, identify and treat infectious disease")
	}
	with := func(s string) string {
		if len(extra) > 0 {
			return s + " (" + strings.Join(extra, "; ") + ")"
		}
		return s
	}
	if i := strings.Index(l, "case-by-case review for eccns"); i >= 0 {
		clause := policy[i:]
		if j := strings.Index(clause, ";"); j >= 0 {
			clause = clause[:j]
		}
		for _, m := range eccnInTextRe.FindAllString(clause, -1) {
			x, err := ParseECCN(strings.TrimRight(m, "."))
			if err == nil && !item.IsEAR99() && item.Within(x) {
				return fmt.Sprintf("Case-by-case review (the entry names %s)", x)
			}
		}
		if item.IsEAR99() && strings.Contains(strings.ToLower(clause), "note to eccn 1a995") {
			return with("Presumption of denial, unless the EAR99 item is described in the Note to ECCN 1A995 (then case-by-case)")
		}
		return with("Presumption of denial (the item is not among the entry's case-by-case ECCNs)")
	}
	if strings.Contains(l, "case-by-case for all items listed on the ccl") {
		if item.IsEAR99() {
			return "Presumption of approval (EAR99 item)"
		}
		return "Case-by-case review (item on the CCL)"
	}
	if strings.HasPrefix(l, "policy of denial") && strings.Contains(l, "apart from food and medicine designated as ear99") {
		if isFoodOrMedicine(item, desc) {
			return "Case-by-case review (EAR99 food or medicine)"
		}
		return "Policy of denial"
	}
	if strings.HasPrefix(l, "presumption of denial") || strings.HasPrefix(l, "presumption for denial") {
		if strings.Contains(l, "except") {
			return strings.TrimSpace(policy)
		}
		return with("Presumption of denial")
	}
	if strings.HasPrefix(l, "case-by-case review for items necessary") {
		return with("Presumption of denial")
	}
	return strings.TrimSpace(policy)
}

// policyRank orders review policies from most to least restrictive, for
// the Affiliates rule ("the most restrictive applies").
func policyRank(p string) int {
	l := strings.ToLower(p)
	switch {
	case strings.HasPrefix(l, "policy of denial"):
		return 4
	case strings.HasPrefix(l, "presumption of denial"):
		return 3
	case strings.HasPrefix(l, "see"):
		return 2
	case strings.HasPrefix(l, "case-by-case"):
		return 1
	}
	return 0
}

// carveOutFor finds the entry's own carve-out (e.g. DJI's EAR99 UAV-repair
// technology) and reports whether the item, by its ECCN and description,
// falls inside it.
func (t *tables) carveOutFor(req string, item ECCN, desc string) (c carveOut, present, applies bool) {
	l := strings.ToLower(req)
	for _, co := range t.carveOuts {
		if !strings.Contains(l, co.EntryText) {
			continue
		}
		if co.Items == "EAR99" && !item.IsEAR99() {
			return co, true, false
		}
		d := strings.ToLower(desc)
		for _, group := range co.Keywords {
			hit := false
			for _, k := range group {
				if strings.Contains(d, k) {
					hit = true
					break
				}
			}
			if !hit {
				return co, true, false
			}
		}
		return co, true, true
	}
	return carveOut{}, false, false
}

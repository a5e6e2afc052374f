// Package fedreg parses Federal Register citations as the official lists
// write them ("84 FR 54004, 10/9/19.", "67 F.R. 56530 9/4/02 67 F.R. 10890
// 3/11/02", "85 FR 83420; 89 FR 96837", "Vol. 59, No. 44, 03/07/1994") into
// clearance.Citation values with a normalised cite and an ISO date.
//
// Listing dates drive date-dependent license determination (an Entity List
// license requirement applies from the date the entity was added, 15 CFR
// 744.16), so the parser keeps every citation, dated or not, and never
// guesses a date the text does not give.
package fedreg

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	clearance "github.com/clearance-oss/clearance"
)

var (
	// citeRE matches "84 FR 54004", "46 F.R. 19290", "81.F.R. 22576".
	citeRE = regexp.MustCompile(`\b(\d{1,3})\s*\.?\s*F\.?\s*R\.?\s*(\d{1,6})\b`)
	// dateRE matches "10/9/19", "03/07/1994", "12/22/2020".
	dateRE = regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b`)
)

// firstVolumeYear is the year before Federal Register volume 1 (1936):
// volume v is published in year firstVolumeYear+v. It resolves two-digit
// years ("10/9/19" in volume 84 is 2019).
const firstVolumeYear = 1935

// Parse splits text into citations: one per "<volume> FR <page>" found, each
// with the first date that follows it before the next citation. Text that
// holds a date but no page cite (e.g. "Vol. 59, No. 44, 03/07/1994") yields
// a citation with an empty Cite. Empty text yields nil. Parse never fails:
// text it cannot read is kept verbatim in Citation.Text.
func Parse(text string) []clearance.Citation {
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return nil
	}
	locs := citeRE.FindAllStringSubmatchIndex(text, -1)
	var segments []string
	start := 0
	if len(locs) > 0 {
		if pre := trimSeparators(text[:locs[0][0]]); pre != "" && dateRE.MatchString(pre) {
			// A date before the first cite belongs to no cite: keep it alone.
			segments = append(segments, pre)
		}
		start = locs[0][0]
		for i := 1; i < len(locs); i++ {
			segments = append(segments, text[start:locs[i][0]])
			start = locs[i][0]
		}
	}
	segments = append(segments, text[start:])

	var out []clearance.Citation
	for _, seg := range segments {
		seg = trimSeparators(seg)
		if seg == "" {
			continue
		}
		c := clearance.Citation{Text: seg}
		volume := 0
		if m := citeRE.FindStringSubmatch(seg); m != nil && strings.Index(seg, m[0]) == 0 {
			volume, _ = strconv.Atoi(m[1])
			page, _ := strconv.Atoi(m[2])
			c.Cite = fmt.Sprintf("%d FR %d", volume, page)
		}
		if m := dateRE.FindStringSubmatch(seg); m != nil {
			c.Date = isoDate(m[1], m[2], m[3], volume)
		}
		out = append(out, c)
	}
	return out
}

// Earliest returns the earliest Date among cites (YYYY-MM-DD), or "" when
// none is dated.
func Earliest(cites []clearance.Citation) string {
	min := ""
	for _, c := range cites {
		if c.Date != "" && (min == "" || c.Date < min) {
			min = c.Date
		}
	}
	return min
}

// VolumeYear returns the publication year of a normalised cite ("84 FR
// 54004" → 2019), or 0 when cite is not of that form.
func VolumeYear(cite string) int {
	v, _, ok := strings.Cut(cite, " FR ")
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0
	}
	return firstVolumeYear + n
}

// isoDate turns month, day and a 2- or 4-digit year into YYYY-MM-DD, or ""
// when the parts are not a plausible date. A two-digit year takes the
// century that puts it nearest the FR volume's year (or 19xx/20xx around
// 1950 when there is no volume).
func isoDate(month, day, year string, volume int) string {
	m, _ := strconv.Atoi(month)
	d, _ := strconv.Atoi(day)
	y, _ := strconv.Atoi(year)
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return ""
	}
	if len(year) == 2 {
		ref := 1950
		if volume > 0 {
			ref = firstVolumeYear + volume
		}
		best := 0
		for _, c := range []int{1900, 2000, 2100} {
			if best == 0 || abs(c+y-ref) < abs(best-ref) {
				best = c + y
			}
		}
		y = best
	}
	if y < 1936 || y > 2199 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// trimSeparators removes the punctuation and joining words the lists put
// between citations (", ", "; ", ".", "and").
func trimSeparators(s string) string {
	for {
		t := strings.TrimSpace(s)
		t = strings.Trim(t, ",;.")
		t = strings.TrimSpace(t)
		t = strings.TrimSuffix(t, " and")
		t = strings.TrimPrefix(t, "and ")
		if t == "and" {
			t = ""
		}
		if t == s {
			return t
		}
		s = t
	}
}

package console

import (
	"math"
	"regexp"
	"strconv"
	"testing"
)

// TestContrast checks the colour pairs the stylesheet uses for text against
// WCAG 2.2 success criterion 1.4.3 (4.5:1 for normal text) and 1.4.11 (3:1
// for the borders of inputs), reading the colours from style.css itself.
func TestContrast(t *testing.T) {
	css, err := staticFS.ReadFile("static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{6})`).FindAllStringSubmatch(string(css), -1) {
		vars[m[1]] = m[2]
	}
	badges := map[string]string{}
	for _, m := range regexp.MustCompile(`\.badge\.([A-Z]+)[^{]*\{ background: (#[0-9a-fA-F]{6})`).FindAllStringSubmatch(string(css), -1) {
		badges[m[1]] = m[2]
	}
	if len(badges) < 8 {
		t.Fatalf("found %d badge colours in style.css, want at least 8", len(badges))
	}
	pairs := []struct {
		name     string
		fg, bg   string
		minRatio float64
	}{
		{"body text", vars["ink"], vars["wash"], 4.5},
		{"muted text on cards", vars["muted"], vars["paper"], 4.5},
		{"muted text on the page", vars["muted"], vars["wash"], 4.5},
		{"links", vars["accent"], vars["paper"], 4.5},
		{"button text", vars["accent-ink"], vars["accent"], 4.5},
		{"NLR verdict", vars["ok"], vars["ok-wash"], 4.5},
		{"license-required verdict", vars["warn"], vars["warn-wash"], 4.5},
		{"prohibited verdict", vars["bad"], vars["bad-wash"], 4.5},
		{"review verdict", vars["review"], vars["review-wash"], 4.5},
		{"header", "#ffffff", "#14212e", 4.5},
		{"input borders", "#7a8793", vars["paper"], 3},
	}
	for code, bg := range badges {
		pairs = append(pairs, struct {
			name     string
			fg, bg   string
			minRatio float64
		}{"badge " + code, "#ffffff", bg, 4.5})
	}
	for _, p := range pairs {
		if p.fg == "" || p.bg == "" {
			t.Errorf("%s: colour not found in style.css", p.name)
			continue
		}
		if r := contrast(p.fg, p.bg); r < p.minRatio {
			t.Errorf("%s: %s on %s has contrast %.2f, want ≥ %.1f", p.name, p.fg, p.bg, r, p.minRatio)
		}
	}
}

// contrast is the WCAG contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	var c [3]float64
	for i := range c {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		x := float64(v) / 255
		if x <= 0.04045 {
			c[i] = x / 12.92
		} else {
			c[i] = math.Pow((x+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}

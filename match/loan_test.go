package match

import (
	"slices"
	"testing"
)

// TestLoanForms checks the loan readings of katakana and Hangul
// transcriptions and of Latin words (see loan.go).
func TestLoanForms(t *testing.T) {
	forms := func(alts []loanAlt) []string {
		var out []string
		for _, a := range alts {
			out = append(out, a.form)
		}
		return out
	}
	for _, c := range []struct {
		kana string
		want string // one of the readings
	}{
		{"ウラジーミル", "blademelO"}, // ウ as v, ジ as d, the final u added
		{"ウラジーミル", "olasemelO"}, // ウ as a vowel, ジ as j
		{"プーチン", "poten"},       // チ as t, the long vowel one vowel
		{"ガスプロム", "gasOpOlomO"},
		{"ロスネフチ", "losOnepOtE"},
		{"ファーウェイ", "habe"},
		{"ショイグ", "segO"},
		{"ドミートリー", "dOmetOle"},
		{"トヨタ", "tOyota"},
	} {
		if got := forms(kanaLoan([]rune(c.kana))); !slices.Contains(got, c.want) {
			t.Errorf("kanaLoan(%s) = %v, want %s among them", c.kana, got, c.want)
		}
	}
	for _, c := range []struct {
		hangul, want string
		foreign      bool
	}{
		{"블라디미르", "bElademelE", true},
		{"블라디미로비치", "bElademelobecE", true},
		{"라브로프", "labElopE", true},
		{"화웨이", "habe", true},
		{"나발니", "nabalne", false}, // every syllable reads a hanja: could be a Korean name
		{"수빈", "soben", false},
	} {
		if a := hangulLoan([]rune(c.hangul)); a.form != c.want || a.foreign != c.foreign {
			t.Errorf("hangulLoan(%s) = %q foreign %v, want %q %v", c.hangul, a.form, a.foreign, c.want, c.foreign)
		}
	}
	for w, want := range map[string]string{"vladimir": "blademel", "lavrov": "lablop", "gazprom": "gasplom", "rosneft": "losnept",
		"huawei": "habe", "shoigu": "sego", "toyota": "toyota", "hong": "hon", "aleksey": "alekse", "alexei": "alekse", "b52": ""} {
		if got := latinLoanForm(w); got != want {
			t.Errorf("latinLoanForm(%s) = %q, want %q", w, got, want)
		}
	}
	for _, c := range []struct {
		query, listed string
		want          float64
	}{
		{"ガスプロム", "gazprom", loanSimilarity},
		{"ガスプロム", "gosprom", loanSkeletonSimilarity}, // vowels differ: the skeleton alone
		{"トヨタ", "tata", 0},                           // two consonants: the vowels must agree
		{"ソニー", "sana", 0},
		{"プーチン", "potanin", 0}, // one consonant more
	} {
		if got := loanMatch(kanaLoan([]rune(c.query)), latinLoanForm(c.listed), false); got != c.want {
			t.Errorf("loanMatch(%s, %s) = %v, want %v", c.query, c.listed, got, c.want)
		}
	}
	for _, c := range []struct {
		query, listed string
		want          float64
	}{
		{"쇼이구", "shoigu", loanSimilarity},
		{"그루", "gelro", 0},    // two consonants in two syllables
		{"나발니", "navalny", 0}, // Sino-Korean syllables only
		{"허서영", "hassan", 0},
	} {
		if got := loanMatch([]loanAlt{hangulLoan([]rune(c.query))}, latinLoanForm(c.listed), true); got != c.want {
			t.Errorf("loanMatch(%s, %s) = %v, want %v", c.query, c.listed, got, c.want)
		}
	}
}

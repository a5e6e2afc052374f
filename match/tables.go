package match

import (
	"bufio"
	"embed"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The matcher's language knowledge lives in data files, not Go literals, so
// that a reviewer can read and extend it and a test can check it.
//
//go:embed data/*.tsv
var dataFS embed.FS

// tables holds every parsed data table.
type tables struct {
	// script maps one rune (or, for Greek and kana, a two-rune sequence)
	// to Latin text. initial is used at the start of a word where a script
	// writes a consonant there and a vowel elsewhere (Arabic, Hebrew).
	script        map[string]string
	scriptInitial map[string]string
	// abugida maps a letter (or a sequence of up to abugidaMaxKey runes)
	// of an Indic script to its Latin and its part in the syllable (see
	// writeAbugida).
	abugida       map[string]*abugidaLetter
	abugidaMaxKey int
	// persian is the Persian/Urdu reading of the Arabic-script letters
	// those languages pronounce unlike Arabic (ض: z, not d).
	persian map[string]string

	hangulL, hangulV, hangulT []string
	koreanSurnames            map[rune]string
	hanjaKorean               map[rune]rune     // Han character → Hangul syllable (Korean reading)
	hanTerms                  map[string]string // Han word → English words
	hanTermWords              map[string]bool   // the English words of hanTerms
	hanTermMaxLen             int               // in runes
	arabicTerms               [][2]string       // arabic_terms.tsv: Arabic form, English words
	// spelledAs holds, for a canonical word of abbreviations.tsv, the
	// longer spellings it stands for (air: airline, airlines; electronic:
	// electronics), with their keys: a typo in one of those is a typo of
	// the word (see wordSimilarity).
	spelledAs          map[string][]form
	japaneseNames      map[string]string // kanji name → Hepburn reading
	japaneseNameMaxLen int               // in runes

	legalForms      map[string]string // normalised form (may be several words) → class
	legalFormMaxLen int               // in words
	legalWords      []string          // the words of legal forms, five letters or more
	legalFirst      map[string]bool   // the first words of legal forms
	stopWords       map[string]bool
	titles          map[string]bool
	canonical       map[string]string // abbreviation or inflection → canonical word
	companyWords    map[string]bool   // the canonical words of abbreviations.tsv (holding, group …)
	locations       map[string]bool
	numbers         map[string]int // number word → value
	// nicknames maps a given name or nickname to the lines of
	// nicknames.tsv it is on: two words sharing a line name one person.
	nicknames map[string][]uint16
	// wadeGiles maps a Wade-Giles syllable to its pinyin; wadeGilesOnly
	// holds those that are not also pinyin syllables.
	wadeGiles     map[string]string
	wadeGilesOnly map[string]bool
}

// tab is the package's parsed data; it is built once at start-up from the
// embedded files. A malformed embedded file is a programming error caught by
// TestTables, so loadTables panics with the file and line rather than
// returning an error every caller would have to handle.
var tab = mustLoadTables()

func mustLoadTables() *tables {
	t, err := loadTables()
	if err != nil {
		panic(err)
	}
	return t
}

// readTSV calls fn for each non-comment, non-blank line of an embedded file,
// split on tabs. Lines starting with '#' are comments.
func readTSV(name string, minFields int, fn func(line int, f []string) error) error {
	b, err := dataFS.ReadFile("data/" + name)
	if err != nil {
		return fmt.Errorf("match: data %s: %w", name, err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < minFields {
			return fmt.Errorf("match: data %s: line %d: want %d tab-separated fields, got %d", name, n, minFields, len(f))
		}
		if err := fn(n, f); err != nil {
			return fmt.Errorf("match: data %s: line %d: %w", name, n, err)
		}
	}
	return sc.Err()
}

func loadTables() (*tables, error) {
	t := &tables{
		script:         map[string]string{},
		scriptInitial:  map[string]string{},
		persian:        map[string]string{},
		abugida:        map[string]*abugidaLetter{},
		koreanSurnames: map[rune]string{},
		hanjaKorean:    map[rune]rune{},
		hanTerms:       map[string]string{},
		hanTermWords:   map[string]bool{},
		japaneseNames:  map[string]string{},
		legalForms:     map[string]string{},
		stopWords:      map[string]bool{},
		titles:         map[string]bool{},
		canonical:      map[string]string{},
		spelledAs:      map[string][]form{},
		companyWords:   map[string]bool{},
		locations:      map[string]bool{},
		numbers:        map[string]int{},
		nicknames:      map[string][]uint16{},
		wadeGiles:      map[string]string{},
		wadeGilesOnly:  map[string]bool{},
	}
	for _, file := range []string{"script_latin.tsv", "script_cyrillic.tsv", "script_greek.tsv", "script_arabic.tsv", "script_hebrew.tsv", "script_kana.tsv", "script_thai.tsv", "script_khmer.tsv", "script_armenian.tsv", "script_georgian.tsv", "script_ethiopic.tsv"} {
		err := readTSV(file, 1, func(_ int, f []string) error {
			key := f[0]
			if key == "" || utf8.RuneCountInString(key) > 2 {
				return fmt.Errorf("key %q: want one or two characters", key)
			}
			if _, dup := t.script[key]; dup {
				return fmt.Errorf("key %q listed twice", key)
			}
			val := ""
			if len(f) > 1 {
				val = f[1]
			}
			t.script[key] = val
			if len(f) > 2 {
				// Column 2 is the word-initial form, column 3 the medial one.
				t.scriptInitial[key] = val
				t.script[key] = f[2]
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, file := range abugidaFiles {
		if err := t.loadAbugida(file); err != nil {
			return nil, err
		}
	}
	err := readTSV("script_arabic_persian.tsv", 2, func(_ int, f []string) error {
		if _, ok := t.script[f[0]]; !ok || utf8.RuneCountInString(f[0]) != 1 {
			return fmt.Errorf("letter %q: not a letter of the Arabic table", f[0])
		}
		t.persian[f[0]] = f[1]
		return nil
	})
	if err != nil {
		return nil, err
	}
	t.hangulL, t.hangulV, t.hangulT = make([]string, 19), make([]string, 21), make([]string, 28)
	err = readTSV("script_hangul.tsv", 2, func(_ int, f []string) error {
		i, err := strconv.Atoi(f[1])
		if err != nil {
			return fmt.Errorf("index %q: %w", f[1], err)
		}
		val := ""
		if len(f) > 2 {
			val = f[2]
		}
		var part []string
		switch f[0] {
		case "L":
			part = t.hangulL
		case "V":
			part = t.hangulV
		case "T":
			part = t.hangulT
		default:
			return fmt.Errorf("part %q: want L, V or T", f[0])
		}
		if i < 0 || i >= len(part) {
			return fmt.Errorf("index %d out of range for part %s", i, f[0])
		}
		part[i] = val
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readTSV("hanja_korean.tsv", 2, func(_ int, f []string) error {
		h, k := []rune(f[0]), []rune(f[1])
		if len(h) != 1 || len(k) != 1 || !isHangulSyllable(k[0]) {
			return fmt.Errorf("want one Han character and one Hangul syllable, got %q, %q", f[0], f[1])
		}
		t.hanjaKorean[h[0]] = k[0]
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readTSV("korean_surnames.tsv", 2, func(_ int, f []string) error {
		r, size := utf8.DecodeRuneInString(f[0])
		if size != len(f[0]) || !isHangulSyllable(r) {
			return fmt.Errorf("surname %q: want one Hangul syllable", f[0])
		}
		t.koreanSurnames[r] = f[1]
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readTSV("han_terms.tsv", 2, func(_ int, f []string) error {
		t.hanTerms[f[0]] = f[1]
		for _, w := range strings.Fields(strings.ToLower(f[1])) {
			t.hanTermWords[w] = true
		}
		if n := utf8.RuneCountInString(f[0]); n > t.hanTermMaxLen {
			t.hanTermMaxLen = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readTSV("arabic_terms.tsv", 2, func(_ int, f []string) error {
		for _, r := range f[0] {
			if !unicode.Is(unicode.Arabic, r) {
				return fmt.Errorf("%q: want Arabic-script letters only", f[0])
			}
		}
		for _, w := range strings.Fields(f[1]) {
			if strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") != "" {
				return fmt.Errorf("%q: want lower-case ASCII English words", f[1])
			}
		}
		if strings.TrimSpace(f[1]) == "" {
			return fmt.Errorf("%q: no English word", f[0])
		}
		t.arabicTerms = append(t.arabicTerms, [2]string{f[0], f[1]})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readTSV("japanese_names.tsv", 2, func(_ int, f []string) error {
		t.japaneseNames[f[0]] = f[1]
		t.japaneseNameMaxLen = max(t.japaneseNameMaxLen, utf8.RuneCountInString(f[0]))
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readTSV("legal_forms.tsv", 2, func(_ int, f []string) error {
		form := f[0]
		if !isNormalisedPhrase(form) {
			return fmt.Errorf("form %q is not normalised", form)
		}
		if old, dup := t.legalForms[form]; dup && old != f[1] {
			return fmt.Errorf("form %q has two classes, %q and %q", form, old, f[1])
		}
		t.legalForms[form] = f[1]
		if n := len(strings.Fields(form)); n > t.legalFormMaxLen {
			t.legalFormMaxLen = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readTSV("stop_words.tsv", 1, func(_ int, f []string) error {
		t.stopWords[f[0]] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readTSV("titles.tsv", 1, func(_ int, f []string) error {
		t.titles[f[0]] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readTSV("abbreviations.tsv", 2, func(_ int, f []string) error {
		if _, dup := t.canonical[f[0]]; dup {
			return fmt.Errorf("word %q listed twice", f[0])
		}
		t.canonical[f[0]] = f[1]
		t.companyWords[f[1]] = true
		if len(f[0]) > len(f[1]) && len(f[0]) > shortWord+2 {
			t.spelledAs[f[1]] = append(t.spelledAs[f[1]], newForm(f[0]))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// analyze maps words to canonical forms before it looks for legal
	// forms ("co" → company): each form is known in canonical words too,
	// so that the table can write forms as they are spelt ("gmbh co kg").
	for form, class := range t.legalForms {
		words := strings.Fields(form)
		changed := false
		for i, w := range words {
			if c, ok := t.canonical[w]; ok {
				words[i], changed = c, true
			}
		}
		if c := strings.Join(words, " "); changed && t.legalForms[c] == "" {
			t.legalForms[c] = class
		}
	}
	seen := map[string]bool{}
	t.legalFirst = map[string]bool{}
	for form := range t.legalForms {
		first, _, _ := strings.Cut(form, " ")
		t.legalFirst[first] = true
		for _, w := range strings.Fields(form) {
			if len(w) >= 5 && !seen[w] {
				seen[w] = true
				t.legalWords = append(t.legalWords, w)
			}
		}
	}
	sort.Strings(t.legalWords)
	err = readTSV("numbers.tsv", 2, func(_ int, f []string) error {
		v, err := strconv.Atoi(f[1])
		if err != nil {
			return fmt.Errorf("value %q: %w", f[1], err)
		}
		t.numbers[f[0]] = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readTSV("locations.tsv", 1, func(_ int, f []string) error {
		t.locations[f[0]] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readTSV("wade_giles.tsv", 2, func(_ int, f []string) error {
		if _, dup := t.wadeGiles[f[0]]; dup {
			return fmt.Errorf("syllable %q listed twice", f[0])
		}
		t.wadeGiles[f[0]] = f[1]
		if len(f) < 3 || f[2] != "pinyin" {
			t.wadeGilesOnly[f[0]] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	group := uint16(0)
	err = readTSV("nicknames.tsv", 2, func(_ int, f []string) error {
		words := append([]string{f[0]}, strings.Fields(f[1])...)
		for _, w := range words {
			if w != strings.ToLower(w) || strings.ContainsAny(w, " '-.") {
				return fmt.Errorf("name %q: want a normalised word", w)
			}
			if slices.Contains(t.nicknames[w], group) {
				return fmt.Errorf("name %q listed twice on one line", w)
			}
			t.nicknames[w] = append(t.nicknames[w], group)
		}
		group++
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// nearLegalWord returns the legal-form word w is a typo of (within the typo
// budget of its length) and the number of edits, or "".
func (t *tables) nearLegalWord(w string) (string, int) {
	if len(w) < 6 {
		return "", 0 // "chuck" is a name, not a misspelt "chusik"
	}
	for _, lw := range t.legalWords {
		if lw[0] == w[0] {
			if d := osaDistance(w, lw, maxEdits(len(lw))); d <= maxEdits(len(lw)) {
				return lw, d
			}
		}
	}
	return "", 0
}

// isLegalWord reports whether w is a word of five letters or more of a
// legal form ("obshchestvo", "partnership").
func (t *tables) isLegalWord(w string) bool {
	_, ok := slices.BinarySearch(t.legalWords, w)
	return ok
}

// twoLegalWords splits w into two legal-form words written together
// ("aktsionernoeobshchestvo"), if it is that.
func (t *tables) twoLegalWords(w string) (string, string, bool) {
	for k := 5; k+5 <= len(w); k++ {
		if t.isLegalWord(w[:k]) && t.isLegalWord(w[k:]) {
			return w[:k], w[k:], true
		}
	}
	return "", "", false
}

// isNormalisedPhrase reports whether s is lowercase ASCII letters and digits
// in words separated by single spaces: the form normalize produces.
func isNormalisedPhrase(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || strings.Contains(s, "  ") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == ' ') {
			return false
		}
	}
	return true
}

// sameGivenName reports whether a and b are one given name and its nickname,
// or two nicknames of one name (Ted, Theodore; Bill, William), per
// nicknames.tsv.
func sameGivenName(a, b []uint16) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// abugidaFiles are the tables of the scripts whose consonants carry a vowel
// (Indic scripts, Burmese): see loadAbugida for their format.
var abugidaFiles = []string{"script_devanagari.tsv", "script_bengali.tsv", "script_gurmukhi.tsv", "script_gujarati.tsv",
	"script_tamil.tsv", "script_telugu.tsv", "script_kannada.tsv", "script_malayalam.tsv", "script_burmese.tsv"}

// The part a letter of an abugida plays in its syllable.
const (
	abConsonant = iota + 1 // carries the script's inherent vowel
	abMedial               // joins the consonant before it, which keeps its vowel (ya-phala)
	abSign                 // a dependent vowel sign: replaces the inherent vowel
	abVirama               // cancels the inherent vowel
	abNasal                // anusvara, candrabindu: a nasal after the syllable's vowel
	abLetter               // an independent vowel or other letter: no inherent vowel
	abMark                 // dropped inside a word (a lone nukta, the Gurmukhi addak)
)

var abugidaKinds = map[string]byte{"consonant": abConsonant, "medial": abMedial, "sign": abSign,
	"virama": abVirama, "nasal": abNasal, "letter": abLetter, "mark": abMark}

// abugidaLetter is one entry of an abugida table.
type abugidaLetter struct {
	latin string
	// final is a nasal's Latin at the end of a word or before a vowel
	// (the Dravidian anusvara is m there: തിരുവനന്തപുരം).
	final   string
	kind    byte
	cluster bool // a sequence with a virama inside (ज्ञ): a conjunct
	// skip: a mark no sequence holds (Burmese ့), skipped before
	// sequences are matched, so that it does not split one (န့်: န်).
	skip   bool
	script *abugidaScript
}

// abugidaScript holds what a table says of its whole script.
type abugidaScript struct {
	inherent string // the vowel a consonant carries: a
	// deleteSchwa: the inherent vowel is not said at the end of a word nor
	// between a vowel and consonant and a consonant and vowel (Hindi राम,
	// ram; इमरान, imran: see deleteSchwas), as in Hindi, Bengali, Punjabi and
	// Gujarati. Dravidian words end in a vowel or a virama.
	deleteSchwa bool
	// spaced: each syllable is a word, as lists write Burmese names
	// (မင်းအောင်လှိုင်, Min Aung Hlaing).
	spaced bool
}

// loadAbugida reads an abugida table: "@inherent", "@schwa" (delete or
// keep) and optionally "@spaced" (yes or no) lines, then letter (up to four runes), Latin, kind (consonant,
// medial, sign, virama, nasal, letter, mark) and, for a nasal, its form at
// the end of a word. The first rune of a sequence must be a letter of the
// table, so that a run of the script starts at any of its letters.
func (t *tables) loadAbugida(file string) error {
	sc := &abugidaScript{}
	seenInherent, seenFinal := false, false
	err := readTSV(file, 2, func(_ int, f []string) error {
		switch f[0] {
		case "@inherent":
			sc.inherent, seenInherent = f[1], true
			return nil
		case "@schwa":
			if f[1] != "delete" && f[1] != "keep" {
				return fmt.Errorf("@schwa %q: want delete or keep", f[1])
			}
			sc.deleteSchwa, seenFinal = f[1] == "delete", true
			return nil
		case "@spaced":
			if f[1] != "yes" && f[1] != "no" {
				return fmt.Errorf("@spaced %q: want yes or no", f[1])
			}
			sc.spaced = f[1] == "yes"
			return nil
		}
		if len(f) < 3 {
			return fmt.Errorf("letter %q: want letter, Latin and kind", f[0])
		}
		n := utf8.RuneCountInString(f[0])
		if n == 0 || n > 4 {
			return fmt.Errorf("key %q: want one to four characters", f[0])
		}
		if _, dup := t.abugida[f[0]]; dup {
			return fmt.Errorf("key %q listed twice", f[0])
		}
		kind, ok := abugidaKinds[f[2]]
		if !ok {
			return fmt.Errorf("key %q: kind %q unknown", f[0], f[2])
		}
		if f[1] != "" && !isNormalisedPhrase(f[1]) || strings.Contains(f[1], " ") {
			return fmt.Errorf("key %q: Latin %q is not lowercase ASCII", f[0], f[1])
		}
		l := &abugidaLetter{latin: f[1], final: f[1], kind: kind, script: sc}
		if kind == abNasal && len(f) > 3 {
			l.final = f[3]
		}
		t.abugida[f[0]] = l
		t.abugidaMaxKey = max(t.abugidaMaxKey, n)
		return nil
	})
	if err != nil {
		return err
	}
	if !seenInherent || !seenFinal {
		return fmt.Errorf("match: data %s: want @inherent and @schwa lines", file)
	}
	for k, l := range t.abugida {
		if l.script != sc || utf8.RuneCountInString(k) == 1 {
			continue
		}
		first, _ := utf8.DecodeRuneInString(k)
		if _, ok := t.abugida[string(first)]; !ok {
			return fmt.Errorf("match: data %s: %q starts with a character the table lacks", file, k)
		}
		for _, r := range k {
			if v := t.abugida[string(r)]; v != nil && v.kind == abVirama {
				l.cluster = true
			}
		}
	}
	for k, l := range t.abugida {
		if l.script == sc && l.kind == abMark {
			l.skip = true
			for k2 := range t.abugida {
				if k2 != k && strings.Contains(k2, k) {
					l.skip = false
				}
			}
		}
	}
	return nil
}

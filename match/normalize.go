package match

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/unicode/norm"
)

// Normalize turns a name in any script into lowercase ASCII words separated
// by single spaces: Unicode NFKC, case folding, diacritics stripped,
// Cyrillic, Greek, Arabic, Hebrew, Han (pinyin, with common company words in
// English), Hangul, kana, Indic scripts, Burmese and Ethiopic
// transliterated, punctuation turned into spaces, digits kept. Apostrophes are dropped without a space ("Xi'an" → "xian")
// and "&" becomes "and". Letters of scripts without a table are kept as they
// are, so a query in such a script can still equal a listed name in it.
func Normalize(s string) string {
	return strings.Join(normalizeWords(s), " ")
}

var pinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = pinyin.Normal
	return a
}()

// normalizeWords is Normalize returning the words.
func normalizeWords(s string) []string { return normalizeWordsWith(s, nil, false) }

// normalizeWordsWith is normalizeWords with the letters of alt read as alt
// says (the Persian reading of Arabic-script letters; nil: none). With seg,
// a '|' separates the Latin letters of successive script letters, so that
// a skeleton can tell ث ("th", one letter) from طه ("t|h", Taha) and سح
// ("s|h", Sahraoui) from ش.
func normalizeWordsWith(s string, alt map[string]string, seg bool) []string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s) + 8)
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := unicode.ToLower(rs[i])
		switch {
		case r < utf8.RuneSelf:
			switch {
			case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
				b.WriteRune(r)
			case r == '\'' || r == '`':
				// dropped: "Xi'an", "O'Brien", "Int'l"; a possessive "'s"
				// goes with it ("Deutsche Bank's").
				if i+1 < len(rs) && (rs[i+1] == 's' || rs[i+1] == 'S') && (i+2 == len(rs) || !unicode.IsLetter(rs[i+2])) {
					i++
				}
			case r == '&':
				b.WriteString(" and ")
			default:
				b.WriteByte(' ')
			}
			i++
		case unicode.Is(unicode.Han, r):
			j := i
			for j < len(rs) && unicode.Is(unicode.Han, rs[j]) {
				j++
			}
			writeHan(&b, rs[i:j])
			i = j
		case isHangulSyllable(r):
			j := i
			for j < len(rs) && isHangulSyllable(rs[j]) {
				j++
			}
			writeHangul(&b, rs[i:j])
			i = j
		case isAbugida(r):
			i += writeAbugida(&b, rs, i)
		case isKana(r):
			j := i
			for j < len(rs) && isKana(rs[j]) {
				j++
			}
			writeKana(&b, rs[i:j])
			i = j
		default:
			if seg && !atWordStart(&b) {
				b.WriteByte('|')
			}
			i += writeScript(&b, rs, i, alt)
		}
	}
	return strings.Fields(b.String())
}

// atWordStart reports whether the builder is at the start of a word.
func atWordStart(b *strings.Builder) bool {
	s := b.String()
	return len(s) == 0 || s[len(s)-1] == ' '
}

// writeScript transliterates the rune at rs[i] (or a two-rune sequence
// starting there) through the script tables and returns how many runes it
// consumed. A letter of alt is read as alt says.
func writeScript(b *strings.Builder, rs []rune, i int, alt map[string]string) int {
	r := unicode.ToLower(rs[i])
	if v, ok := alt[string(r)]; ok {
		b.WriteString(v)
		return 1
	}
	if i+1 < len(rs) {
		pair := string([]rune{r, unicode.ToLower(rs[i+1])})
		if v, ok := tab.script[pair]; ok {
			b.WriteString(v)
			return 2
		}
	}
	key := string(r)
	if v, ok := tab.scriptInitial[key]; ok && atWordStart(b) {
		b.WriteString(v)
		return 1
	}
	if v, ok := tab.script[key]; ok {
		b.WriteString(v)
		return 1
	}
	if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Cf, r) {
		return 1 // a combining mark with no table entry (stress, an Indic vowel sign): drop, inside the word
	}
	// Latin letters with diacritics: decompose and keep the base letters.
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		d := norm.NFD.String(key)
		wrote := false
		for _, c := range d {
			if unicode.Is(unicode.Mn, c) {
				continue
			}
			c = unicode.ToLower(c)
			if c < utf8.RuneSelf {
				if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
					b.WriteRune(c)
					wrote = true
				}
				continue
			}
			if v, ok := tab.script[string(c)]; ok {
				b.WriteString(v)
			} else if unicode.IsDigit(c) {
				b.WriteRune('0' + rune(unicodeDigit(c)))
			} else {
				b.WriteRune(c) // a script we have no table for: keep it
			}
			wrote = true
		}
		if !wrote {
			b.WriteByte(' ')
		}
		return 1
	}
	b.WriteByte(' ') // punctuation, symbols, spaces of every kind
	return 1
}

// isAbugida reports whether r is a letter of an abugida table (Indic
// scripts, Burmese).
func isAbugida(r rune) bool {
	return (r >= 0x0900 && r <= 0x0DFF || r >= 0x1000 && r <= 0x109F) && tab.abugida[string(r)] != nil
}

const (
	zwnj = '\u200c'
	zwj  = '\u200d'
)

// abugidaSeg is one sound of a transliterated abugida run.
type abugidaSeg struct {
	text string
	kind byte // segC, segV, segN, segSchwa
	// cluster: a consonant written as one sequence with a virama inside
	// (ज्ञ); deleted: a schwa that is not said.
	cluster, deleted bool
}

const (
	segC     = iota // a consonant
	segV            // a written vowel
	segN            // a nasal after a vowel
	segSchwa        // a consonant's inherent vowel
	segBreak        // a space between syllables (Burmese)
)

// writeAbugida transliterates the run of abugida letters that starts at
// rs[i] and returns how many runes it consumed. A consonant carries its
// script's inherent vowel unless a vowel sign replaces it or a virama
// cancels it; a nasal sign is m before p, b and m when the table writes it
// n; ZWJ, ZWNJ and combining marks without an entry are skipped; in a
// spaced script (Burmese) each syllable is a word. Scripts that delete the
// schwa (Hindi, Bengali, Punjabi, Gujarati) do not say the inherent vowel
// where it is silent (see deleteSchwas): राम is ram, इमरान imran, नरेन्द्र
// narendra.
func writeAbugida(b *strings.Builder, rs []rune, i int) int {
	// The run's letters, without what is skipped (joiners, marks without
	// an entry such as Vedic accents, and marks no sequence holds).
	var runBuf [32]rune
	run := runBuf[:0]
	j := i
	for ; j < len(rs); j++ {
		r := rs[j]
		if l := tab.abugida[string(r)]; l != nil {
			if !l.skip {
				run = append(run, r)
			}
		} else if r != zwj && r != zwnj && !unicode.In(r, unicode.Mn, unicode.Mc) {
			break
		}
	}
	var units [32]*abugidaLetter
	us := units[:0]
	for k := 0; k < len(run); {
		// The longest sequence of the table (each letter is one of one).
		n := min(tab.abugidaMaxKey, len(run)-k)
		for n > 1 && tab.abugida[string(run[k:k+n])] == nil {
			n--
		}
		us = append(us, tab.abugida[string(run[k:k+n])])
		k += n
	}
	var segBuf [48]abugidaSeg
	segs := segBuf[:0]
	var pending *abugidaScript // the script whose inherent vowel the last consonant awaits
	deleteSchwa := false
	flush := func() {
		if pending != nil {
			segs = append(segs, abugidaSeg{text: pending.inherent, kind: segSchwa})
			deleteSchwa = deleteSchwa || pending.deleteSchwa
			pending = nil
		}
	}
	for k, l := range us {
		if l.script.spaced && k > 0 && (l.kind == abConsonant && (k+1 == len(us) || us[k+1].kind != abVirama) || l.kind == abLetter) {
			flush()
			segs = append(segs, abugidaSeg{text: " ", kind: segBreak})
		}
		switch l.kind {
		case abConsonant:
			flush()
			segs = append(segs, abugidaSeg{text: l.latin, kind: segC, cluster: l.cluster})
			pending = l.script
		case abMedial:
			segs = append(segs, abugidaSeg{text: l.latin, kind: segC})
		case abSign:
			segs = append(segs, abugidaSeg{text: l.latin, kind: segV})
			pending = nil
		case abVirama:
			pending = nil
		case abLetter:
			flush()
			if l.latin != "" {
				kind := byte(segC)
				if isVowel(l.latin[0]) {
					kind = segV
				}
				segs = append(segs, abugidaSeg{text: l.latin, kind: kind})
			}
		case abNasal:
			flush()
			next := k + 1
			for next < len(us) && us[next].kind == abMark {
				next++
			}
			text := l.latin
			switch {
			case next == len(us) || us[next].kind != abConsonant:
				text = l.final
			case l.latin == "n" && us[next].latin != "" && strings.IndexByte("pbm", us[next].latin[0]) >= 0:
				text = "m"
			}
			segs = append(segs, abugidaSeg{text: text, kind: segN})
		}
	}
	flush()
	if deleteSchwa {
		deleteSchwas(segs)
	}
	for _, s := range segs {
		if !s.deleted {
			b.WriteString(s.text)
		}
	}
	return j - i
}

// deleteSchwas marks the inherent vowels a Hindi speaker does not say,
// right to left (Ohala's rule): one after a single consonant that follows a
// vowel, when a single consonant and a vowel follow it or the word ends
// (अहमद: a-h(a)-m-a-d(a), ahmad; इमरान, imran; जवाहरलाल, javaharlal: once r's
// is gone, h's stands before two consonants). A nasal after a vowel is part
// of it (हंसराज, hansraj). The first consonant of a word keeps its vowel
// (न, na), as does a conjunct (नरेन्द्र, narendra).
func deleteSchwas(segs []abugidaSeg) {
	said := func(k int) bool { // a vowel said at k
		return k < len(segs) && (segs[k].kind == segV || segs[k].kind == segSchwa && !segs[k].deleted)
	}
	for k := len(segs) - 1; k >= 2; k-- {
		if segs[k].kind != segSchwa || segs[k-1].kind != segC || segs[k-1].cluster {
			continue
		}
		left := k - 2
		for left > 0 && segs[left].kind == segN {
			left--
		}
		if !said(left) {
			continue
		}
		last := k == len(segs)-1
		if last || segs[k+1].kind == segC && !segs[k+1].cluster && said(k+2) {
			segs[k].deleted = true
		}
	}
}

// unicodeDigit returns the value of a decimal digit in any script.
func unicodeDigit(r rune) int {
	// Decimal digit blocks are contiguous runs of ten starting at a zero.
	for z := r; z > r-10; z-- {
		if !unicode.IsDigit(z) {
			return int(r - z - 1)
		}
	}
	return 0
}

// writeHan writes a run of Chinese characters: the longest known word from
// han_terms.tsv in English, otherwise each character's pinyin syllable as
// its own word. Adjacent syllables are joined again by the index's joined
// tokens, so "华为" (hua wei) still finds "Huawei".
func writeHan(b *strings.Builder, rs []rune) {
	b.WriteByte(' ')
	if names, ok := japaneseReading(rs); ok {
		for _, n := range names {
			b.WriteString(n)
			b.WriteByte(' ')
		}
		return
	}
	for i := 0; i < len(rs); {
		matched := false
		for n := min(tab.hanTermMaxLen, len(rs)-i); n >= 2; n-- {
			if v, ok := tab.hanTerms[string(rs[i:i+n])]; ok {
				b.WriteString(v)
				b.WriteByte(' ')
				i += n
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		if py := pinyin.LazyPinyin(string(rs[i]), pinyinArgs); len(py) > 0 {
			b.WriteString(py[0])
		}
		b.WriteByte(' ')
		i++
	}
}

// japaneseReading splits a run of Han characters into Japanese names of
// japanese_names.tsv, longest first, and returns their readings; ok is
// false unless the whole run splits and one part has two characters or more.
func japaneseReading(rs []rune) (names []string, ok bool) {
	long := false
	for i := 0; i < len(rs); {
		found := false
		for n := min(tab.japaneseNameMaxLen, len(rs)-i); n >= 1; n-- {
			if v, hit := tab.japaneseNames[string(rs[i:i+n])]; hit {
				names = append(names, v)
				long = long || n >= 2
				i += n
				found = true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	return names, long
}

const (
	hangulBase  = 0xAC00
	hangulCount = 11172
)

func isHangulSyllable(r rune) bool { return r >= hangulBase && r < hangulBase+hangulCount }

// writeHangul romanises Hangul syllables (Revised Romanization), one word per
// syllable, with the conventional spelling of a surname in first position.
func writeHangul(b *strings.Builder, rs []rune) {
	b.WriteByte(' ')
	for i, r := range rs {
		if v, ok := tab.koreanSurnames[r]; ok && i == 0 && len(rs) >= 2 {
			b.WriteString(v)
		} else {
			s := int(r - hangulBase)
			b.WriteString(tab.hangulL[s/(21*28)])
			b.WriteString(tab.hangulV[s%(21*28)/28])
			b.WriteString(tab.hangulT[s%28])
		}
		b.WriteByte(' ')
	}
}

func isKana(r rune) bool {
	return r >= 0x3041 && r <= 0x3096 || r >= 0x30A1 && r <= 0x30FA || r == 0x30FC
}

// toHiragana maps katakana onto hiragana, which the kana table covers.
func toHiragana(r rune) rune {
	if r >= 0x30A1 && r <= 0x30F6 {
		return r - 0x60
	}
	return r
}

// writeKana romanises a run of kana as one word (Hepburn): small tsu doubles
// the next consonant; the long-vowel mark is dropped, as most romanised
// names do ("プーチン" → "puchin").
func writeKana(b *strings.Builder, rs []rune) {
	double := false
	for i := 0; i < len(rs); {
		r := toHiragana(rs[i])
		if r == 'ー' {
			i++
			continue
		}
		if r == 'っ' {
			double = true
			i++
			continue
		}
		v, n := kanaAt(rs, i)
		if double && v != "" {
			b.WriteByte(v[0])
		}
		double = false
		b.WriteString(v)
		i += n
	}
}

// hasAbjad reports whether s has letters of a script that leaves short
// vowels unwritten (Arabic, Hebrew) or implicit (Thai, Khmer): its words are
// consonant skeletons.
func hasAbjad(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Arabic, r) || unicode.Is(unicode.Hebrew, r) || unicode.Is(unicode.Thai, r) || unicode.Is(unicode.Khmer, r) {
			return true
		}
	}
	return false
}

// sunLetters are the Arabic letters to which the article ال assimilates:
// al-Din is pronounced ad-Din and romanised -uddin (Shamsuddin), al-Rahman
// ar-Rahman (Abdur Rahman).
const sunLetters = "تثدذرزسشصضطظلن"

// persianReading returns the words of a name written in Arabic script as
// Persian, Urdu and Pashto read it (and as most romanisations of Arabic
// names write the article): the letters of script_arabic_persian.tsv read
// their way (ض as z), the article ال assimilated to a following sun letter
// (at a word's start, after عبد, and in the compound ending الدین: "ad-din"),
// and a final ه read as the vowel it writes (زاده, Zada). The words
// correspond one to one with normalizeWords(s), as only letters change.
func persianReading(s string, seg bool) []string {
	rs := []rune(norm.NFKC.String(s))
	out := make([]rune, 0, len(rs)+4)
	arabicLetter := func(r rune) bool { return unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r) }
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == 'ا' && i+2 < len(rs) && rs[i+1] == 'ل' && strings.ContainsRune(sunLetters, rs[i+2]) {
			start := i == 0 || !arabicLetter(rs[i-1])
			afterAbd := i >= 3 && string(rs[i-3:i]) == "عبد" && (i == 3 || !arabicLetter(rs[i-4]))
			din := i+5 <= len(rs) && (string(rs[i+2:i+5]) == "دين" || string(rs[i+2:i+5]) == "دین") && (i+5 == len(rs) || !arabicLetter(rs[i+5]))
			if start || afterAbd || din {
				out = append(out, 'ا', rs[i+2]) // the sun letter, written again next: doubled
				i++
				continue
			}
		}
		if (r == 'ه' || r == 'ہ') && i > 0 && arabicLetter(rs[i-1]) && (i+1 == len(rs) || !arabicLetter(rs[i+1])) &&
			(i < 2 || rs[i-1] != 'ل' || rs[i-2] != 'ل') { // not Allah's h
			out = append(out, 'ة') // the letter that writes a final vowel
			continue
		}
		out = append(out, r)
	}
	return normalizeWordsWith(string(out), tab.persian, seg)
}

// hasHan reports whether s has a Han character.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// koreanHangul returns s with its run of two to four Han characters written
// in Hangul, as Korean reads them (hanja_korean.tsv: 金正恩 → 김정은), or ""
// when s does not read as a Korean name. It does when s has one
// run of Han characters (Korean writes a name in hanja solid: "金龍 陳" is
// Chinese given name and surname), each has a Korean reading, the first is
// a Korean surname (korean_surnames.tsv), and the run is not a Japanese
// name of japanese_names.tsv.
func koreanHangul(s string) string {
	rs := []rune(norm.NFKC.String(s))
	changed := false
	runs := 0
	for i := 0; i < len(rs); i++ {
		if unicode.Is(unicode.Han, rs[i]) && (i == 0 || !unicode.Is(unicode.Han, rs[i-1])) {
			runs++
		}
	}
	if runs != 1 {
		return ""
	}
	for i := 0; i < len(rs); {
		if !unicode.Is(unicode.Han, rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && unicode.Is(unicode.Han, rs[j]) {
			j++
		}
		run := rs[i:j]
		if len(run) >= 2 && len(run) <= 4 {
			_, surname := tab.koreanSurnames[tab.hanjaKorean[run[0]]]
			_, japanese := japaneseReading(run)
			all := surname && !japanese
			for _, r := range run {
				if _, ok := tab.hanjaKorean[r]; !ok {
					all = false
				}
			}
			if all {
				for k, r := range run {
					run[k] = tab.hanjaKorean[r]
				}
				changed = true
			}
		}
		i = j
	}
	if !changed {
		return ""
	}
	return string(rs)
}

// Syllabic scripts, whose characters are whole syllables, so that a different
// romanised syllable is a different character, not a misspelling (习近朋 is
// not 习近平, 김종은 not 김정은).
const (
	syllabicNone = iota
	syllabicKana // Hangul or kana
	syllabicHan
)

// syllabicScript reports the syllabic script s is written in: Han if it holds
// any, else Hangul or kana if it holds any.
func syllabicScript(s string) byte {
	var out byte
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return syllabicHan
		}
		if isHangulSyllable(r) || isKana(r) {
			out = syllabicKana
		}
	}
	return out
}

var tonedArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = pinyin.Tone3
	return a
}()

// hanReadings returns the toned pinyin of each Han character of s, in order
// (石 shi2, 市 shi4), or nil when s holds a character that is not Han or a
// separator: only then does a character stand for one word.
func hanReadings(s string) []string {
	var out []string
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			py := pinyin.LazyPinyin(string(r), tonedArgs)
			if len(py) == 0 {
				return nil
			}
			out = append(out, py[0])
		case unicode.IsSpace(r) || unicode.IsPunct(r):
		default:
			return nil
		}
	}
	return out
}

// hasCJK reports whether s holds Han, Hangul or kana.
func hasCJK(s string) bool { return syllabicScript(s) != syllabicNone }

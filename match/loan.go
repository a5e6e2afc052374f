package match

import (
	"strings"
	"sync"

	"golang.org/x/text/unicode/norm"
)

// Foreign names written in Hangul or katakana.
//
// Korean and Japanese documents write a foreign name as it sounds, in their
// own syllables: Putin is 푸틴 and プーチン, Vladimir 블라디미르 and
// ウラジーミル, Lavrov 라브로프 and ラブロフ. The romanisation of such a
// transcription ("beul ra di mi reu", "urajimiru") is far from the Latin
// spelling the lists give, but it keeps the name's consonants: a vowel the
// script adds to break a cluster or end a word (Korean ㅡ "eu", Japanese u,
// and o after t and d) is no part of the name, and the consonants the
// script cannot tell apart fall into one class (l and r; b and v; p and f).
// The loan reading of a Hangul or katakana word is its spelling in those
// classes; a listed Latin word is reduced to the same classes, and the two
// match when their consonant skeletons agree.
//
// The spelling ("loan form") writes one letter per consonant class:
//
//	p  p, f, ph (Korean ㅍ; Japanese パ, and フ as p or h)
//	b  b, v, w before a vowel (ㅂ; バ, ヴ, ワ; a Latin v at a word's end or
//	   before a voiceless consonant is p: Lavrov 라브로프, ラブロフ)
//	h  h, kh
//	k  k, hard c, ck, q;  g  g, gh
//	t  t, th;  d  d, dh;  c  ch, ts, tz (ㅊ; チ and ツ as c or t)
//	s  s, sh, z, zh, j, dzh (ㅅ ㅈ; サ行 ザ行, ジ as s or d: ウラジーミル)
//	l  l, r;  m  m;  n  n, ng before a consonant or at the end (ㄴ, coda ㅇ; ン)
//
// and between them the vowels in three classes, a run of vowels as its
// last: "a" (a), "e" (e, i, y), "o" (o, u); "y" is a y before a vowel
// (Toyota, 요). A vowel the script may have added is written in capitals
// ("E", "O"): the listed word may have that vowel there or none. So
// ガスプロム is "gasOpOlomO" and Gazprom "gasplom".
//
// The skeleton (the form's consonants, after an "a" when the word starts
// with a vowel or y) is the retrieval key; the whole form decides when the
// skeleton is short.

// loanAlt is one loan reading of a Hangul or katakana word: its form and
// skeleton.
type loanAlt struct {
	form, skel string
	// foreign: a Hangul run has a syllable that is no Sino-Korean reading
	// of a Han character (스, 르, 프, 틴, 웨, 쇼: see hangulLoan).
	foreign bool
	// syllables: the length of a Hangul run.
	syllables int
}

// Loan similarities: a transcription is good evidence but not the word
// itself, and a skeleton alone less so than a skeleton whose vowels fall
// where the listed word's do.
const (
	loanSimilarity         = 0.88 // skeleton and vowels agree (プーチン, Putin)
	loanSkeletonSimilarity = 0.80 // the skeleton agrees, the vowels not (long skeletons only)
	// maxLoanAlts caps the readings of one katakana word (each ambiguous
	// kana doubles them).
	maxLoanAlts = 8
)

// loanBuilder writes a loan form.
type loanBuilder struct {
	b []byte
}

// isLoanSlot reports whether c is a vowel or y of a loan form (not a
// consonant of the skeleton).
func isLoanSlot(c byte) bool {
	switch c {
	case 'a', 'e', 'o', 'A', 'E', 'O', 'y':
		return true
	}
	return false
}

// cons writes a consonant class, once when doubled.
func (l *loanBuilder) cons(c byte) {
	if n := len(l.b); n > 0 && l.b[n-1] == c {
		return
	}
	l.b = append(l.b, c)
}

// vowel writes a vowel class; added says the script may have added it. A
// vowel after a vowel replaces it, unless it is added and the other not.
func (l *loanBuilder) vowel(c byte, added bool) {
	if added {
		c -= 'a' - 'A'
	}
	if n := len(l.b); n > 0 && isLoanSlot(l.b[n-1]) && l.b[n-1] != 'y' {
		if added && l.b[n-1] >= 'a' {
			return
		}
		l.b[n-1] = c
		return
	}
	l.b = append(l.b, c)
}

// glide writes a y before a vowel.
func (l *loanBuilder) glide() {
	if n := len(l.b); n == 0 || l.b[n-1] != 'y' {
		l.b = append(l.b, 'y')
	}
}

// loanSkeleton returns the skeleton of a loan form and how many consonants
// it has.
func loanSkeleton(form string) (string, int) {
	b, n := appendLoanSkeleton(make([]byte, 0, len(form)), []byte(form))
	return string(b), n
}

// appendLoanSkeleton appends the skeleton of form to dst.
func appendLoanSkeleton(b []byte, form []byte) ([]byte, int) {
	n := 0
	for i := 0; i < len(form); i++ {
		switch {
		case !isLoanSlot(form[i]):
			b = append(b, form[i])
			n++
		case i == 0:
			b = append(b, 'a')
		}
	}
	return b, n
}

// skeletonIs reports whether form's skeleton is skel, without allocating.
func skeletonIs(form, skel string) bool {
	j := 0
	for i := 0; i < len(form); i++ {
		c := form[i]
		if isLoanSlot(c) {
			if i > 0 {
				continue
			}
			c = 'a'
		}
		if j >= len(skel) || skel[j] != c {
			return false
		}
		j++
	}
	return j == len(skel)
}

// loanFormsAgree reports whether the loan form q of a Hangul or katakana
// word and the form l of a listed word, of one skeleton, have the same
// vowels between their consonants, an added vowel standing for itself or
// for none.
func loanFormsAgree(q, l string) bool {
	i, j := 0, 0
	for {
		qs, ls := i, j
		for i < len(q) && isLoanSlot(q[i]) {
			i++
		}
		for j < len(l) && isLoanSlot(l[j]) {
			j++
		}
		a, b := q[qs:i], l[ls:j]
		if a != b && !(len(a) == 1 && a[0] < 'a' && (b == "" || len(b) == 1 && b[0] == a[0]+('a'-'A'))) {
			return false
		}
		if i == len(q) || j == len(l) {
			return i == len(q) && j == len(l)
		}
		if q[i] != l[j] {
			return false
		}
		i++
		j++
	}
}

// latinLoanForm is the loan form of a normalised Latin word, or "" when it
// has a letter that is not a-z (a number, a script without a table).
func latinLoanForm(w string) string {
	f, ok := appendLatinLoanForm(make([]byte, 0, len(w)), w)
	if !ok {
		return ""
	}
	return string(f)
}

// latinLoanDigraphs are the Latin spellings of one sound, longest first,
// with their loan class.
var latinLoanDigraphs = []struct {
	s string
	c byte
}{{"tsch", 'c'}, {"sch", 's'}, {"dzh", 's'}, {"tch", 'c'}, {"ch", 'c'}, {"ts", 'c'}, {"tz", 'c'}, {"cz", 'c'},
	{"sh", 's'}, {"zh", 's'}, {"dj", 's'}, {"sz", 's'}, {"kh", 'h'}, {"ph", 'p'}, {"th", 't'}, {"dh", 'd'}, {"gh", 'g'}, {"ck", 'k'}}

// latinLoanDigraph returns the loan class of the spelling of one sound
// that rest starts with, and its length (0: none).
func latinLoanDigraph(rest string) (byte, int) {
	if len(rest) < 2 || strings.IndexByte("tsdczkpg", rest[0]) < 0 {
		return 0, 0
	}
	for _, d := range latinLoanDigraphs {
		if strings.HasPrefix(rest, d.s) {
			return d.c, len(d.s)
		}
	}
	return 0, 0
}

// appendLatinLoanForm appends the loan form of w to dst; ok is false when
// w has a letter that is not a-z.
func appendLatinLoanForm(dst []byte, w string) (form []byte, ok bool) {
	l := loanBuilder{dst}
	vowelAt := func(i int) bool { return i < len(w) && isVowel(w[i]) }
	for i := 0; i < len(w); {
		c := w[i]
		if c < 'a' || c > 'z' {
			return l.b, false
		}
		if k, n := latinLoanDigraph(w[i:]); n > 0 {
			l.cons(k)
			i += n
			continue
		}
		if strings.HasPrefix(w[i:], "ng") && !vowelAt(i+2) {
			l.cons('n') // one sound: Hong 홍, ホン
			i += 2
			continue
		}
		switch c {
		case 'a':
			l.vowel('a', false)
		case 'e', 'i':
			l.vowel('e', false)
		case 'o', 'u':
			l.vowel('o', false)
		case 'y':
			if vowelAt(i + 1) {
				l.glide() // Yuri 유리, ユーリー; Toyota
			} else {
				l.vowel('e', false)
			}
		case 'w':
			if vowelAt(i + 1) {
				l.cons('b') // Huawei 화웨이, ファーウェイ; Wladimir
			} else {
				l.vowel('o', false)
			}
		case 'v':
			// Devoiced at the end and before a voiceless consonant:
			// Lavrov 라브로프, ラブロフ; Petrovsky 페트롭스키.
			if i+1 == len(w) || strings.IndexByte("kstpcfh", w[i+1]) >= 0 {
				l.cons('p')
			} else {
				l.cons('b')
			}
		case 'f':
			l.cons('p')
		case 'c':
			if i+1 < len(w) && strings.IndexByte("eiy", w[i+1]) >= 0 {
				l.cons('s')
			} else {
				l.cons('k')
			}
		case 'q':
			l.cons('k')
		case 'x':
			l.cons('k')
			l.cons('s')
		case 'j':
			if i+1 == len(w) && i > 0 && isVowel(w[i-1]) {
				l.vowel('e', false) // a final -yj, -ij: Selenskyj
			} else {
				l.cons('s')
			}
		case 'z':
			l.cons('s')
		case 'r':
			l.cons('l')
		default:
			l.cons(c)
		}
		i++
	}
	return l.b, len(l.b) > 0
}

// Hangul jamo as loan classes ("" for none): initial consonants by index,
// and final consonants by index (loanwords write a final p as ㅂ, t as ㅅ).
var (
	hangulLoanInitial = [19]byte{'g', 'k', 'n', 'd', 't', 'l', 'm', 'b', 'p', 's', 's', 0, 's', 's', 'c', 'k', 't', 'p', 'h'}
	hangulLoanFinal   = [28]string{"", "k", "k", "ks", "n", "ns", "n", "t", "l", "lk", "lm", "lp", "ls", "lt", "lp", "l", "m", "p", "ps", "t", "t", "n", "t", "t", "k", "t", "p", "t"}
)

// hangulLoanVowel is the loan class of each Hangul vowel (ㅓ is o: 도널드,
// Donald; ㅐ a: 잭, Jack), and hangulGlide marks the vowels that start with
// y (a y when the syllable has no initial) or w (then a consonant, b: 웨 in
// 화웨이, Huawei).
var (
	hangulLoanVowel = [21]byte{'a', 'a', 'a', 'a', 'o', 'e', 'o', 'e', 'o', 'a', 'a', 'e', 'o', 'o', 'o', 'e', 'e', 'o', 'e', 'e', 'e'}
	hangulGlide     = [21]byte{2: 'y', 3: 'y', 6: 'y', 7: 'y', 9: 'w', 10: 'w', 12: 'y', 14: 'w', 15: 'w', 16: 'w', 17: 'y'}
)

// Hangul indexes with a special loan reading.
const (
	hangulVowelEu = 18 // ㅡ: the vowel Korean adds to break a cluster
	hangulVowelI  = 20 // ㅣ: added after a final ch, j, sh (-vich 비치)
	hangulNoOnset = 11 // ㅇ as an initial: none
)

// sinoKorean returns the set of Hangul syllables that read a Han character
// (hanja_korean.tsv: 486 syllables). Korean names are made of them, save
// the few native ones (하늘, 슬기); a foreign name's transcription mostly
// is not: 스, 르, 프, 트 write a consonant alone, 틴, 웨, 쇼, 렉 sounds
// Sino-Korean lacks.
var sinoKorean = sync.OnceValue(func() map[rune]bool {
	m := make(map[rune]bool, 512)
	for _, h := range tab.hanjaKorean {
		m[h] = true
	}
	return m
})

// hangulLoan is the loan reading of a run of Hangul syllables: ㅡ (eu)
// after a consonant is added (블라디미르: b-l-d-m-r), and so is the ㅣ of
// a final 치, 지 or 시 (ch, j, sh: 블라디미로비치, Vladimirovich).
func hangulLoan(rs []rune) loanAlt {
	var l loanBuilder
	foreign := false
	for k, r := range rs {
		foreign = foreign || !sinoKorean()[r]
		s := int(r - hangulBase)
		li, vi, ti := s/(21*28), s%(21*28)/28, s%28
		if li != hangulNoOnset {
			l.cons(hangulLoanInitial[li])
		} else if g := hangulGlide[vi]; g == 'y' {
			l.glide()
		} else if g == 'w' {
			l.cons('b')
		}
		added := vi == hangulVowelEu && li != hangulNoOnset ||
			vi == hangulVowelI && ti == 0 && k == len(rs)-1 && (li == 9 || li == 12 || li == 14)
		l.vowel(hangulLoanVowel[vi], added)
		for i := 0; i < len(hangulLoanFinal[ti]); i++ {
			l.cons(hangulLoanFinal[ti][i])
		}
	}
	form := string(l.b)
	skel, _ := loanSkeleton(form)
	return loanAlt{form: form, skel: skel, foreign: foreign, syllables: len(rs)}
}

// kanaUnit is one mora of a katakana word as Hepburn writes it: its
// consonant part ("k", "sh", "ch", "" for a vowel, "n" for ン) and vowel.
type kanaUnit struct {
	cons  string
	vowel byte // 0 for ン
	long  bool // followed by ー
}

// kanaUnits splits a run of katakana into morae, or returns nil when the
// run has a letter the kana table does not know.
func kanaUnits(rs []rune) []kanaUnit {
	var us []kanaUnit
	for i := 0; i < len(rs); {
		r := toHiragana(rs[i])
		if r == 'ー' {
			if len(us) > 0 {
				us[len(us)-1].long = true
			}
			i++
			continue
		}
		if r == 'っ' {
			i++ // a doubled consonant: written once
			continue
		}
		v, n := kanaAt(rs, i)
		i += n
		switch {
		case v == "":
			return nil
		case v == "n":
			us = append(us, kanaUnit{cons: "n"})
		default:
			us = append(us, kanaUnit{cons: v[:len(v)-1], vowel: v[len(v)-1]})
		}
	}
	return us
}

// kanaAt returns the Hepburn spelling of the kana at rs[i] (a two-kana
// sequence, kya or fa, before one) and how many runes it spans.
func kanaAt(rs []rune, i int) (string, int) {
	r := toHiragana(rs[i])
	if i+1 < len(rs) {
		if w, ok := tab.script[string([]rune{r, toHiragana(rs[i+1])})]; ok {
			return w, 2
		}
	}
	return tab.script[string(r)], 1
}

// kanaLoanClasses gives the loan classes a katakana consonant may stand for
// (the first the usual one); nil for none (a vowel, the y of kya).
func kanaLoanClasses(cons string) []byte {
	switch strings.TrimSuffix(cons, "y") {
	case "":
		return nil
	case "k":
		return []byte{'k'}
	case "g":
		return []byte{'g'}
	case "s", "sh", "z":
		return []byte{'s'}
	case "j":
		return []byte{'s', 'd'} // ジ: j, z, and di (ウラジーミル)
	case "t":
		return []byte{'t'}
	case "ch", "ts":
		return []byte{'c', 't'} // チ: ch, and ti (プーチン)
	case "d":
		return []byte{'d'}
	case "n":
		return []byte{'n'}
	case "h":
		return []byte{'h'}
	case "f":
		return []byte{'p', 'h'} // フ: f, and h (ファーウェイ, Huawei)
	case "b", "v", "w":
		return []byte{'b'}
	case "p":
		return []byte{'p'}
	case "m":
		return []byte{'m'}
	case "r":
		return []byte{'l'}
	}
	return nil
}

// kanaLoanVowel is the loan class of a kana vowel.
func kanaLoanVowel(v byte) byte {
	switch v {
	case 'i':
		return 'e'
	case 'u':
		return 'o'
	}
	return v
}

// kanaLoan returns the loan readings of a run of katakana: u after a
// consonant and o after t or d, unless long, are added vowels (ガスプロム:
// g-s-p-l-m; ドミートリー, Dmitry), and so is i after a final ch or j
// (ロスネフチ, Rosneft); a long vowel is one vowel; an initial ウ before a
// consonant is a vowel or v (ウラジーミル, Vladimir); ヤ, ユ, ヨ start with
// y. Each kana with two classes doubles the readings, up to maxLoanAlts.
func kanaLoan(rs []rune) []loanAlt {
	us := kanaUnits(rs)
	if len(us) == 0 {
		return nil
	}
	consonantAt := func(k int) bool {
		return k < len(us) && (us[k].vowel == 0 || us[k].cons != "" && us[k].cons != "y")
	}
	alts := []loanBuilder{{}}
	for k, u := range us {
		cls := kanaLoanClasses(u.cons)
		if u.vowel == 0 {
			cls = []byte{'n'}
		}
		initialU := k == 0 && u.cons == "" && u.vowel == 'u' && !u.long && consonantAt(1)
		if initialU {
			cls = []byte{0, 'b'} // ウ before a consonant: a vowel, or v (ウラジーミル)
		}
		added := u.vowel != 0 && len(cls) > 0 && cls[0] != 0 && !u.long &&
			(u.vowel == 'u' && u.cons != "y" && u.cons != "w" ||
				u.vowel == 'o' && (u.cons == "t" || u.cons == "d") ||
				u.vowel == 'i' && k == len(us)-1 && (u.cons == "ch" || u.cons == "j"))
		if len(cls) == 0 {
			cls = []byte{0}
		}
		var next []loanBuilder
		for _, a := range alts {
			for ci, c := range cls {
				if ci > 0 && len(alts)*len(cls) > maxLoanAlts {
					break
				}
				b := loanBuilder{append([]byte(nil), a.b...)}
				switch {
				case c != 0:
					b.cons(c)
				case u.cons == "y":
					b.glide()
				}
				if u.vowel != 0 && !(initialU && c == 'b') {
					b.vowel(kanaLoanVowel(u.vowel), added)
				}
				next = append(next, b)
			}
		}
		alts = next
	}
	out := make([]loanAlt, 0, len(alts))
	for _, a := range alts {
		form := string(a.b)
		skel, _ := loanSkeleton(form)
		dup := false
		for _, o := range out {
			dup = dup || o.form == form
		}
		if !dup {
			out = append(out, loanAlt{form: form, skel: skel})
		}
	}
	return out
}

// loanMatch is the similarity of a Hangul or katakana word's loan readings
// to a listed Latin word with loan form lform: loanSimilarity when a
// reading's skeleton and form agree with the listed word's (see
// loanFormsAgree), loanSkeletonSimilarity when only the skeleton does, 0
// when neither. Short skeletons match too many words: a skeleton needs two
// consonants and, below four, the form too. Hangul is more often Korean
// than foreign, and Korean names spell three or four consonants in two
// syllables (수빈 is s-b-n, like Siwan; 허서영 h-s-n, like Hassan): a
// Hangul run is read so only when a syllable of it is no Sino-Korean
// reading (foreign: 라브로프, 푸틴, 쇼이구; not 나발니, whose syllables could
// all be a Korean name's), and a skeleton of two consonants only in a run
// of three syllables or more (쇼이구, Shoigu; not 그루, a native name).
func loanMatch(alts []loanAlt, lform string, hangul bool) float64 {
	best := 0.0
	for i := range alts {
		a := &alts[i]
		if hangul && !a.foreign || !skeletonIs(lform, a.skel) {
			continue
		}
		n := len(a.skel)
		if a.skel != "" && a.skel[0] == 'a' {
			n--
		}
		if hangul && n == 2 && a.syllables < 3 {
			continue // 그루 (a native Korean name) is not Gelro
		}
		same := loanFormsAgree(a.form, lform)
		switch {
		case n < 2:
		case same:
			return loanSimilarity
		case n >= 4:
			best = loanSkeletonSimilarity
		}
	}
	return best
}

// loanRun is a run of Hangul syllables (two or more) or of katakana in a
// query: its words as normalizeWords writes them (one per Hangul syllable,
// one for the katakana run) and its loan readings.
type loanRun struct {
	hangul bool
	words  []string
	alts   []loanAlt
	to     int // the index of the run's last query word (markLoanRuns)
}

// loanRuns finds the runs of Hangul and katakana in a name that may
// transcribe a foreign name. A kana run with hiragana is Japanese, not a
// transcription; a single Hangul syllable is a Korean word.
func loanRuns(name string) []loanRun {
	if !hasLoanScript(name) {
		return nil
	}
	rs := []rune(norm.NFKC.String(name))
	var out []loanRun
	var b strings.Builder
	for i := 0; i < len(rs); {
		j := i + 1
		switch {
		case isHangulSyllable(rs[i]):
			for j < len(rs) && isHangulSyllable(rs[j]) {
				j++
			}
			if j-i >= 2 {
				b.Reset()
				writeHangul(&b, rs[i:j])
				out = append(out, loanRun{hangul: true, words: strings.Fields(b.String()), alts: []loanAlt{hangulLoan(rs[i:j])}})
			}
		case isKana(rs[i]):
			katakana := true
			for j = i; j < len(rs) && isKana(rs[j]); j++ {
				katakana = katakana && (rs[j] >= 0x30A1 || rs[j] == 0x30FC)
			}
			if katakana {
				b.Reset()
				writeKana(&b, rs[i:j])
				if alts := kanaLoan(rs[i:j]); len(alts) > 0 && b.Len() > 0 {
					out = append(out, loanRun{words: []string{b.String()}, alts: alts})
				}
			}
		}
		i = j
	}
	return out
}

// hasLoanScript reports whether s has Hangul or katakana.
func hasLoanScript(s string) bool {
	for _, r := range s {
		if isHangulSyllable(r) || r >= 0x30A1 && r <= 0x30FA || r >= 0xFF66 && r <= 0xFF9D {
			return true
		}
	}
	return false
}

// markLoanRuns gives the query words that a run of loanRuns spells their
// loan readings: the first word of a run holds the run's readings and the
// index of its last word. Words the analysis set aside (a syllable read as
// a stop word) are skipped; a run whose words are not found in order is
// left without a reading.
func markLoanRuns(runs []loanRun, qws []queryWord) {
	p := 0
	for ri, r := range runs {
		start := -1
		for k := p; k < len(qws) && start < 0; k++ {
			if qws[k].surface == r.words[0] || len(r.words) > 1 && qws[k].surface == r.words[1] {
				start = k
			}
		}
		if start < 0 {
			continue
		}
		k, hi, found := start, -1, 0
		for _, w := range r.words {
			if k < len(qws) && qws[k].surface == w {
				hi = k
				k++
				found++
			}
		}
		if found == 0 || found < len(r.words)-1 {
			continue
		}
		runs[ri].to = hi
		qws[start].loan = &runs[ri]
		p = hi + 1
	}
}

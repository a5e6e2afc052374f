package match

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTables(t *testing.T) {
	tb, err := loadTables()
	if err != nil {
		t.Fatal(err)
	}
	if got := len(tb.legalForms); got < 100 {
		t.Errorf("legal forms: %d, want ≥ 100", got)
	}
	for form, class := range map[string]string{
		"limited liability company": "llc", "ooo": "llc", "youxian gongsi": "coltd", "company limited": "coltd",
		"s a de c v": "sa", "pjsc": "pjsc", "pao": "pjsc", "gmbh": "llc", "joint stock company": "jsc",
	} {
		if tb.legalForms[form] != class {
			t.Errorf("legal form %q: class %q, want %q", form, tb.legalForms[form], class)
		}
	}
	for w, c := range map[string]string{"intl": "international", "tech": "technology", "mfg": "manufacturing", "sci": "science", "co": "company", "industrial": "industry"} {
		if tb.canonical[w] != c {
			t.Errorf("canonical %q = %q, want %q", w, tb.canonical[w], c)
		}
	}
	// Every canonical target must itself be stable (no chains).
	for w, c := range tb.canonical {
		if c2, ok := tb.canonical[c]; ok && c2 != c {
			t.Errorf("canonical chain %q → %q → %q", w, c, c2)
		}
	}
	if len(tb.script) < 250 || len(tb.hangulL) != 19 || tb.hangulV[20] != "i" || tb.hangulT[21] != "ng" {
		t.Errorf("script tables incomplete: %d entries, hangul %v", len(tb.script), tb.hangulV)
	}
	for _, p := range [][2]string{{"ted", "theodore"}, {"bill", "william"}, {"bob", "rob"}, {"ben", "benjamin"}} {
		if !sameGivenName(tb.nicknames[p[0]], tb.nicknames[p[1]]) {
			t.Errorf("nicknames: %s and %s should be one name", p[0], p[1])
		}
	}
	if sameGivenName(tb.nicknames["ted"], tb.nicknames["william"]) {
		t.Error("nicknames: ted and william should differ")
	}
	// The Indic tables: a consonant, a sign, the virama, a nukta letter
	// (listed as NFKC writes it), per-script settings.
	for key, want := range map[string]struct {
		latin string
		kind  byte
	}{"क": {"k", abConsonant}, "ि": {"i", abSign}, "्": {"", abVirama}, "ज़": {"z", abConsonant},
		"ய": {"y", abConsonant}, "ൻ": {"n", abLetter}, "্য": {"y", abMedial}, "ं": {"n", abNasal}} {
		if l := tb.abugida[key]; l == nil || l.latin != want.latin || l.kind != want.kind {
			t.Errorf("abugida %q = %+v, want %+v", key, l, want)
		}
	}
	if len(tb.abugida) < 600 || !tb.abugida["क"].script.deleteSchwa || tb.abugida["ಕ"].script.deleteSchwa || tb.abugida["ম"].script.inherent != "a" {
		t.Errorf("abugida tables incomplete: %d entries", len(tb.abugida))
	}
	for _, loc := range []string{"hangzhou", "beijing", "shenzhen", "moscow"} {
		if !tb.locations[loc] {
			t.Errorf("location %q missing", loc)
		}
	}
}

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Hangzhou Hikvision Digital Technology Co., Ltd.", "hangzhou hikvision digital technology co ltd"},
		{"Hik-Vision", "hik vision"},
		{"Xi'an  Research", "xian research"},
		{"AT&T", "at and t"},
		{"Société Générale", "societe generale"},
		{"Straße Łódź Øresund", "strasse lodz oresund"},
		{"Сбербанк России", "sberbank rossii"},
		{"Владимир Путин", "vladimir putin"},
		{"Влади́мир", "vladimir"},
		{"Νικόλαος", "nikolao"},
		{"محمد علي", "mhmd ali"},
		{"משה", "mshe"},
		{"华为技术有限公司", "hua wei technology co ltd"},
		{"大疆创新", "da jiang innovation"},
		{"김정은", "kim jeong eun"},
		{"ウラジーミル・プーチン", "urajimiru puchin"},
		{"たなか", "tanaka"},
		{"Վլադիմիր Պուտին", "vladimir putin"},
		{"ვლადიმერ პუტინი", "vladimer putini"},
		{"สมชาย", "smchay"},
		{"山田太郎", "yamada taro"},
		// Indic scripts: the inherent vowel, cancelled by the virama,
		// replaced by a vowel sign; Hindi drops the schwa (पुतिन, putin).
		{"व्लादिमीर पुतिन", "vladimir putin"},
		{"नरेन्द्र मोदी", "narendra modi"}, // a conjunct keeps its vowel
		{"इमरान ख़ान", "imran khan"},       // a medial schwa dropped; nukta: ख़ kh
		{"ज़्\u200dरा", "zra"},             // ZWJ ignored
		{"सिंह गांधी संपत", "singh gandhi sampat"},
		{"শেখ হাসিনা", "shekh hasina"},
		{"বাংলাদেশ", "bangladesh"}, // Bengali anusvara ng
		{"ਅਮਰਿੰਦਰ ਸਿੰਘ", "amrindar singh"},
		{"અમિત શાહ", "amit shah"},
		{"முத்துவேல் கருணாநிதி ஸ்டாலின்", "mutthuvel karunanithi stalin"},
		{"చంద్రబాబు నాయుడు", "chandrababu nayudu"},
		{"ವ್ಲಾದಿಮಿರ್ ಪುತಿನ್", "vladimir putin"}, // Dravidian: no schwa deletion, explicit virama
		{"ಬಸವರಾಜ ಬೊಮ್ಮಾಯಿ", "basavaraja bommayi"},
		{"പിണറായി വിജയൻ", "pinarayi vijayan"},   // chillu ൻ
		{"തിരുവനന്തപുരം", "thiruvananthapuram"}, // final anusvara m
		{"२०२४ क", "2024 ka"},                   // Devanagari digits; one consonant keeps its vowel
		{"ዐቢይ አሕመድ", "abiy ahmed"},              // Ethiopic: the 6th order is the consonant alone
		{"መለስ ዜናዊ", "meles zenawi"},
		{"မင်းအောင်လှိုင်", "min aung hlaing"}, // Burmese: a word per syllable, rhymes
		{"သိန်းညွန့်", "thein nyun"},           // a tone mark inside a rhyme
		{"ＡＢＣ　１２３", "abc 123"},
		{"١٢٣", "123"},
		{"", ""},
	} {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestAnalyze(t *testing.T) {
	a := analyze(normalizeWords("Zhejiang Dahua Technology Co., Ltd."), false)
	if strings.Join(a.words, " ") != "zhejiang dahua technology" || len(a.legal) != 1 || a.legal[0] != "coltd" {
		t.Errorf("analyze: words %q legal %q ignored %v", a.words, a.legal, a.ignored)
	}
	a = analyze(normalizeWords("Limited Liability Company Intl Tech & Trade"), false)
	if strings.Join(a.words, " ") != "international technology trading" || a.legal[0] != "llc" {
		t.Errorf("analyze: words %q legal %q", a.words, a.legal)
	}
	for in, want := range map[string]string{"Brigade Forty-Four": "brigade 44", "Brigade Forty 4": "brigade 44",
		"1st International Bank": "1 international bank", "First International Bank": "1 international bank", "Three Percenters": "3 percenters",
		// Single letters run together, but a legal form ends the run.
		"A.B.C. Company": "abc", "Partners V L.P.": "partners v", "X Y Z S.A. de C.V.": "xyz", "Q R S.A.R.L.": "q r",
		// German partnership forms, with "&" read as "and" and Co. as company.
		"Mazixon GmbH & Co. KG": "mazixon", "Mazixon GmbH und Co. KGaA": "mazixon", "Mazixon AG & Co KG": "mazixon"} {
		if got := strings.Join(analyze(normalizeWords(in), false).words, " "); got != want {
			t.Errorf("analyze(%q) = %q, want %q", in, got, want)
		}
	}
	// In a name written in Han, a pinyin syllable is neither a legal form
	// nor a stop word (早 zao is not ZAO, 安 an not "an").
	if got := analyzeName("高石早苗", true).words; strings.Join(got, " ") != "gao shi zao miao" {
		t.Errorf("analyzeName(高石早苗) = %q", got)
	}
	if got := analyzeName("西安", false).words; strings.Join(got, " ") != "xi an" {
		t.Errorf("analyzeName(西安) = %q", got)
	}
	// A name that is only a legal form keeps it as content.
	a = analyze([]string{"ao"}, false)
	if len(a.words) != 1 || a.words[0] != "ao" {
		t.Errorf("analyze(ao) = %q", a.words)
	}
	// Persons have no legal forms.
	a = analyze([]string{"ao", "li"}, true)
	if len(a.words) != 2 {
		t.Errorf("analyze person = %q", a.words)
	}
}

func TestPhoneticKey(t *testing.T) {
	same := [][]string{
		{"yevgeniy", "evgeny", "evgenii"},
		{"mohammad", "muhammad", "mohamed", "mhmd"},
		{"khalil", "halil"},
		{"abdul", "abdal"},
		{"vladimir", "wladimir", "vldymyr"},
	}
	for _, g := range same {
		for _, w := range g[1:] {
			if phoneticKey(w) != phoneticKey(g[0]) {
				t.Errorf("phoneticKey(%q) = %q, phoneticKey(%q) = %q", w, phoneticKey(w), g[0], phoneticKey(g[0]))
			}
		}
	}
	if phoneticKey("putin") == phoneticKey("patel") {
		t.Errorf("putin and patel share a key")
	}
}

func TestSimilarity(t *testing.T) {
	for _, c := range []struct {
		a, b     string
		min, max float64
	}{
		{"hikvision", "hikvision", 1, 1},
		{"hikvisoin", "hikvision", 0.9, 0.95},
		{"sberbnak", "sberbank", 0.85, 0.95},
		{"yevgeniy", "evgeny", 0.85, 0.95},
		{"lotte", "ltte", 0, 0}, // query first: customer "Lotte" must not hit the listed "LTTE"
		{"femsa", "emsa", 0, 0},
		{"abba", "abb", 0, 0},
		{"kapp", "knapp", 0.8, 0.9}, // a dropped letter is a typo
		{"fei", "fey", 0.8, 0.8},
		{"han", "khan", 0.8, 0.8},
		{"v", "vladimir", initialSimilarity, initialSimilarity},
		{"2004", "2005", 0, 0},
		{"hikari", "hikvision", 0, 0},
		{"nur", "noor", 0.8, 0.8}, // one vowel written with one letter or two
		{"din", "deen", 0.8, 0.8},
		{"iu", "yu", 0.8, 0.8}, // Iu/Yu (Ю)
		{"nur", "noon", 0, 0},  // another consonant
		{"iu", "yo", 0, 0},
	} {
		fa, fb := newForm(c.a), newForm(c.b)
		s, kind := similarity(&fa, &fb, false)
		if s < c.min || s > c.max {
			t.Errorf("similarity(%q, %q) = %.3f (%s), want %.2f..%.2f", c.a, c.b, s, kind, c.min, c.max)
		}
	}
	fa, fb := newForm("electric"), newForm("electronic")
	if s, _ := similarity(&fa, &fb, true); s != 0 {
		t.Errorf("two listed words two edits apart: similarity %.2f, want 0", s)
	}
}

func TestOSADistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"abc", "abc", 0}, {"abc", "acb", 1}, {"kitten", "sitting", 3}, {"ab", "", 2}} {
		if got := osaDistance(c.a, c.b, 5); got != c.d {
			t.Errorf("osaDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
	if got := osaDistance("abcdef", "uvwxyz", 2); got != 3 {
		t.Errorf("bounded distance = %d, want limit+1 = 3", got)
	}
	long := strings.Repeat("a", 100)
	if got := osaDistance(long, long+"b", 3); got != 1 {
		t.Errorf("long words: %d", got)
	}
}

// FuzzNormalize checks that any input normalises without panicking into
// lowercase words of letters and digits separated by single spaces, and that
// normalising twice changes nothing.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Hangzhou Hikvision Digital Technology Co., Ltd.", "Сбербанк России", "华为技术有限公司",
		"ウラジーミル・プーチン", "محمد علي", "김정은", "Влади́мир", "\xff\xfe", "ア\u0301", "블라디미르 푸틴", "ｳﾗｼﾞｰﾐﾙ",
		"व्लादिमीर पुतिन", "ভ্লাদিমির পুতিন", "ವ್ಲಾದಿಮಿರ್ ಪುತಿನ್", "सिंह\u200dं्", "ਸਿੱਧੂ", "ங்கஃப", "ം്ൻ", "ि्ं", "ዐቢይ አሕመድ", "မင်းအောင်လှိုင်", "ညွန့်း"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, n)
		}
		if strings.Contains(n, "  ") || strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") {
			t.Fatalf("Normalize(%q) = %q: bad spacing", s, n)
		}
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize not idempotent on %q: %q then %q", s, n, again)
		}
		// The loan readings of its Hangul and katakana (loan.go) and of
		// its words are well formed: each form has its skeleton.
		for _, r := range loanRuns(s) {
			if len(r.words) == 0 || len(r.alts) == 0 || len(r.alts) > maxLoanAlts {
				t.Fatalf("loanRuns(%q): bad run %+v", s, r)
			}
			for _, a := range r.alts {
				if !skeletonIs(a.form, a.skel) || !loanFormsAgree(a.form, a.form) {
					t.Fatalf("loanRuns(%q): bad reading %+v", s, a)
				}
			}
		}
		for _, w := range strings.Fields(n) {
			if f := latinLoanForm(w); f != "" {
				if k, _ := loanSkeleton(f); !skeletonIs(f, k) || !loanFormsAgree(f, f) {
					t.Fatalf("latinLoanForm(%q) = %q, skeleton %q", w, f, k)
				}
			}
		}
	})
}

// TestPersianReading checks the second reading of Arabic-script names.
func TestPersianReading(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"رضایی", "rzaii"},            // ض is z
		{"ثاقب", "saqb"},              // ث is s
		{"عبد الرحمن", "abd arrhmn"},  // the article assimilated to a sun letter
		{"نورالدین", "nuraddin"},      // … in the compound ending -uddin
		{"خالد", "khald"},             // ال inside a word is no article
		{"آخوند زاده", "akhund zada"}, // a final ه is a vowel
		{"عبدالله", "abdallh"},        // but not Allah's
		{"حقانى", "hqani"},            // the Afghan final ye
	} {
		if got := strings.Join(persianReading(c.in, false), " "); got != c.want {
			t.Errorf("persianReading(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := normalizeWordsWith("طه ثابت", nil, true); strings.Join(got, " ") != "t|h th|a|b|t" {
		t.Errorf("segmented = %q", got)
	}
	// The skeleton of طه is t-h (Taha), of ث one t.
	if k := abjadKey("t|h"); k != "th" {
		t.Errorf("abjadKey(t|h) = %q", k)
	}
	// A listed first c meets ك or س; ph meets ف (dropped like f and v).
	for _, c := range []struct{ listed, abjad string }{
		{"costanteen", "kustntn"},
		{"christopher", "kristufr"},
		{"cilia", "silia"},
		{"cherif", "cherif"}, // French ch: ش, unchanged
		// A c inside a word: k before a, o, u, a consonant or at the
		// end, s before e, i, y.
		{"francisco", "fransisku"}, // فرانسيسكو
		{"escalon", "askalun"},     // اسكالون
		{"mcgovern", "makguvirn"},  // ماكغفرن
		{"vincent", "vinsnt"},      // فنسنت
		{"marc", "mark"},
	} {
		if a, b := abjadKey(c.listed), abjadKey(c.abjad); a != b {
			t.Errorf("abjadKey(%q) = %q, abjadKey(%q) = %q", c.listed, a, c.abjad, b)
		}
	}
}

// TestKoreanReading checks when a Han name is also read as Korean.
func TestKoreanReading(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"金正恩", "kim jeong eun"}, // a Korean surname first: read as Korean
		{"金龍 陳", ""},             // two runs: a Chinese given name and surname
		{"山田太郎", ""},             // a Japanese name
		{"华为技术有限公司", ""},         // no Korean surname first
		{"金", ""},                // one character is no name
	} {
		if got := strings.Join(normalizeWords(koreanHangul(c.in)), " "); got != c.want {
			t.Errorf("koreanHangul(%q) read %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSimilarityLong(t *testing.T) {
	for _, c := range [][2]string{{"vladimirovitj", "vladimirovich"}, {"wladimirowitsch", "vladimirovich"}} {
		fa, fb := newForm(c[0]), newForm(c[1])
		if s, k := similarity(&fa, &fb, true); s < 0.85 {
			t.Errorf("similarity(%q, %q) = %.3f (%s), want ≥ 0.85", c[0], c[1], s, k)
		}
	}
}

// TestSchwaDeletion checks which inherent vowels a Hindi reading drops:
// the last after a single consonant, and one between a vowel and consonant
// and a consonant and vowel, right to left (Ohala's rule).
func TestSchwaDeletion(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"राम", "ram"},                 // final
		{"न", "na"},                    // a word of one consonant keeps it
		{"अहमद", "ahmad"},              // medial: a-h(a)-m-a-d
		{"मोहम्मद", "mohammad"},        // not before or after a conjunct
		{"जवाहरलाल", "javaharlal"},     // r's goes, so h's stays before two consonants
		{"हंसराज", "hansraj"},          // a nasal belongs to its vowel
		{"रामचन्द्र", "ramchandra"},    // a final conjunct keeps it
		{"आदित्य", "aditya"},           // so does a conjunct of the last consonant
		{"ভারত", "bharat"},             // Bengali too
		{"ಕಮಲ", "kamala"},              // not Kannada
		{"कमला हैरिस", "kamla hairis"}, // Hindi says kamla
	} {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestAbugidaCombinations normalises random strings of abugida letters,
// signs, viramas, nasals, joiners and spaces (which byte-level fuzzing
// seldom builds): the result is lowercase ASCII words and idempotent.
func TestAbugidaCombinations(t *testing.T) {
	keys := make([]string, 0, len(tab.abugida))
	for k := range tab.abugida {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	keys = append(keys, " ", "\u200d", "\u200c", "\u0951", "a", "1")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range 1 + rng.IntN(12) {
			b.WriteString(keys[rng.IntN(len(keys))])
		}
		s := b.String()
		n := Normalize(s)
		if !isNormalisedPhrase(n) && n != "" {
			t.Fatalf("Normalize(%q) = %q: not lowercase ASCII words", s, n)
		}
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize not idempotent on %q: %q then %q", s, n, again)
		}
	}
}

func TestPatronymic(t *testing.T) {
	for _, c := range []struct {
		w, stem string
		female  bool
	}{
		{"vladimirovich", "vladimir", false},
		{"vlagyimirovics", "vlagyimir", false},
		{"wladimirowitsj", "wladimir", false},
		{"fladimirufitsh", "fladimir", false},
		{"volodymyrivna", "volodymyr", true},
		{"ivanovna", "ivan", true},
		{"rovich", "", false}, // too short to carry a name
		{"ivanov", "", false},
	} {
		stem, female, ok := patronymic(c.w)
		if stem != c.stem || female != c.female || ok != (c.stem != "") {
			t.Errorf("patronymic(%q) = %q, %v, %v; want %q, %v", c.w, stem, female, ok, c.stem, c.female)
		}
	}
	for _, c := range []struct {
		q, l string
		ok   bool
	}{
		{"vladimirovitch", "vladimirovich", true},
		{"volodymyrovych", "vladimirovich", true}, // nicknames.tsv
		{"vladimirovna", "vladimirovich", false},  // a daughter's form
		{"ivanovich", "vladimirovich", false},
		{"vladimir", "vladimirovich", false},
	} {
		if s, _ := patronymicSimilarity(c.q, c.l); (s > 0) != c.ok {
			t.Errorf("patronymicSimilarity(%q, %q) = %.2f, want a match: %v", c.q, c.l, s, c.ok)
		}
	}
}

func TestDamerauDistance(t *testing.T) {
	for _, c := range []struct {
		a, b   string
		osa, d int
	}{
		{"daniltsev", "dantisev", 3, 2},   // l dropped, then "it" swapped
		{"luxembourg", "luxembogu", 3, 2}, // r dropped, then "ug" swapped
		{"ca", "abc", 3, 2},
		{"fedorenko", "ferdenko", 3, 2},
		{"putin", "putin", 0, 0},
		{"putin", "ptuin", 1, 1},
		{"abcdef", "uvwxyz", 6, 6},
		{"", "abc", 3, 3},
		{"kitten", "sitting", 3, 3},
	} {
		if got := osaDistance(c.a, c.b, 10); got != c.osa {
			t.Errorf("osaDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.osa)
		}
		if got := damerauDistance(c.a, c.b); got != c.d {
			t.Errorf("damerauDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
		if got := damerauDistance(c.b, c.a); got != c.d {
			t.Errorf("damerauDistance(%q, %q) = %d, want %d (reversed)", c.b, c.a, got, c.d)
		}
	}
}

// FuzzDamerauDistance checks the properties of an edit distance that the
// scorer relies on: symmetric, zero only for equal words, never above the
// restricted (OSA) distance, never below the difference in length.
func FuzzDamerauDistance(f *testing.F) {
	f.Add("daniltsev", "dantisev")
	f.Add("ca", "abc")
	f.Add("", "x")
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a) > 40 || len(b) > 40 {
			return
		}
		d := damerauDistance(a, b)
		if r := damerauDistance(b, a); r != d {
			t.Fatalf("damerauDistance(%q, %q) = %d but reversed %d", a, b, d, r)
		}
		if (d == 0) != (a == b) {
			t.Fatalf("damerauDistance(%q, %q) = %d", a, b, d)
		}
		if o := osaDistance(a, b, 100); d > o {
			t.Fatalf("damerauDistance(%q, %q) = %d above the OSA distance %d", a, b, d, o)
		}
		if d < abs(len(a)-len(b)) {
			t.Fatalf("damerauDistance(%q, %q) = %d below the length difference", a, b, d)
		}
	})
}

func TestArabicTranslations(t *testing.T) {
	// Every form of the table is one word once transliterated, so that a
	// query word can meet it.
	for _, term := range tab.arabicTerms {
		if k := normalizeWords(term[0]); len(k) != 1 {
			t.Errorf("arabic_terms.tsv %q transliterates to %q, want one word", term[0], k)
		}
	}
	for _, c := range []struct {
		word string // Arabic script
		want string // one of its translations, "" for none
	}{
		{"شبكة", "network"},
		{"الشبكة", "network"},   // the article
		{"والجهاد", ""},         // a name the lists transliterate (Jihad)
		{"للصرافة", "exchange"}, // for the
		{"الاسلامية", "islamic"},
		{"الإسلامية", "islamic"},
		{"القاعده", ""},
		{"الليبيه", "libyan"}, // ة written ه
		{"حقاني", ""},
	} {
		w := normalizeWords(c.word)
		if len(w) != 1 {
			t.Fatalf("%s: %q", c.word, w)
		}
		got := arabicTranslations(w[0])
		if c.want == "" && got != nil || c.want != "" && !slices.Contains(got, c.want) {
			t.Errorf("arabicTranslations(%q, %s) = %q, want %q", w[0], c.word, got, c.want)
		}
	}
}

package match_test

import (
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/lists/snapshot"
	"github.com/clearance-oss/clearance/match"
	"github.com/clearance-oss/clearance/match/eval"
)

var (
	indexOnce sync.Once
	index     *match.Index
)

// fullIndex is the index over the embedded default snapshot, built once.
func fullIndex(tb testing.TB) *match.Index {
	tb.Helper()
	indexOnce.Do(func() {
		s, err := snapshot.Default()
		if err != nil {
			tb.Fatal(err)
		}
		index = match.NewIndex(s.Entities)
	})
	if index == nil {
		tb.Fatal("no index")
	}
	return index
}

// TestExamples checks the cases the issue names, on the full snapshot.
func TestExamples(t *testing.T) {
	ix := fullIndex(t)
	for _, c := range []struct {
		query string
		want  string // substring of the expected entity's primary name (case-insensitive)
	}{
		{"Сбербанк России", "sberbank"},
		{"Владимир Путин", "putin, vladimir"},
		{"华为技术有限公司", "huawei technologies co"},
		{"華為技術有限公司", "huawei technologies co"}, // traditional characters
		{"大疆创新", "dji"},
		{"商汤科技", "sensetime"},
		{"Hik-Vision", "hikvision"},
		{"HikVision", "hikvision"},
		{"Hik Vision", "hikvision"},
		{"Hikvision Digital Technology", "hikvision"},
		{"Hangzhou Hikvisoin", "hikvision"},
		{"Hikvision", "hikvision"},
		{"MADURO MOROS, Nicolas", "maduro moros"},
		{"Nicolas Maduro", "maduro moros"},
		{"Zhejiang Dahua Technology Co., Ltd.", "dahua technology"},
		{"Tehran Gazprom Russkaya Holding, OOO", "gazprom russkaya"}, // a city and a generic word added
		{"Yevgeniy Prigozhin", "prigozhin"},
		{"Evgeny Prigozhin", "prigozhin"},
		{"رضایی حسین محمد", "rezaei, hossein"},   // Persian ض is z: not RA'D, Muhammad Hasan
		{"金正恩", "kim, jong un"},                  // hanja read as Korean, not jin zheng en
		{"Wali, Nur", "wali, noor"},              // a three-letter name in another romanisation
		{"Abd Alah Al Nasser", "al nasser"},      // written apart and romanised differently (Abdulah)
		{"व्लादिमीर पुतिन", "putin, vladimir"},   // Devanagari
		{"भ्लादिमिर पुटिन", "putin, vladimir"},   // Nepali writes v as bh
		{"ভ্লাদিমির পুতিন", "putin, vladimir"},   // so does Bengali
		{"ವ್ಲಾದಿಮಿರ್ ಪುತಿನ್", "putin, vladimir"}, // Kannada
		{"हाफ़िज़ सईद", "hafiz"},                 // a nukta letter: ज़ z
		{"ፊሊጶስ ወልደዮሃንስ", "woldeyohannes"},        // Ethiopic (Tigrinya)
		{"မင်းအောင်လှိုင်", "hlaing, min aung"},  // Burmese
		{"စိုးဝင်း", "win, soe"},
	} {
		ms := ix.Search(match.Query{Name: c.query, Explain: true})
		if len(ms) == 0 {
			t.Errorf("%q: no match", c.query)
			continue
		}
		if !strings.Contains(strings.ToLower(ms[0].Name), c.want) {
			t.Errorf("%q: first match %q (%.2f via %q), want %q", c.query, ms[0].Name, ms[0].Score, ms[0].MatchedName, c.want)
		}
	}
	for _, q := range []string{"Hangzhou Hikari Digital Technology", "Patricia Park", "General Electric Company", "Mike Lee"} {
		for _, m := range ix.Search(match.Query{Name: q}) {
			if strings.Contains(strings.ToLower(m.Name), "hikvision") || m.MatchedName == "PATRICIA" || strings.Contains(m.Name, "General Electronic") || m.MatchedName == "MEKELE" {
				t.Errorf("%q matched %q via %q at %.2f", q, m.Name, m.MatchedName, m.Score)
			}
		}
	}
}

// TestAliasReported checks that a hit through an alias says so.
func TestAliasReported(t *testing.T) {
	ms := fullIndex(t).Search(match.Query{Name: "Beijing Shangtang Technology Development Co., Ltd."})
	if len(ms) == 0 || !ms[0].Alias || !strings.Contains(ms[0].MatchedName, "Shangtang") || !strings.Contains(ms[0].Name, "Sensetime") {
		t.Fatalf("got %+v", ms)
	}
}

// TestExactIsOne checks that every listed name (of a sample) finds its
// entity at score 1.
func TestExactIsOne(t *testing.T) {
	ix := fullIndex(t)
	es := ix.Entities()
	for i := 0; i < len(es); i += 97 {
		e := &es[i]
		if strings.TrimSpace(match.Normalize(e.Name)) == "" {
			continue
		}
		ms := ix.Search(match.Query{Name: e.Name, Limit: -1})
		found := slices.ContainsFunc(ms, func(m clearance.Match) bool { return m.EntityID == e.ID && m.Score == 1 })
		if !found {
			t.Errorf("%q (%s): not found at 1.0 (%d matches)", e.Name, e.ID, len(ms))
		}
	}
}

// TestExplanationAddsUp checks that contributions and adjustments sum to
// the score, and that the explanation names the alias.
func TestExplanationAddsUp(t *testing.T) {
	ix := fullIndex(t)
	for _, q := range []match.Query{
		{Name: "Hangzhou Hikvisoin Digital Tech Co Ltd", Explain: true},
		{Name: "Vladimir V. Putin", Type: clearance.Person, Country: "RU", Explain: true},
		{Name: "Nicolas Maduro", Type: clearance.Organization, Explain: true, Threshold: 0.6},
		{Name: "PLA", Explain: true}, // acronym
		{Name: "Nikolai Plat Ono Vich Patrushev", Type: clearance.Person, Explain: true},              // three words joined
		{Name: "Tariq Anwar el Sayed Mohamed", Type: clearance.Person, Explain: true, Threshold: 0.5}, // substitution
		{Name: "Bill Johnson", Type: clearance.Person, Explain: true, Threshold: 0.5},                 // nickname
	} {
		ms := ix.Search(q)
		if len(ms) == 0 {
			t.Errorf("%q: no match", q.Name)
			continue
		}
		for _, m := range ms {
			x := m.Explanation
			if x == nil || x.Summary == "" || len(x.Alignments) == 0 {
				t.Fatalf("%q: no explanation", q.Name)
			}
			sum := 0.0
			for _, a := range x.Alignments {
				sum += a.Contribution
			}
			if math.Abs(sum-x.NameScore) > 1e-9 {
				t.Errorf("%q: contributions sum to %.6f, name score %.6f", q.Name, sum, x.NameScore)
			}
			total := x.NameScore
			for _, a := range x.Adjust {
				total += a.Delta
			}
			total = min(max(total, 0), 1)
			if math.Abs(total-m.Score) > 1e-9 {
				t.Errorf("%q: name score %.4f + adjustments = %.4f, score %.4f", q.Name, x.NameScore, total, m.Score)
			}
		}
	}
	ms := ix.Search(match.Query{Name: "Hangzhou Hikvision Digital Technology Co Ltd", Explain: true})
	if len(ms) == 0 || len(ms[0].Explanation.Ignored) == 0 || !strings.Contains(ms[0].Explanation.Ignored[0].Reason, "legal form") {
		t.Errorf("legal form not reported as ignored: %+v", ms)
	}
}

// TestFiltersAndEvidence checks list filters, the as-of date, and that type
// and country evidence never hide an exact name.
func TestFiltersAndEvidence(t *testing.T) {
	ix := fullIndex(t)
	for _, m := range ix.Search(match.Query{Name: "Hikvision", Lists: []clearance.ListCode{clearance.EL}}) {
		if m.List != clearance.EL {
			t.Errorf("list filter: got %s", m.List)
		}
	}
	ms := ix.Search(match.Query{Name: "PUTIN, Vladimir Vladimirovich", Type: clearance.Organization, Country: "US"})
	if len(ms) == 0 || ms[0].Score != 1 {
		t.Errorf("evidence hid an exact name: %+v", ms)
	}
	if ms := ix.Search(match.Query{Name: ""}); len(ms) != 0 {
		t.Errorf("empty query: %d matches", len(ms))
	}
	if ms := ix.Search(match.Query{Name: "Co., Ltd."}); len(ms) > 10 {
		t.Errorf("legal form only: %d matches", len(ms))
	}
}

// TestCompare checks scoring against a name outside the index.
func TestCompare(t *testing.T) {
	ix := fullIndex(t)
	m := ix.Compare(match.Query{Name: "Olaf Scholze"}, clearance.Entity{Name: "Olaf Scholz", Type: clearance.Person})
	if m.Score < match.DefaultThreshold {
		t.Errorf("Olaf Scholze / Olaf Scholz: %.2f", m.Score)
	}
	m = ix.Compare(match.Query{Name: "Angelo Cruz"}, clearance.Entity{Name: "Angela Merkel", Type: clearance.Person})
	if m.Score >= match.DefaultThreshold {
		t.Errorf("Angelo Cruz / Angela Merkel: %.2f", m.Score)
	}
	// A generic company word the query adds weighs half, but not where it
	// replaces a listed word, nor as a person's surname.
	for _, c := range []struct {
		q, listed string
		hit       bool
	}{
		{"Moscow Huawei Tech Investment Group Co., Ltd.", "Huawei Tech. Investment Co., Limited", true},
		{"China State Construction Equipment Corporation", "China State Construction Engineering Corporation", false},
		{"George Holding", "GORGE LIMITED", false},
	} {
		m := ix.Compare(match.Query{Name: c.q}, clearance.Entity{Name: c.listed, Type: clearance.Organization})
		if (m.Score >= match.DefaultThreshold) != c.hit {
			t.Errorf("%q / %q: %.2f, want a match: %v", c.q, c.listed, m.Score, c.hit)
		}
	}
	// Names in Arabic script against their listed Latin spelling (aliases
	// of UN entries): the article at a compound's split, Persian letters,
	// a compound with Allah, letters read one by one (طه, Taha).
	for _, c := range [][2]string{
		{"عبد الستار عبد المنان", "ABDUL SATAR ABDUL MANAN"},
		{"هدايت الله", "HIDAYATULLAH"},
		{"نور محمد ثاقب", "NOOR MOHAMMAD SAQIB"},
		{"فضل رحيم", "FAZAL RAHIM"},
		{"شمس الدین", "SHAMSUDDIN"},
		{"طه ياسين رمضان", "TAHA YASSIN RAMADAN"},
		{"عبدالخالق الحوثي", "ABD AL-KHALIQ AL-HOUTHI"},
		{"نجيب الله محمد جمعه", "NAJIBULLAH MUHAMMAD JUMA"},
		{"احمد بن حسن", "AHMAD BIN HASAN"},
		{"ប៉ុល ពត", "POL POT"},             // Khmer, by skeleton
		{"صالح قاسمي", "SALAH GASMI"},      // ق read g
		{"كوستنتن ول", "COSTANTEEN, Wael"}, // a Latin c written ك
		{"كريستوفر فينسنت", "Christopher Vincent"},
		{"فرانسيسكو اسكالون", "FRANCISCO ESCALON"}, // c read k before o, s before i
		// A compound with Allah opening with ع: "asmt allh".
		{"سید عصمت الله عاصم عبد القدوس", "SAYED ESMATULLAH ASEM ABDUL QUDDUS"},
		// Ta marbuta (ة) spelt -ah, solid with the article or a particle.
		{"جابر عبد الله جابر أحمد الجلاهمة", "JABER ABDALLAH JABER AHMAD AL-JALAHMAH"},
		{"رمزي محمد عبد الله بن الشيبة", "RAMZI MOHAMED ABDULLAH BINALSHIBH"},
		// "abd allh" is Abdullah, and يحيى is Yahya: the pair of words
		// does not take Abdullah Yahya.
		{"عبد الله يحيى الحاكم", "ABDULLAH YAHYA AL HAKIM"},
	} {
		m := ix.Compare(match.Query{Name: c[0], Type: clearance.Person, Explain: true}, clearance.Entity{Name: c[1], Type: clearance.Person})
		if m.Score < match.DefaultThreshold {
			t.Errorf("%s / %s: %.2f (%s)", c[0], c[1], m.Score, m.Explanation.Summary)
		}
	}
	for _, c := range [][2]string{
		{"هانيه محمدی", "KHANI, Mohammad"}, // Haniyeh is not Khani
		{"هانيه محمدی", "حنیف محمد"},       // nor Hanif (hnif) by the Persian reading
		{"شاام اوحيون", "SIM, Hyon Sop"},
		{"حسن بن احمد", "AHMAD BIN HASAN"}, // son and father swapped: بن is bin
	} {
		if m := ix.Compare(match.Query{Name: c[0]}, clearance.Entity{Name: c[1], Type: clearance.Person}); m.Score >= match.DefaultThreshold {
			t.Errorf("%s / %s: %.2f", c[0], c[1], m.Score)
		}
	}
}

// TestFirstGivenName: a query of two names that leaves out the listed
// person's first given name names someone else; leaving out middle names
// or giving the surname alone is a customer's shorthand.
func TestFirstGivenName(t *testing.T) {
	ix := fullIndex(t)
	ryan := clearance.Entity{Name: "RYAN, Damion Patrick", Type: clearance.Person}
	for q, hit := range map[string]bool{
		"Patrick Ryan":        false, // the listed middle name, not the given name
		"Damion Ryan":         true,
		"Damion Patrick Ryan": true,
		"RYAN, Damion":        true,
	} {
		if m := ix.Compare(match.Query{Name: q, Type: clearance.Person}, ryan); (m.Score >= match.DefaultThreshold) != hit {
			t.Errorf("%q / %q: %.2f, want a match: %v", q, ryan.Name, m.Score, hit)
		}
	}
	// Written without a comma, given name first; a courtesy title is not a name.
	m := ix.Compare(match.Query{Name: "Ilie Bolojan"}, clearance.Entity{Name: "Monsieur Ilie-Gabril Bolojan", Type: clearance.Person})
	if m.Score < match.DefaultThreshold {
		t.Errorf("Ilie Bolojan / Monsieur Ilie-Gabril Bolojan: %.2f", m.Score)
	}
}

// TestComparePhenomena checks one case of each name phenomenon the matcher
// handles by rule or table, with names other than the bench's where possible.
func TestComparePhenomena(t *testing.T) {
	ix := fullIndex(t)
	for _, c := range []struct {
		query, listed string
		match         bool
	}{
		{"Tom Hanssen", "Thomas Hanssen", true},                              // nickname (nicknames.tsv)
		{"Dantisev Yuriy Viktorovich", "DANILTSEV, Yuriy Viktorovich", true}, // a letter dropped beside a swapped pair
		{"Huawei Techn0logies", "HUAWEI TECHNOLOGIES CO., LTD.", true},       // 0 typed for o
		{"Rosneft Oi1 Company", "ROSNEFT OIL COMPANY", true},                 // 1 typed for l
		{"Sberbank 0f Russia", "SBERBANK OF RUSSIA", true},                   // … in a stop word
		{"1st International Bank", "First International Bank", true},         // an ordinal is a number, not lst
		{"Amold Schwarzenegger", "Arnold Schwarzenegger", true},              // rn read as m
		{"Sukamto", "Sukarno", true},                                         // … and a typo
		{"Джурджевна Рахманава", "RAKHMANAVA, Maryna Jurjewna", false},       // (a patronymic alone is not the name)
		{"Марына Джурджевна Рахманава", "RAKHMANAVA, Maryna Jurjewna", true}, // дж as dzh and j: one romanisation key
		{"Ferdinand Marquez", "Ferdinand Marcos", false},                     // but a short key is not enough
		{"رشيد طعان كاظم", "Rashid Taan Kathim", true},                       // ظ read th (dentalReadings)
		{"كاظم جواد", "KADHIM JAWAD", true},                                  // … dh
		{"عبدالحليم حافظ", "ABDELHALIM HAFED", true},                         // … d
		{"سلسلة الذهب", "SELSELAT AL-THAHAB", true},                          // ذ read th, joined to the article
		{"پویا رحیمی", "POUYA RAHIMI", true},                                 // a skeleton of one consonant, its long vowels in the listed spelling
		{"ميا الراوي", "MAYA AL-RAWI", true},
		{"روي حسن", "RAY HASSAN", false},                                              // w is not in Ray
		{"نوف علي", "NAWAY ALI", false},                                               // f is a consonant (نوف, Nouf)
		{"China Elecrtoncs Corporation", "China Electronics Corporation", true},       // a mistyped plural the index holds singular
		{"China Railway Constructors Corp", "China Railway Construction Corp", false}, // but not another word's plural
		{"Pyotr Kuznetsov", "Peter Kuznetsov", true},                                  // one given name in two languages
		{"Serhiy Viktorovych Lavrov", "LAVROV, Sergey Viktorovich", true},             // Ukrainian and Russian forms of one name
		{"Sergej Wiktorowitsch Lawrow", "LAVROV, Sergey Viktorovich", true},           // a patronymic in German romanisation
		{"Olena Volodymyrivna Zelenska", "ZELENSKA, Yelena Vladimirovna", true},       // … in Ukrainian: the father's name
		{"Sergey Ivanovich Lavrov", "LAVROV, Sergey Viktorovich", false},              // another father
		{"Yelena Viktorovna Petrova", "PETROVA, Yelena Vladimirovna", false},          // another father
		{"Vladimir Poutine", "Vladimir Putin", true},                                  // French -ine for Russian -in
		{"Michelle Steel", "Mechel Steel", false},                                     // but not any final e
		{"Jack Morales", "Juan Morales", false},                                       // a nickname is not another language's form
		{"Chiang Ching-kuo", "Jiang Jingguo", true},                                   // Wade-Giles (wade_giles.tsv)
		{"Chang Hsueh-liang", "Zhang Xueliang", true},                                 // Wade-Giles
		{"Su Wenhua", "Xu Wenhua", true},                                              // pinyin x, s, sh confused
		{"Andrej Selenin", "Andrey Zelenin", true},                                    // German/Czech transliteration
		{"Peter Smyrth", "Peter Smyth", true},                                         // a consonant typed into a short word
		{"Abdul Rahim Wardak Haqqani", "Abdul Rahim Wardak", true},                    // a fuller name: one trailing name more
		{"李明华", "李明辉", false},                                                         // another Han character, another name
		{"王石明", "王市明", false},                                                         // one pinyin (shi), another character and tone
		{"王國明", "王国明", true},                                                          // traditional and simplified forms of one character
		{"박정수", "박정우", false},                                                         // another Hangul syllable
		{"Karim Anwar Salem Yusuf", "Karim Anwar Salem Ali", false},                   // another known name in one place
		{"Mohamed Uld Salem", "Mohamed Ould Salem", true},                             // a vowel digraph at the start (ou/u)
		{"Lavrov Lavrov Sergey", "Sergey Lavrov", true},                               // a name typed twice
		{"Abdul Kabir Abdul Jan", "Abdul Kabir Mohammad Jan", false},                  // a repeated name in another's place
		{"Karim Tariq Salem Haddad", "Karim Haddad", true},                            // the whole listed name inside a fuller one
		{"Max L. Miller", "Lucy Miller", false},                                       // an initial does not confirm a listed name
		{"व्लादिमीर पुतिन", "Vladimir Putin", true},                                   // Indic scripts: the virama, vowel signs, Hindi schwa deletion
		{"नरेन्द्र मोदी", "Narendra Modi", true},
		{"इमरान ख़ान", "Imran Khan", true},
		{"ইমরান খান", "Imran Khan", true},
		{"শেখ হাসিনা", "Sheikh Hasina", true},
		{"ਅਮਰਿੰਦਰ ਸਿੰਘ", "Amarinder Singh", true},
		{"અમિત શાહ", "Amit Shah", true},
		{"முத்துவேல் கருணாநிதி ஸ்டாலின்", "Muthuvel Karunanidhi Stalin", true},
		{"చంద్రబాబు నాయుడు", "Chandrababu Naidu", true},
		{"ಬಸವರಾಜ ಬೊಮ್ಮಾಯಿ", "Basavaraj Bommai", true},
		{"പിണറായി വിജയൻ", "Pinarayi Vijayan", true},
		{"ዐቢይ አሕመድ", "Abiy Ahmed", true}, // Ethiopic
		{"ኢሳይያስ አፈወርቂ", "Isaias Afwerki", true},
		{"ዐቢይ አሕመድ", "Meles Zenawi", false},
		{"သန်းရွှေ", "Than Shwe", true}, // Burmese
		{"မင်းအောင်လှိုင်", "Than Shwe", false},
		{"राहुल गांधी", "Narendra Modi", false}, // other names
		{"व्लादिमीर पोतानिन", "Vladimir Putin", false},
		{"ইমরান খান", "Imran Hossain", false},
	} {
		m := ix.Compare(match.Query{Name: c.query, Type: clearance.Person}, clearance.Entity{Name: c.listed, Type: clearance.Person})
		if got := m.Score >= match.DefaultThreshold; got != c.match {
			t.Errorf("%s / %s: %.2f, want match %v", c.query, c.listed, m.Score, c.match)
		}
	}
}

// TestForeignNamesInHangulAndKana: a foreign name transcribed in katakana
// or Hangul finds its Latin spelling by its consonant skeleton (loan.go),
// while another foreign name and Korean names stay apart.
func TestForeignNamesInHangulAndKana(t *testing.T) {
	ix := fullIndex(t)
	for _, c := range []struct {
		query, listed string
		typ           clearance.EntityType
		match         bool
	}{
		{"ウラジーミル・プーチン", "PUTIN, Vladimir Vladimirovich", clearance.Person, true},
		{"블라디미르 푸틴", "PUTIN, Vladimir Vladimirovich", clearance.Person, true},
		{"セルゲイ・ラブロフ", "LAVROV, Sergey", clearance.Person, true},
		{"세르게이 라브로프", "LAVROV, Sergey", clearance.Person, true},
		{"セルゲイ・ショイグ", "SHOIGU, Sergey", clearance.Person, true},
		{"세르게이 쇼이구", "SHOIGU, Sergey", clearance.Person, true},
		{"ドミートリー・メドベージェフ", "MEDVEDEV, Dmitry", clearance.Person, true},
		{"드미트리 메드베데프", "MEDVEDEV, Dmitry", clearance.Person, true},
		{"アレクセイ・ナワリヌイ", "Alexei Navalny", clearance.Person, true},
		{"ガスプロム", "Gazprom", clearance.Organization, true},
		{"가스프롬", "Gazprom", clearance.Organization, true},
		{"ロスネフチ", "Rosneft", clearance.Organization, true},
		{"로스네프트", "Rosneft", clearance.Organization, true},
		{"ファーウェイ", "Huawei", clearance.Organization, true},
		{"화웨이", "Huawei", clearance.Organization, true},
		// Another foreign name: one consonant more or other vowels.
		{"ウラジーミル・プーチン", "POTANIN, Vladimir", clearance.Person, false},
		{"블라디미르 푸틴", "POTANIN, Vladimir", clearance.Person, false},
		{"セルゲイ・ラブロフ", "SHOIGU, Sergey", clearance.Person, false},
		{"トヨタ", "Tata", clearance.Organization, false},
		{"ガスプロム", "Gosprom", clearance.Organization, false}, // the skeleton alone: not enough for one word
		// Korean names are not read as transcriptions: their syllables
		// all read Han characters (수진 is s-s-n like Susan; 허서영 h-s-n
		// like Hassan), and a native name of two syllables (그루) spells
		// too short a skeleton.
		{"수진 김", "Susan Gimm", clearance.Person, false},
		{"허서영", "Hassan", clearance.Person, false},
		{"그루 이", "Gelro I", clearance.Organization, false},
	} {
		m := ix.Compare(match.Query{Name: c.query, Type: c.typ}, clearance.Entity{Name: c.listed, Type: c.typ})
		if got := m.Score >= match.DefaultThreshold; got != c.match {
			t.Errorf("%s / %s: %.2f, want match %v", c.query, c.listed, m.Score, c.match)
		}
	}
	for _, c := range []struct{ query, want string }{
		{"ウラジーミル・プーチン", "putin, vladimir"},
		{"블라디미르 블라디미로비치 푸틴", "putin, vladimir"},
		{"セルゲイ・ラブロフ", "lavrov, sergei"},
		{"드미트리 메드베데프", "medvedev, dmitry"},
	} {
		ms := ix.Search(match.Query{Name: c.query, Explain: true})
		if len(ms) == 0 || !strings.Contains(strings.ToLower(ms[0].Name), c.want) {
			t.Errorf("%q: first match %v, want %q", c.query, ms, c.want)
			continue
		}
		if x := ms[0].Explanation; !slices.ContainsFunc(x.Alignments, func(a clearance.TokenAlignment) bool { return a.Kind == "transliteration" }) {
			t.Errorf("%q: no transliteration in %+v", c.query, x.Alignments)
		}
	}
}

// TestCompareOrganisations: funds, trusts and vessels numbered in a series
// are siblings, flagged for a look below an exact match; a legal form spelt
// in letters is not taken for part of an acronym; a mistyped listed legal
// form is not a word of the name.
func TestCompareOrganisations(t *testing.T) {
	ix := fullIndex(t)
	for _, c := range []struct {
		query, listed string
		lo, hi        float64
	}{
		{"Carlyle Partners IV L.P.", "Carlyle Partners V L.P.", match.DefaultThreshold, 0.95},
		{"Morgan Stanley Capital Trust 2006-3", "Morgan Stanley Capital Trust 2007-3", match.DefaultThreshold, 0.95},
		{"Carlyle Partners V L.P.", "Carlyle Partners V LP", 1, 1},
		// A typo in the listed legal form, which the query spells right.
		{"Volga Rocket Works Joint Stock Company", "VOLGA ROCKET WORKS JOYNT STOCK COMPANY", 0.85, 0.95},
		// A misspelt legal word read corrected keeps the other mended
		// words (the 0 read as o).
		{"Volga R0cket Works Joint Stock Compan", "VOLGA ROCKET WORKS JOINT STOCK COMPANY", 1, 1},
	} {
		m := ix.Compare(match.Query{Name: c.query, Type: clearance.Organization}, clearance.Entity{Name: c.listed, Type: clearance.Organization})
		if m.Score < c.lo || m.Score > c.hi {
			t.Errorf("%s / %s: %.3f, want %.2f..%.2f", c.query, c.listed, m.Score, c.lo, c.hi)
		}
	}
	// A listed name that writes two names split by a slash is searched as
	// each; a legal form written with a slash (A/S) is not split.
	for _, c := range []struct {
		query, listed string
		hit           bool
	}{
		{"Al Qaida", "Al-Qa'ida/Islamic Army", true},
		{"Islamic Army", "Al-Qa'ida/Islamic Army", true},
		{"الاتحاد الاسلامي", "AL-ITIHAAD AL-ISLAMIYA / AIAI", true},
		{"Maersk", "A.P. Moller Maersk A/S", false},
		// Legal forms in Arabic script and Turkish weigh as legal forms.
		{"راحت لمتد", "RAHAT LTD.", true},
		{"شرکت سهامی خاص راحت", "RAHAT COMPANY", true},
		{"راحت ش.م.م", "RAHAT SARL", true},
		{"Trigron Lojistik Kargo Ltd. Şti.", "TRIGRON LOJISTIK KARGO LIMITED SIRKETI", true},
		// A word written apart or two written together: a legal form
		// is still recognised, a word still found in its longer form.
		{"AL-NASER AIRL INES", "AL-NASER AIRLINES", true},
		{"SBER VOSTOK LIMITED LIABILITY PARTN ERSHIP", "SBER VOSTOK LIMITED LIABILITY PARTNERSHIP", true},
		{"AKTSIO NERNOE OBSHCHESTVO BASHVZRYVTEKHNOLOGII", "AKTSIONERNOE OBSHCHESTVO BASHVZRYVTEKHNOLOGII", true},
		{"AKTSIONERNOEobshchestvo AST", "AKTSIONERNOE OBSHCHESTVO AST", true},
		{"FIRSTeast EXPORT BANK, P.L.C.", "FIRST EAST EXPORT BANK, P.L.C.", true}, // a number word written together
		{"Aerospaceone S.A.", "Aerospace One, S.A.", true},
		{"S Group Airinnes Ltd", "S. GROUP AIRLINES LTD", true}, // a typo in a word the index holds as "air"
		// The generic words of an Arabic-script name meet the English
		// words the list translates them by (arabic_terms.tsv); the
		// distinctive ones still decide.
		{"الجماعة الاسلامية المقاتلة الليبية", "LIBYAN ISLAMIC FIGHTING GROUP", true},
		{"الجماعة الاسلامية المقاتلة الليبية", "MOROCCAN ISLAMIC COMBATANT GROUP", false},
		{"شبكة حقاني", "HAQQANI NETWORK", true},
		{"شبكة حقاني", "HAQQANI TRADING", false},
		{"الدولة الإسلامية في العراق والشام - ليبيا", "ISLAMIC STATE IN IRAQ AND THE LEVANT - LIBYA", true},
		{"الدولة الإسلامية في العراق والشام - ليبيا", "ISLAMIC STATE IN IRAQ AND THE LEVANT - YEMEN", false},
	} {
		m := ix.Compare(match.Query{Name: c.query, Type: clearance.Organization}, clearance.Entity{Name: c.listed, Type: clearance.Organization})
		if (m.Score >= match.DefaultThreshold) != c.hit {
			t.Errorf("%s / %s: %.3f, want a match: %v", c.query, c.listed, m.Score, c.hit)
		}
	}
	// A translated word is shown as one; in a name, a word that is also a
	// generic word keeps the weight of the name (خيري: Khairi, not
	// "charitable").
	m := ix.Compare(match.Query{Name: "شبكة حقاني", Explain: true}, clearance.Entity{ID: "o", Name: "HAQQANI NETWORK", Type: clearance.Organization})
	if k := alignmentKinds(m)["network"]; k != "translation" {
		t.Errorf("شبكة / network aligned as %q, want translation", k)
	}
	for _, typ := range []clearance.EntityType{"", clearance.Person} {
		if m := ix.Compare(match.Query{Name: "خيري آل قصير", Type: typ}, clearance.Entity{Name: "GHASSIR, Ali", Type: clearance.Person}); m.Score >= match.DefaultThreshold {
			t.Errorf("خيري آل قصير (type %q) / GHASSIR, Ali: %.3f, want below the threshold", typ, m.Score)
		}
	}
	// The explanation says why the mistyped listed form weighs little.
	m = ix.Compare(match.Query{Name: "Volga Rocket Works Joint Stock Company", Explain: true}, clearance.Entity{ID: "o", Name: "VOLGA ROCKET WORKS JOYNT STOCK COMPANY", Type: clearance.Organization})
	kinds := alignmentKinds(m)
	if kinds["joynt"] != "legal_form" || kinds["stock"] != "legal_form" || kinds["volga"] != "exact" {
		t.Errorf("alignment kinds %v, want joynt and stock legal_form", kinds)
	}
	// In a person's name a letter is an initial, not a number.
	m = ix.Compare(match.Query{Name: "Ivan V Petrov", Type: clearance.Person, Explain: true}, clearance.Entity{Name: "Ivan Vi Petrov", Type: clearance.Person, ID: "p"})
	if m.Explanation != nil {
		for _, a := range m.Explanation.Alignments {
			if a.Kind == "series" {
				t.Errorf("person name aligned as a series: %+v", a)
			}
		}
	}
}

// TestLongQuery: a query of more content words than any listed name has is
// matched on its first 64 words, and the explanation names the rest.
func TestLongQuery(t *testing.T) {
	ix := fullIndex(t)
	q := "Hangzhou Hikvision Digital Technology " + strings.Repeat("alpha beta ", 40)
	ms := ix.Search(match.Query{Name: q, Explain: true, Threshold: 0.01})
	if len(ms) == 0 {
		t.Fatal("no match at all")
	}
	ignored := 0
	for _, ig := range ms[0].Explanation.Ignored {
		if strings.Contains(ig.Reason, "beyond the first 64 words") {
			ignored++
		}
	}
	if ignored != 84-64 {
		t.Errorf("%d words set aside as beyond the limit, want %d", ignored, 84-64)
	}
}

// FuzzSearch checks that no query panics or returns a score outside 0..1.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"Hikvision", "Сбербанк России", "华为技术有限公司", "MADURO MOROS, Nicolas", "a b c d e f g h i j", "Co Ltd LLC", "\x00\xff",
		"Blackstone Partners V L.P.", "Trust 2004-1", "Shoigu Shoigu Sergey", "Volga Joint Stock Company", "Mazixon GmbH & Co. KG", "Abd Alah Al Nasser",
		"블라디미르 블라디미로비치 푸틴", "ウラジーミル・プーチン", "세르게이 라브로프 LLC",
		"भ्लादिमिर पुटिन", "ইমরান খান", "ಬಸವರಾಜ ಬೊಮ್ಮಾಯಿ",
		"ዐቢይ አሕመድ", "မင်းအောင်လှိုင်",
		"Huawei Techn0logies 1st", "AKTSIONERNOEobshchestvo PARTN ERSHIP", "FIRSTeast Aerospaceone", "Elecrtoncs Airinnes",
		"الجماعة الاسلامية المقاتلة الليبية في العراق", "رشيد طعان كاظم الذهب", "پویا روي ميا", "Джурджевна Дзhurdzh"} {
		f.Add(s)
	}
	ix := fullIndex(f)
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range ix.Search(match.Query{Name: s, Explain: true, Threshold: 0.5}) {
			if m.Score < 0 || m.Score > 1 || m.Explanation == nil {
				t.Fatalf("%q: bad match %+v", s, m)
			}
		}
	})
}

// FuzzCompare scores arbitrary pairs: scores stay in 0..1, an explanation
// is always given, and the name score is what the contributions add up to.
func FuzzCompare(f *testing.F) {
	for _, p := range [][2]string{{"Blackstone Partners V L.P.", "Blackstone Partners VI L.P."}, {"Trust 2004-1", "Trust 2005-1"},
		{"Shoigu Shoigu Sergey", "Sergey Shoigu"}, {"Volga Joint Stock Company", "VOLGA JOYNT STOCK COMPANY"}, {"V I X", "ii iv 7"},
		{"Anjem Iftikhar Choudary", "Anjem Choudary"}, {"", "x"}, {"\xff", "co ltd"},
		{"ভ্লাদিমির পুতিন", "Vladimir Putin"}, {"इमरान ख़ान", "इमरान ख़ान"}, {"ዐቢይ አሕመድ", "Abiy Ahmed"}, {"သန်းရွှေ", "Than Shwe"},
		{"شبكة حقاني", "HAQQANI NETWORK"}, {"سلسلة الذهب", "SELSELAT AL-THAHAB"}, {"Sukamto 0f", "Sukarno of"}, {"Dantisev", "DANILTSEV"}} {
		f.Add(p[0], p[1], false)
	}
	ix := fullIndex(f)
	f.Fuzz(func(t *testing.T, q, listed string, person bool) {
		typ := clearance.Organization
		if person {
			typ = clearance.Person
		}
		m := ix.Compare(match.Query{Name: q, Type: typ, Explain: true}, clearance.Entity{ID: "x", Name: listed, Type: typ})
		if m.Score < 0 || m.Score > 1 || math.IsNaN(m.Score) {
			t.Fatalf("%q / %q: score %v", q, listed, m.Score)
		}
		if x := m.Explanation; x != nil {
			sum := 0.0
			for _, a := range x.Alignments {
				sum += a.Contribution
			}
			if math.Abs(sum-x.NameScore) > 1e-6 {
				t.Fatalf("%q / %q: contributions %v, name score %v", q, listed, sum, x.NameScore)
			}
		}
	})
}

// benchQueries is the query mix of the speed benchmarks: every generated
// variant (typos included) and the unlisted names, in a fixed order.
func benchQueries(b *testing.B, ix *match.Index) []string {
	b.Helper()
	var qs []string
	for _, s := range eval.GeneratedSets(ix, 1) {
		for _, c := range s.Cases {
			qs = append(qs, c.Query.Name)
		}
	}
	sets, err := eval.PublicSets(ix)
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range sets {
		if s.Name == eval.SetCongress || s.Name == eval.SetNegUS || s.Name == eval.SetYenteUN {
			for _, c := range s.Cases {
				qs = append(qs, c.Query.Name)
			}
		}
	}
	return qs
}

// BenchmarkSearch screens the query mix against the full snapshot and
// reports the median and 99th-percentile latency per query.
func BenchmarkSearch(b *testing.B) {
	ix := fullIndex(b)
	qs := benchQueries(b, ix)
	lat := make([]time.Duration, 0, len(qs))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lat = lat[:0]
		for _, q := range qs {
			t := time.Now()
			ix.Search(match.Query{Name: q})
			lat = append(lat, time.Since(t))
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
	b.ReportMetric(float64(len(qs)*b.N)/b.Elapsed().Seconds(), "queries/s")
}

// BenchmarkSearchTypos is BenchmarkSearch on typo queries only, including
// words that match no indexed word exactly.
func BenchmarkSearchTypos(b *testing.B) {
	ix := fullIndex(b)
	var qs []string
	for _, s := range eval.GeneratedSets(ix, 1) {
		if s.Name == eval.SetTypo1 || s.Name == eval.SetTypo2 {
			for _, c := range s.Cases {
				qs = append(qs, c.Query.Name)
			}
		}
	}
	lat := make([]time.Duration, 0, len(qs))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lat = lat[:0]
		for _, q := range qs {
			t := time.Now()
			ix.Search(match.Query{Name: q})
			lat = append(lat, time.Since(t))
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
}

// BenchmarkSearchParallel screens the query mix from all cores.
func BenchmarkSearchParallel(b *testing.B) {
	ix := fullIndex(b)
	qs := benchQueries(b, ix)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			ix.Search(match.Query{Name: qs[i%len(qs)]})
			i++
		}
	})
}

// BenchmarkBuild builds the index over the full snapshot.
func BenchmarkBuild(b *testing.B) {
	s, err := snapshot.Default()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		match.NewIndex(s.Entities)
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)*1e3, "ms/build")
}

// TestConcurrentSearch runs searches from several goroutines at once (the
// server does); run with -race.
func TestConcurrentSearch(t *testing.T) {
	ix := fullIndex(t)
	queries := []string{"Hangzhou Hikvisoin", "Сбербанк России", "Mohamed Ali", "华为技术有限公司", "Nicolas Maduro", "abd allh", "Joint Stpck Company Star"}
	want := make([]int, len(queries))
	for i, q := range queries {
		want[i] = len(ix.Search(match.Query{Name: q, Explain: true}))
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 20; k++ {
				i := (g + k) % len(queries)
				if got := len(ix.Search(match.Query{Name: queries[i], Explain: k%2 == 0})); got != want[i] {
					t.Errorf("%q: %d matches, want %d", queries[i], got, want[i])
				}
			}
		}()
	}
	wg.Wait()
}

// alignmentKinds maps each listed word of m's explanation to how it aligned.
func alignmentKinds(m clearance.Match) map[string]string {
	kinds := map[string]string{}
	if m.Explanation == nil {
		return kinds
	}
	for _, a := range m.Explanation.Alignments {
		if a.Listed != "" {
			kinds[a.Listed] = a.Kind
		}
	}
	return kinds
}

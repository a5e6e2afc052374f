package match

import "strings"

// patronymicSuffixes are the endings of an East Slavic patronymic (the
// father's given name and -ovich or -ovna: Vladimirovich, son of Vladimir)
// as the romanisations of other languages write them — French -ovitch,
// German -owitsch, Dutch -owitsj, Polish -owicz, Hungarian -ovics, Greek
// -ovits, Czech and Serbian -ovič, Romanian -ovici, Ukrainian -ovych,
// Belarusian -avich (-auna), Ukrainian -ivna, Arabic-script فيتش read "ufitsh" — with the lists'
// own -ovich and -ovna. Longest first: the first that fits is the suffix.
var patronymicSuffixes = []struct {
	suffix string
	female bool
}{
	{"owitsch", false}, {"ewitsch", false}, {"ovitsch", false},
	{"ovitch", false}, {"evitch", false}, {"owitch", false}, {"ewitch", false},
	{"ovitsj", false}, {"owitsj", false}, {"ewitsj", false},
	{"ufitsh", false}, {"ufitch", false}, {"ovitsh", false},
	{"owicz", false}, {"ewicz", false},
	{"ovics", false}, {"evics", false}, {"ovits", false}, {"evits", false},
	{"ovich", false}, {"evich", false}, {"ovych", false}, {"evych", false},
	{"avich", false}, {"ovici", false}, {"evici", false}, {"ufich", false},
	{"ovic", false}, {"evic", false},
	{"ovnaya", true}, {"ovna", true}, {"evna", true}, {"owna", true}, {"ewna", true}, {"avna", true},
	{"ivna", true}, {"auna", true}, {"euna", true},
}

// patronymic splits a word with a patronymic suffix into the father's
// given name it carries (the stem, three letters or more) and whether it
// is a daughter's form; ok is false for a word without one.
func patronymic(w string) (stem string, female, ok bool) {
	for _, s := range patronymicSuffixes {
		if len(w) >= len(s.suffix)+3 && strings.HasSuffix(w, s.suffix) {
			return w[:len(w)-len(s.suffix)], s.female, true
		}
	}
	return "", false, false
}

// patronymicSimilarity compares a query word and a listed word that are
// both patronymics by the father's names they carry, so that the suffix's
// romanisation does not count as edits: Vlagyimirovics (Hungarian) and
// Wladimirowitsj (Dutch) are Vladimirovich; Volodymyrovych (Ukrainian) is
// too, by the given names' line in nicknames.tsv. 0 when either is not a
// patronymic, the two differ in gender, or the fathers' names differ.
func patronymicSimilarity(q, l string) (float64, string) {
	qs, qf, ok := patronymic(q)
	if !ok {
		return 0, kindNone
	}
	ls, lf, ok := patronymic(l)
	if !ok || qf != lf {
		return 0, kindNone
	}
	if qs == ls {
		return patronymicSuffixSimilarity, kindTranslit
	}
	fq, fl := newForm(qs), newForm(ls)
	if s, _ := similarity(&fq, &fl, false); s > 0 {
		return s * patronymicSuffixSimilarity, kindTranslit
	}
	if sameGivenName(tab.nicknames[qs], tab.nicknames[ls]) {
		return nicknameSimilarity, kindNickname
	}
	return 0, kindNone
}

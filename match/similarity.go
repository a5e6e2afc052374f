package match

// Token similarity: the per-pair part of the score.

// Alignment kinds, as shown in explanations.
const (
	kindExact    = "exact"
	kindTypo     = "typo"
	kindPhonetic = "phonetic"
	kindInitial  = "initial"
	kindJoined   = "joined"
	kindNone     = "unmatched"
)

// Similarity parameters. The values were calibrated on the evaluation sets
// (see docs/matching.md); the names say what each one controls.
const (
	// typoPenaltyPerEdit scales an edit: similarity = 1 - typoPenaltyPerEdit*d/len.
	typoPenaltyPerEdit = 0.75
	// phoneticPenaltyPerEdit scales an edit between two words with one
	// phonetic key (Yevgeniy/Evgeny): they are romanisations of one name.
	phoneticPenaltyPerEdit = 0.5
	// initialSimilarity is what "V" earns against "Vladimir".
	initialSimilarity = 0.75
	// shortWord is the longest word that must match exactly (or as an
	// initial): one edit turns LTTE into Lotte and ABB into ABBA.
	shortWord = 3
)

// maxEdits is how many edits a word of length n may carry and still count as
// a typo: none for short words, one up to five letters, two from six.
func maxEdits(n int) int {
	switch {
	case n <= shortWord:
		return 0
	case n <= 5:
		return 1
	default:
		return 2
	}
}

// osaDistance is the optimal-string-alignment (restricted Damerau-
// Levenshtein) distance of a and b: insertions, deletions, substitutions and
// transpositions of adjacent letters each cost 1. It stops early and returns
// limit+1 once the distance must exceed limit.
func osaDistance(a, b string, limit int) int {
	la, lb := len(a), len(b)
	if la-lb > limit || lb-la > limit {
		return limit + 1
	}
	if la == 0 {
		return lb
	}
	if lb == 0 {
		return la
	}
	// Three rows of the dynamic-programming table, on the stack for names.
	var buf [3 * 64]int
	var prev2, prev, cur []int
	if lb+1 <= 64 {
		prev2, prev, cur = buf[0:lb+1], buf[64:64+lb+1], buf[128:128+lb+1]
	} else {
		prev2, prev, cur = make([]int, lb+1), make([]int, lb+1), make([]int, lb+1)
	}
	for j := 0; j <= lb; j++ {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[lb]
}

// isDigits reports whether w is all ASCII digits.
func isDigits(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w != ""
}

// similarity compares two normalised words and says how alike they are
// (0..1) and why. pa and pb are their phonetic keys. bothListed says that a
// is itself a word of the lists: then it is more likely a different word than
// a typo ("electric" is not a misspelt "electronic"), so it may differ by
// one edit only.
func similarity(a, b, pa, pb string, bothListed bool) (float64, string) {
	if a == b {
		return 1, kindExact
	}
	la, lb := len(a), len(b)
	shorter := min(la, lb)
	if shorter <= shortWord || isDigits(a) || isDigits(b) {
		// Short words and numbers: exact, or a single letter standing for
		// a word that starts with it.
		if (la == 1 && lb > 1 && b[0] == a[0]) || (lb == 1 && la > 1 && a[0] == b[0]) {
			return initialSimilarity, kindInitial
		}
		return 0, kindNone
	}
	longer := max(la, lb)
	edits := maxEdits(shorter)
	if bothListed {
		edits = min(edits, 1)
	}
	phonetic := pa == pb && len(pa) >= 2
	limit := edits
	if phonetic {
		limit = longer * 6 / 10
	}
	d := osaDistance(a, b, limit)
	edit := 0.0
	if d <= edits {
		edit = 1 - typoPenaltyPerEdit*float64(d)/float64(longer)
	}
	if phonetic && d <= limit {
		// Same sound skeleton: half the usual cost per edit.
		if p := 1 - phoneticPenaltyPerEdit*float64(d)/float64(longer); p > edit {
			return p, kindPhonetic
		}
	}
	if edit > 0 {
		return edit, kindTypo
	}
	return 0, kindNone
}

package match

import "strings"

// phoneticKey reduces a normalised word to a consonant skeleton that is the
// same across the usual romanisations of one name: Yevgeniy / Evgeny /
// Evgenii, Mohammad / Muhammad / Mohamed (and Arabic-script "محمد" → mhmd),
// Khalil / Halil, Abdul + "Abd al". Rules, in order:
//
//   - digraphs that spell one sound become one letter (sch, sh → s; tch,
//     ch → c; kh → h; ph → f; th → t; gh → g; ck, q → k; ts, tz → c;
//     x → ks), and j, zh, dzh, dj become g (Jamal/Gamal);
//   - vowels (a e i o u y) and v are dropped, except that a word starting with
//     a vowel keeps the marker "a" (v and w are semi-vowels across scripts:
//     Hebrew and Arabic vav, Cyrillic в, so Vladimir and "vldymyr" agree);
//   - doubled letters collapse (not across a dropped vowel).
//
// The key is a retrieval key and a similarity floor, never a match on its
// own: the scorer combines it with the spelling distance (see similarity).
func phoneticKey(w string) string { return consonantKey(w, true) }

// consonantKey is phoneticKey; tsDigraph says whether ts and tz are one
// sound (ц, Tsvetkov), which they are not in a word transliterated from
// Arabic script (انتصار, "antsar": Intissar).
func consonantKey(w string, tsDigraph bool) string {
	if w == "" {
		return ""
	}
	var b []byte
	s := w
	vowelGap := false
	for i := 0; i < len(s); {
		rest := s[i:]
		out, n := digraph(rest)
		switch {
		case n > 0:
		case tsDigraph && (strings.HasPrefix(rest, "ts") || strings.HasPrefix(rest, "tz")):
			out, n = 'c', 2
		default:
			n = 1
			switch c := rest[0]; c {
			case 'q':
				out = 'k'
			case 'j':
				out = 'g' // Jamal/Gamal, Arabic jim written g in Egypt, j elsewhere
			case 'x':
				b = append(b, 'k')
				out = 's'
			case '|':
				// between the letters of a script letter by letter (see
				// normalizeWordsWith): no digraph spans it.
			case 'a', 'e', 'i', 'o', 'u', 'y', 'v', 'w':
				if i == 0 {
					out = 'a'
				} else {
					vowelGap = true
				}
			default:
				out = c
			}
		}
		// Doubled letters collapse, but not across a vowel: David is "dd".
		if out != 0 {
			if len(b) == 0 || b[len(b)-1] != out || vowelGap {
				b = append(b, out)
			}
			vowelGap = false
		}
		i += n
	}
	return string(b)
}

// digraph reports the letter that a spelling at the start of rest writes
// as one sound (sch, sh → s; tch, ch → c; kh → h; zh, dzh, dj → g; …) and
// how many bytes it spans, or n == 0 when rest starts with none.
func digraph(rest string) (out byte, n int) {
	// Every digraph starts with one of these letters: most positions of a
	// word are ruled out by one byte instead of fourteen prefix tests
	// (this runs for every letter of every key).
	if len(rest) < 2 || strings.IndexByte("tdsckzpg", rest[0]) < 0 {
		return 0, 0
	}
	switch {
	case strings.HasPrefix(rest, "tsch"):
		out, n = 'c', 4
	case strings.HasPrefix(rest, "dzh"):
		out, n = 'g', 3
	case strings.HasPrefix(rest, "sch"):
		out, n = 's', 3
	case strings.HasPrefix(rest, "tch"):
		out, n = 'c', 3
	case strings.HasPrefix(rest, "sh"), strings.HasPrefix(rest, "sz"):
		out, n = 's', 2
	case strings.HasPrefix(rest, "ch"), strings.HasPrefix(rest, "cz"):
		out, n = 'c', 2
	case strings.HasPrefix(rest, "kh"):
		out, n = 'h', 2
	case strings.HasPrefix(rest, "zh"), strings.HasPrefix(rest, "dj"):
		out, n = 'g', 2
	case strings.HasPrefix(rest, "ph"):
		out, n = 'f', 2
	case strings.HasPrefix(rest, "th"):
		out, n = 't', 2
	case strings.HasPrefix(rest, "dh"):
		out, n = 'd', 2
	case strings.HasPrefix(rest, "gh"):
		out, n = 'g', 2
	case strings.HasPrefix(rest, "ck"):
		out, n = 'k', 2
	}
	return out, n
}

// romanKey reduces a normalised word to the spelling that differing
// romanisations of one name share: the digraphs of phoneticKey, and every
// run of vowels (a e i o u y) written as one "a" — Yevgeniy, Evgeny and
// Evgenii become "avgan", Mohamed and Muhammad "mahamad". Unlike the
// consonant skeleton it keeps where vowels are, so Mahmoud ("mahmad") and
// Mohamed stay apart.
func romanKey(w string) string {
	if len(w) >= 6 && strings.HasSuffix(w, "ine") {
		// French writes Russian -in as -ine, with a silent e: Poutine,
		// Prigojine, Staline (Putin, Prigozhin, Stalin).
		w = w[:len(w)-1]
	}
	b := make([]byte, 0, len(w))
	for i := 0; i < len(w); {
		rest := w[i:]
		out, n := digraph(rest)
		switch {
		case n > 0:
		default:
			n = 1
			switch c := rest[0]; c {
			case 'q':
				out = 'k'
			case 'j':
				out = 'g'
			case 'w':
				out = 'v'
			case 'x':
				b = append(b, 'k')
				out = 's'
			case 'c':
				out = 'k'
			case 'a', 'e', 'i', 'o', 'u', 'y':
				out = 'a'
			case 'z':
				// German and Dutch write Russian and Ukrainian з as s
				// (Selenskyj, Sacharow): one letter in long names, where
				// it does not merge short distinct ones (Zaid, Said).
				if len(w) >= 7 {
					out = 's'
				} else {
					out = c
				}
			default:
				out = c
			}
		}
		if rest == "j" && i > 0 && isVowel(w[i-1]) {
			out = 'a' // a final -yj, -ij (й in German, Polish, Czech spelling) is -y, -i
		}
		if len(b) == 0 || b[len(b)-1] != out {
			b = append(b, out)
		}
		i += n
	}
	return string(b)
}

// collapsed writes every run of one letter in a key once: "gll" → "gl". An
// abjad spelling drops the short vowel between two equal consonants
// (جلالی, Jalali), so its skeleton is compared collapsed too.
func collapsed(key string) string {
	b := make([]byte, 0, len(key))
	for i := 0; i < len(key); i++ {
		if i == 0 || key[i] != key[i-1] {
			b = append(b, key[i])
		}
	}
	return string(b)
}

// abjadKey is the consonant skeleton under which a word written in Arabic
// script (or Hebrew, Thai) meets its Latin spelling: those scripts have no
// p or v and write them b and f (بوتين, Putin; فلاديمير, Vladimir), so b
// and p, f (and ph) and v count as one, then phoneticKey applies (with ts as two
// letters: ت and س), c (ch, French c) inside a word is s, and doubled
// letters collapse.
func abjadKey(w string) string {
	b := []byte(strings.ReplaceAll(w, "ph", "f")) // Christopher, كريستوفر
	for i, c := range b {
		switch c {
		case 'b':
			b[i] = 'p'
		case 'f':
			b[i] = 'v'
		case 'c':
			// A c inside a word that is not part of ch, ck or cz is the k
			// or s it sounds: k before a, o, u, a consonant or at the end
			// (Francisco, فرانسيسكو; Escalon; McGovern), s before e, i, y
			// (Vincent, فنسنت).
			if i == 0 || i+1 < len(b) && strings.IndexByte("hkz", b[i+1]) >= 0 {
				break
			}
			if i+1 < len(b) && strings.IndexByte("eiy", b[i+1]) >= 0 {
				b[i] = 's'
			} else {
				b[i] = 'k'
			}
		}
	}
	k := []byte(consonantKey(string(b), false))
	for i, c := range k {
		if c == 'c' && i > 0 {
			k[i] = 's' // French ch and c for ش and س inside a word: Akkacha, Lounici
		}
	}
	if len(k) > 0 && k[0] == 'c' && len(w) > 1 {
		// A first c is the k or s that Arabic script writes ك or س:
		// Costanteen (كوستنتن), Christopher (كريستوفر), Cesar (سيزار).
		// A first ch before a vowel stays: French ش (Cherif) or English
		// تش (Charles).
		switch {
		case strings.IndexByte("aoulr", w[1]) >= 0, strings.HasPrefix(w, "chr"), strings.HasPrefix(w, "chl"):
			k[0] = 'k'
		case strings.IndexByte("eiy", w[1]) >= 0:
			k[0] = 's'
		}
	}
	return collapsed(string(k))
}

package csvcell

import "testing"

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "",
		"Hikvision":                "Hikvision",
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+7 495 000 00 00":         "'+7 495 000 00 00",
		"-1+1":                     "'-1+1",
		"@SUM(A1)":                 "'@SUM(A1)",
		"\t=1":                     "'\t=1",
		"\r=1":                     "'\r=1",
		"a=1":                      "a=1",
		"'already quoted":          "'already quoted",
		"Зарубежнефть":             "Зарубежнефть",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

package batch

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	clearance "github.com/clearance-oss/clearance"
)

// addSeeds adds every testdata file with the given extension to the corpus.
func addSeeds(f *testing.F, ext string) {
	files, _ := filepath.Glob("testdata/*" + ext)
	if len(files) == 0 {
		f.Fatalf("no testdata/*%s seed files", ext)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// checkRows reads r to the end and checks what every reader promises: no
// panic, and each row it returns is valid (non-empty name, known type,
// empty or two-letter upper-case country).
func checkRows(t *testing.T, r Reader) {
	defer r.Close()
	for n := 0; n < 1_000_000; n++ {
		row, err := r.Read()
		if err == io.EOF || err != nil {
			return
		}
		if row.Name == "" || row.Line < 2 {
			t.Fatalf("invalid row %+v", row)
		}
		switch row.Type {
		case clearance.Unknown, clearance.Person, clearance.Organization, clearance.Vessel, clearance.Aircraft:
		default:
			t.Fatalf("row %+v: type %q", row, row.Type)
		}
		if c := row.Country; c != "" && (len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z') {
			t.Fatalf("row %+v: country %q", row, c)
		}
	}
	t.Fatal("reader did not stop")
}

func FuzzCSVReader(f *testing.F) {
	addSeeds(f, ".csv")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := OpenReader("fuzz.csv", bytes.NewReader(b))
		if err != nil {
			return
		}
		checkRows(t, r)
	})
}

func FuzzXLSXReader(f *testing.F) {
	addSeeds(f, ".xlsx")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := OpenReader("fuzz.xlsx", bytes.NewReader(b))
		if err != nil {
			return
		}
		checkRows(t, r)
	})
}

// TestDeclaredSizeCap: the fuzzer's corrupt workbook declares 2.4 GB of
// parts; it must be refused before excelize allocates them.
func TestDeclaredSizeCap(t *testing.T) {
	b, err := os.ReadFile("testdata/fuzz/FuzzXLSXReader/9d61b143c7043e95")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i, j := strings.Index(s, "[]byte("), strings.LastIndex(s, ")")
	if i < 0 || j < i {
		t.Fatal("unexpected corpus file format")
	}
	workbook, err := strconv.Unquote(s[i+len("[]byte(") : j])
	if err != nil {
		t.Fatal(err)
	}
	_, err = OpenReader("hostile.xlsx", strings.NewReader(workbook))
	if err == nil || !strings.Contains(err.Error(), "parts declare 2382383658 bytes") {
		t.Errorf("err %v, want the declared-size refusal", err)
	}
}

package snapshot

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	clearance "github.com/clearance-oss/clearance"
)

func loadDefault(t testing.TB) *Snapshot {
	t.Helper()
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The committed snapshot is exactly what the builder makes from the
// committed inputs: nobody edits it by hand, and nobody forgets to rebuild.
func TestCommittedSnapshotIsBuilt(t *testing.T) {
	if testing.Short() {
		t.Skip("rebuilds the snapshot (about 2 s)")
	}
	built, report, err := Build(os.DirFS("../../data/sources"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + report.String())
	s := loadDefault(t)
	if built.Version != s.Version {
		t.Fatalf("committed snapshot %s, built %s: run `go run ./lists/snapshot/cmd/build` and commit lists/snapshot/data", s.Version, built.Version)
	}
	if v, err := ContentVersion(s.Sources, s.Entities); err != nil || v != s.Version {
		t.Fatalf("committed snapshot content hashes to %s (err %v), claims %s", v, err, s.Version)
	}
	manifest, err := os.ReadFile("data/" + ManifestDataFile)
	if err != nil {
		t.Fatal(err)
	}
	// The committed manifest is the committed snapshot's, and but for
	// BuiltAt the built snapshot's.
	want := ManifestOf(s)
	committed, err := DefaultManifest()
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := json.MarshalIndent(want, "", "  ")
	if !bytes.Equal(bytes.TrimSpace(manifest), wantJSON) {
		t.Errorf("data/%s is not the manifest of the committed snapshot: rebuild", ManifestDataFile)
	}
	builtManifest := ManifestOf(built)
	builtManifest.BuiltAt = committed.BuiltAt
	if !reflect.DeepEqual(*committed, builtManifest) {
		t.Errorf("data/%s differs from the built snapshot's manifest: rebuild", ManifestDataFile)
	}
}

func TestDefaultCounts(t *testing.T) {
	s := loadDefault(t)
	if again := loadDefault(t); again != s {
		t.Error("Default decoded the snapshot twice")
	}
	want := map[clearance.ListCode]int{
		clearance.SDN: 19181, clearance.EL: 3420, clearance.DTC: 787, clearance.SSI: 286,
		clearance.UVL: 222, clearance.ISN: 161, clearance.PLC: 78, clearance.MEU: 70, clearance.CMIC: 68,
		clearance.MBS: 51, clearance.CAP: 1,
		// The CSL's 1,596 DPL rows (every official DPL row has a CSL
		// partner); UN and MIEU from their own files.
		clearance.DPL: 1596, clearance.UN: 1003, clearance.MIEU: 13,
	}
	got := s.Counts()
	for code, n := range want {
		if got[code] != n {
			t.Errorf("%s: %d entities, want %d", code, got[code], n)
		}
	}
	for code, n := range got {
		if _, ok := want[code]; !ok {
			t.Errorf("unexpected list %s with %d entities", code, n)
		}
	}
}

func TestDefaultIDsUnique(t *testing.T) {
	s := loadDefault(t)
	seen := map[string]bool{}
	for _, e := range s.Entities {
		if e.ID == "" || seen[e.ID] {
			t.Fatalf("id %q empty or repeated (%s %q)", e.ID, e.List, e.Name)
		}
		seen[e.ID] = true
		if !strings.HasPrefix(e.ID, strings.ToLower(string(e.List))+"-") {
			t.Errorf("id %q does not start with its list %s", e.ID, e.List)
		}
	}
}

func findEntity(s *Snapshot, list clearance.ListCode, name string) *clearance.Entity {
	for i := range s.Entities {
		if s.Entities[i].List == list && s.Entities[i].Name == name {
			return &s.Entities[i]
		}
	}
	return nil
}

func TestDefaultHikvision(t *testing.T) {
	s := loadDefault(t)
	const name = "Hangzhou Hikvision Digital Technology Co., Ltd."
	el := findEntity(s, clearance.EL, name)
	if el == nil {
		t.Fatal("Hikvision not on the EL")
	}
	if el.ListedOn != "2019-10-09" {
		t.Errorf("EL ListedOn = %q, want 2019-10-09 (84 FR 54004)", el.ListedOn)
	}
	if el.ListedAsOf("2019-10-08") || !el.ListedAsOf("2019-10-09") {
		t.Error("Hikvision must be listed from 2019-10-09 on, not before")
	}
	if el.LicenseRequirement != "For all items subject to the EAR. (See §744.11 of the EAR)" {
		t.Errorf("LicenseRequirement = %q", el.LicenseRequirement)
	}
	if !strings.HasPrefix(el.LicensePolicy, "Case-by-case review for ECCNs 1A004.c, 1A004.d, 1A995") ||
		!strings.HasSuffix(el.LicensePolicy, "presumption of denial for all other items subject to the EAR.") {
		t.Errorf("LicensePolicy = %q", el.LicensePolicy)
	}
	if len(el.Addresses) != 3 || el.Addresses[0].Full != "No. 555 Qianmo Road, Binjiang District, Hangzhou 310052, China" {
		t.Errorf("Addresses = %+v", el.Addresses)
	}
	var cites []string
	for _, c := range el.Citations {
		cites = append(cites, c.Cite+"@"+c.Date)
	}
	if got := strings.Join(cites, " "); got != "84 FR 54004@2019-10-09 85 FR 34505@2020-06-05 85 FR 44161@2020-07-22 84 FR 54002@ 85 FR 44159@" {
		t.Errorf("citations = %s", got)
	}
	if el.Type != clearance.Organization || !el.TypeInferred {
		t.Errorf("Type = %s (inferred %v), want an inferred organization", el.Type, el.TypeInferred)
	}
	if el.ID != "el-cn-"+el.ID[len("el-cn-"):] {
		t.Errorf("ID = %q", el.ID)
	}
	cmic := findEntity(s, clearance.CMIC, name)
	if cmic == nil {
		t.Fatal("Hikvision not on the CMIC list")
	}
	if cmic.ID != "cmic-30946" || cmic.Type != clearance.Organization || cmic.TypeInferred || cmic.Programs[0] != "CMIC-EO13959" {
		t.Errorf("CMIC entry = %+v", *cmic)
	}
}

func TestDefaultSources(t *testing.T) {
	s := loadDefault(t)
	src, ok := s.Source("csl")
	if !ok || src.Count != 25921 || src.AsOf != "2026-07-31" ||
		!strings.HasPrefix(src.SHA256, "4cb2be849d976ae3") { // sha256 of the file as published (data/sources/SOURCE.txt)
		t.Errorf("csl source = %+v", src)
	}
	el, ok := s.Source("bis-entity-list")
	if !ok || el.Count != 3409 || el.AsOf != "2026-07-09" || len(el.SHA256) != 64 {
		t.Errorf("bis-entity-list source = %+v", el)
	}
	var elSummary *ListSummary
	for _, ls := range s.Lists() {
		if ls.Code == clearance.EL {
			elSummary = &ls
		}
	}
	if elSummary == nil || elSummary.Entries != 3420 || elSummary.AsOf != "2026-07-31" ||
		strings.Join(elSummary.Sources, ",") != "csl,bis-entity-list" {
		t.Errorf("EL summary = %+v", elSummary)
	}
}

func TestDecodeRejects(t *testing.T) {
	var buf bytes.Buffer
	dup := &Snapshot{Version: "x", Entities: []clearance.Entity{
		{ID: "el-a", List: clearance.EL, Name: "A"}, {ID: "el-a", List: clearance.EL, Name: "B"},
	}}
	if err := Encode(&buf, dup); err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(&buf); err == nil || !strings.Contains(err.Error(), "share id el-a") {
		t.Errorf("duplicate ids: err %v", err)
	}
	if _, err := Decode(strings.NewReader("not gzip")); err == nil {
		t.Error("Decode accepted garbage")
	}
}

// BenchmarkLoadDefault measures decoding the embedded snapshot, which is
// what the first call of Default costs at start-up.
func BenchmarkLoadDefault(b *testing.B) {
	b.ReportAllocs()
	var n int
	for b.Loop() {
		s, err := Decode(bytes.NewReader(defaultGz))
		if err != nil {
			b.Fatal(err)
		}
		n = len(s.Entities)
	}
	b.ReportMetric(float64(n), "entities")
	b.ReportMetric(float64(len(defaultGz)), "embedded-bytes")
}

// A DPL order: the CSL row (one per party and order, countries only) is
// completed from the four official rows (one per address).
func TestDefaultDPLMerge(t *testing.T) {
	s := loadDefault(t)
	e := findEntity(s, clearance.DPL, "MANSOUR MOGHTADERI ZADEH")
	if e == nil {
		t.Fatal("MANSOUR MOGHTADERI ZADEH not on the DPL")
	}
	if e.ListedOn != "2017-08-10" || e.EndDate != "2026-12-14" || e.StandardOrder != "Standard" {
		t.Errorf("dates/order = %q..%q %q, want 2017-08-10..2026-12-14 Standard", e.ListedOn, e.EndDate, e.StandardOrder)
	}
	if len(e.Addresses) != 4 || strings.Join(e.Countries, ",") != "CY,US" {
		t.Errorf("addresses %d, countries %v; want 4 and CY,US", len(e.Addresses), e.Countries)
	}
	if len(e.Citations) != 1 || e.Citations[0].Cite != "82 FR 39105" || e.Citations[0].Date != "2017-08-17" {
		t.Errorf("citations = %+v", e.Citations)
	}
	if e.Type != clearance.Person || e.Remarks != "" {
		t.Errorf("type %s, remarks %q", e.Type, e.Remarks)
	}
	if !e.ListedAsOf("2026-12-14") || e.ListedAsOf("2026-12-15") {
		t.Error("the order must end after 2026-12-14")
	}
	// An order the 2026 file no longer names, which the 2023 dpl.txt shows
	// expiring in 2024: dated and ended.
	globe := findEntity(s, clearance.DPL, "GLOBE COMPUTERS")
	if globe == nil || globe.ListedOn != "1989-03-02" || globe.EndDate != "2024-03-02" ||
		globe.Remarks != "Not in the BIS Denied Persons List file dpl_04142026.csv; the 2023 DPL file (dpl.txt) gives the order as expiring on 2024-03-02." {
		t.Errorf("GLOBE COMPUTERS = %+v", globe)
	}
	if globe != nil && (!globe.ListedAsOf("2024-03-02") || globe.ListedAsOf("2024-03-03")) {
		t.Error("GLOBE COMPUTERS must be listed until 2024-03-02 only")
	}
	var ended int
	for _, e := range s.Entities {
		if e.List == clearance.DPL && strings.Contains(e.Remarks, "gives the order as expiring") {
			ended++
		}
	}
	if ended != 168 {
		t.Errorf("%d DPL orders ended from the 2023 file, want 168", ended)
	}
	// A CSL DPL row whose party neither DPL file names keeps its CSL data
	// and says so.
	old := findEntity(s, clearance.DPL, "KATSUTA KEISUKE")
	if old == nil || !strings.HasPrefix(old.Remarks, "Not in the BIS Denied Persons List file dpl_04142026.csv") || old.EndDate != "" {
		t.Errorf("KATSUTA KEISUKE = %+v", old)
	}
}

func TestDefaultUN(t *testing.T) {
	s := loadDefault(t)
	e := findEntity(s, clearance.UN, "BUTEMBO AIRLINES (BAL)")
	if e == nil {
		t.Fatal("BUTEMBO AIRLINES not on the UN list")
	}
	if e.ID != "un-cde.002" || e.ListedOn != "2007-03-29" || e.Type != clearance.Organization || e.Programs[0] != "DRC" {
		t.Errorf("UN entry = %+v", *e)
	}
	src, ok := s.Source("un-sc")
	if !ok || src.Count != 1003 || src.AsOf != "2026-02-27" {
		t.Errorf("un-sc source = %+v", src)
	}
}

func TestDefaultMEUAndMIEU(t *testing.T) {
	s := loadDefault(t)
	var enriched int
	for _, e := range s.Entities {
		if e.List == clearance.MEU && len(e.ListedOn) == 10 && len(e.Addresses) > 0 {
			enriched++
		}
	}
	if enriched != 70 {
		t.Errorf("%d of 70 MEU entries have a listing date and address from Supp. No. 7", enriched)
	}
	gru := findEntity(s, clearance.MIEU, "Main Intelligence Directorate")
	if gru == nil || gru.Aliases[0] != "GRU" || gru.ListedOn != "2021-03-16" || gru.Countries[0] != "RU" || !strings.HasPrefix(gru.ID, "mieu-ru-") {
		t.Errorf("GRU on MIEU = %+v", gru)
	}
}

// BenchmarkLoadDefaultAsJSON decodes the same snapshot from gzip'd JSON:
// the alternative to gob that Encode's comment compares against.
func BenchmarkLoadDefaultAsJSON(b *testing.B) {
	s := loadDefault(b)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(s); err != nil {
		b.Fatal(err)
	}
	zw.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		zr, err := gzip.NewReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		var out Snapshot
		if err := json.NewDecoder(zr).Decode(&out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "embedded-bytes")
}

func FuzzDecode(f *testing.F) {
	// Seeds: a real snapshot's first entities, re-encoded, and garbage.
	s := loadDefault(f)
	var buf bytes.Buffer
	small := &Snapshot{Version: s.Version, BuiltAt: s.BuiltAt, Sources: s.Sources, Entities: s.Entities[:20]}
	if err := Encode(&buf, small); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Decode(bytes.NewReader(data))
		if err == nil && got.Check() != nil {
			t.Fatal("Decode returned a snapshot that fails Check")
		}
	})
}

func TestBuildRejectsBadManifest(t *testing.T) {
	tests := []struct{ name, manifest, want string }{
		{"unknown id", `[{"id":"x","path":"p","file":"f","url":"u","as_of":"2026-01-01"}]`, `source "x": no build step`},
		{"missing url", `[{"id":"csl","path":"p","file":"f","as_of":"2026-01-01"}]`, `source 0: id, path, file, url and as_of are required`},
		{"bad date", `[{"id":"csl","path":"p","file":"f","url":"u","as_of":"31/07/2026"}]`, `field "as_of"`},
		{"enrich first", `[{"id":"bis-entity-list","path":"p","file":"f","url":"u","as_of":"2026-07-09","enriches":["EL"]}]`, `enriches EL, but no earlier source provides it`},
		{"missing file", `[{"id":"csl","path":"nope.json","file":"f","url":"u","as_of":"2026-07-31"}]`, `source "csl": open nope.json`},
	}
	tests = append(tests, struct{ name, manifest, want string }{"side file alone",
		`[{"id":"ofac-sdn-add","path":"add.csv","file":"add.csv","url":"u","as_of":"2026-06-02"}]`,
		`side file "ofac-sdn-add" has no main file after it`})
	for _, tt := range tests {
		dir := fstest.MapFS{ManifestFile: {Data: []byte(tt.manifest)}, "add.csv": {Data: []byte("36,25,\"Street\",\"City\",\"Cuba\",-0- \r\n")}}
		_, _, err := Build(dir, time.Now())
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestCheckShrink(t *testing.T) {
	old := &Manifest{Version: "a", Counts: map[clearance.ListCode]int{clearance.EL: 3420, clearance.SDN: 19181, clearance.CAP: 1}}
	ok := &Manifest{Version: "b", Counts: map[clearance.ListCode]int{clearance.EL: 1710, clearance.SDN: 19000, clearance.CAP: 1}}
	if err := CheckShrink(old, ok); err != nil {
		t.Errorf("EL at exactly half: %v", err)
	}
	bad := &Manifest{Version: "c", Counts: map[clearance.ListCode]int{clearance.EL: 1709, clearance.SDN: 19181}}
	err := CheckShrink(old, bad)
	if err == nil || !strings.Contains(err.Error(), "CAP 1 → 0, EL 3420 → 1709") {
		t.Errorf("err = %v", err)
	}
}

// OFAC's own files complete the CSL's SDN rows by entity number.
func TestDefaultOFACMerge(t *testing.T) {
	s := loadDefault(t)
	assad := findEntity(s, clearance.SDN, "AL-ASSAD, Bashar")
	if assad == nil {
		t.Fatal("AL-ASSAD, Bashar not on the SDN list")
	}
	if assad.ID != "sdn-12735" || strings.Join(assad.BirthDates, ",") != "1965-09-11" ||
		assad.Title != "President of the Syrian Arab Republic" || !strings.Contains(assad.Remarks, "POB Damascus, Syria") {
		t.Errorf("AL-ASSAD = %+v", *assad)
	}
	if len(assad.Addresses) == 0 || assad.Addresses[0].City != "Damascus" || assad.Addresses[0].Country != "SY" {
		t.Errorf("AL-ASSAD addresses = %+v", assad.Addresses)
	}
	if src, ok := s.Source("ofac-sdn"); !ok || src.Count != 14965 || src.AsOf != "2024-05-03" {
		t.Errorf("ofac-sdn source = %+v", src)
	}
	var withDOB int
	for _, e := range s.Entities {
		if e.List == clearance.SDN && len(e.BirthDates) > 0 {
			withDOB++
		}
	}
	// Measured on the committed inputs; entries listed after the
	// 2024-05-03 sdn.csv have none (the CSL re-encoding carries no dates).
	if withDOB != 6109 {
		t.Errorf("%d SDN entries have a birth date, want 6109", withDOB)
	}
}

// The DDTC exports date the CSL's ITAR-debarred rows.
func TestDefaultDTCMerge(t *testing.T) {
	s := loadDefault(t)
	e := findEntity(s, clearance.DTC, "Edwin Acety")
	if e == nil {
		t.Fatal("Edwin Acety not on the DTC list")
	}
	if e.ListedOn != "2018-04-25" || strings.Join(e.BirthDates, ",") != "1975-11" || e.Type != clearance.Person ||
		len(e.Citations) != 1 || e.Citations[0].Cite != "83 FR 18112" || e.Citations[0].Date != "2018-04-25" {
		t.Errorf("Edwin Acety = %+v", *e)
	}
	var dated int
	for _, e := range s.Entities {
		if e.List == clearance.DTC && len(e.ListedOn) == 10 {
			dated++
		}
	}
	if dated != 782 {
		t.Errorf("%d DTC entries have a listing date, want 782 (774 statutory + 8 administrative merges)", dated)
	}
}

// The 2022 official CSL locates UVL rows and dates ISN rows.
func TestDefaultCSL2022Fill(t *testing.T) {
	s := loadDefault(t)
	uvl := findEntity(s, clearance.UVL, "AECC South Industry Co. Ltd")
	if uvl == nil || len(uvl.Addresses) == 0 || !strings.Contains(uvl.Addresses[0].Full, "Zhuzhou, Hunan Province") {
		t.Errorf("UVL AECC South Industry = %+v", uvl)
	}
	isn := findEntity(s, clearance.ISN, "Nahum Manbar")
	if isn == nil || isn.ListedOn != "1994-07-16" {
		t.Errorf("ISN Nahum Manbar = %+v", isn)
	}
	var uvlLocated, isnDated int
	for _, e := range s.Entities {
		if e.List == clearance.UVL && hasStreetAddress(e.Addresses) {
			uvlLocated++
		}
		if e.List == clearance.ISN && len(e.ListedOn) == 10 {
			isnDated++
		}
	}
	if uvlLocated != 133 || isnDated != 123 {
		t.Errorf("%d UVL rows with a street address, %d ISN rows dated; want 133 and 123", uvlLocated, isnDated)
	}
}

// The coverage figures docs/snapshot.md quotes: entities per list with a
// full listing date, and with a street address.
func TestDefaultCoverage(t *testing.T) {
	s := loadDefault(t)
	dated := map[clearance.ListCode]int{}
	located := map[clearance.ListCode]int{}
	for _, e := range s.Entities {
		if len(e.ListedOn) == 10 {
			dated[e.List]++
		}
		if hasStreetAddress(e.Addresses) {
			located[e.List]++
		}
	}
	wantDated := map[clearance.ListCode]int{
		clearance.EL: 3386, clearance.DTC: 782, clearance.MEU: 70, clearance.DPL: 662,
		clearance.UN: 993, clearance.ISN: 123, clearance.MIEU: 13,
	}
	if !reflect.DeepEqual(dated, wantDated) {
		t.Errorf("entities with a listing date per list\n got %v\nwant %v", dated, wantDated)
	}
	wantLocated := map[clearance.ListCode]int{
		clearance.SDN: 8863, clearance.EL: 3162, clearance.DPL: 662, clearance.UN: 338, clearance.SSI: 282,
		clearance.UVL: 133, clearance.MEU: 70, clearance.CMIC: 68, clearance.PLC: 25, clearance.MBS: 9, clearance.CAP: 1,
	}
	if !reflect.DeepEqual(located, wantLocated) {
		t.Errorf("entities with a street address per list\n got %v\nwant %v", located, wantLocated)
	}
}

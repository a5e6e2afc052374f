package ear

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestELFootnotes(t *testing.T) {
	for in, want := range map[string]string{
		"For all items subject to the EAR. (See §744.11 of the EAR)":                                   "",
		"For all items subject to the EAR, see §§ 734.9(e)1 and 744.11 of the EAR2":                    "1,2",
		"For All Items Subject to the EAR (See §734.9(e)1, and §744.11 of the EAR)2.":                  "1,2",
		"For all items subject to the EAR. (See §§ 734.9(e)(2) and 744.11 of the EAR)4":                "4",
		"For all items subject to the EAR. (See §§ 734.9(e) and 744.11 of the EAR) 4":                  "4",
		"For all items subject to the EAR. (See §§ 734.9(g),3 746.8(a)(3), and 744.21(b) of the EAR)":  "3",
		"For All Items Subject to the EAR (See §734.9(g), 3 §746.8(a)(3), and §744.21(b) of the EAR).": "3",
		"For all items subject to the EAR (See §§734.4(a)(9), 734.9(e)(3), and 744.11 of the EAR)5":    "5",
	} {
		var got []string
		for _, n := range elFootnotes(in) {
			got = append(got, itoa(n))
		}
		if strings.Join(got, ",") != want {
			t.Errorf("elFootnotes(%q) = %v, want %s", in, got, want)
		}
	}
}

func TestELScopeAndPolicy(t *testing.T) {
	if parseELScope("For all items subject to the EAR when used in projects specified in § 746.8(a)(4) of the EAR") != elProjects ||
		parseELScope("For items on the CCL and EAR99 items listed in supplement no. 7 to part 746 of the EAR") != elCCLAndSupp7 ||
		parseELScope("For All Items Subject to the EAR (See §744.11 of the EAR).") != elAllItems ||
		parseELScope("Something else") != elUnrecognised {
		t.Error("parseELScope")
	}
	hik := "Case-by-case review for ECCNs 1A004.c, 1A004.d, 1A995, 1A999.a, 1D003, 2A983, 2D983, and 2E983, and for EAR99 items described in the Note to ECCN 1A995; case-by-case review for items necessary to detect, identify and treat infectious disease; and presumption of denial for all other items subject to the EAR."
	for eccn, want := range map[string]string{"1A004.c": "Case-by-case", "1A004.c.1": "Case-by-case", "1A995": "Case-by-case", "1A004.a": "Presumption of denial", "5A992.c": "Presumption of denial", "EAR99": "Presumption of denial, unless the EAR99 item is described in the Note to ECCN 1A995"} {
		e, _ := ParseECCN(eccn)
		if got := policyFor(hik, e, ""); !strings.HasPrefix(got, want) {
			t.Errorf("Hikvision policy for %s = %q, want prefix %q", eccn, got, want)
		}
	}
	ru := "Policy of denial for all items subject to the EAR apart from food and medicine designated as EAR99, which will be reviewed on a case-by-case basis. See §§ 746.8(b) and 744.21(e)"
	if got := policyFor(ru, EAR99, "canned food"); !strings.HasPrefix(got, "Case-by-case") {
		t.Errorf("food to a Russian entry: %q", got)
	}
	if got := policyFor(ru, EAR99, "pumps"); got != "Policy of denial" {
		t.Errorf("pumps to a Russian entry: %q", got)
	}
	if policyRank("Policy of denial") <= policyRank("Presumption of denial") || policyRank("Presumption of denial") <= policyRank("Case-by-case review") {
		t.Error("policyRank order")
	}
}

// FuzzEntryText feeds the Entity List column readers the real strings of
// the fixture and arbitrary text: they must never panic, and a non-empty
// policy always yields a non-empty policy for the item.
func FuzzEntryText(f *testing.F) {
	b, err := os.ReadFile("testdata/entity_list_fixture_surveillance.json")
	if err != nil {
		f.Fatal(err)
	}
	var fx struct {
		Entries []struct {
			Requirement string `json:"license_requirement"`
			Policy      string `json:"license_review_policy"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(b, &fx); err != nil {
		f.Fatal(err)
	}
	for _, e := range fx.Entries {
		f.Add(e.Requirement, e.Policy, "EAR99", "")
		f.Add(e.Requirement, e.Policy, "1A004.c", "technology for the repair of a UAV released by the operator")
	}
	tb, err := loadTables()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, req, policy, eccn, desc string) {
		item, err := ParseECCN(eccn)
		if err != nil {
			item = EAR99
		}
		parseELScope(req)
		elFootnotes(req)
		govOvercomes(req)
		tb.carveOutFor(req, item, desc)
		if strings.TrimSpace(policy) != "" && policyFor(policy, item, desc) == "" {
			t.Fatalf("empty policy for %q", policy)
		}
	})
}

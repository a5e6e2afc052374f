package ear

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// Request is one license-determination question: these items, to this
// destination, for these parties, on this date. Its JSON shape is the batch
// contract (one request per line of requests.jsonl) and the body of
// POST /v1/check. Only Items and Destination are required.
type Request struct {
	ID          string  `json:"id,omitempty"`
	Items       []Item  `json:"items"`
	Destination string  `json:"destination"`      // ISO 3166-1 alpha-2; HK is treated as CN
	Region      string  `json:"region,omitempty"` // "crimea", "dnr", "lnr" (Part 746.6); empty otherwise
	Parties     []Party `json:"parties,omitempty"`
	// EndUserType is civil, military, military_intelligence or police;
	// empty means not stated (treated as civil, with no end-use rule fired).
	EndUserType string   `json:"end_user_type,omitempty"`
	ValueUSD    *float64 `json:"value_usd,omitempty"` // order value, for LVS (15 CFR 740.3)
	Date        string   `json:"date,omitempty"`      // YYYY-MM-DD; empty means today (UTC)
}

// Item is one line of the shipment.
type Item struct {
	ECCN string `json:"eccn"` // "3A001.b.1", "5A992.c" or "EAR99"
	// Description is optional free text. It is read only where an entry or
	// rule carves out a described class of items (e.g. DJI's EAR99 UAV-repair
	// technology, EAR99 food and medicine under Part 746).
	Description string   `json:"description,omitempty"`
	ValueUSD    *float64 `json:"value_usd,omitempty"` // this line's value, for LVS
}

// Party is a party to the transaction (15 CFR 748.5(c)-(f)).
type Party struct {
	Name   string  `json:"name"`
	Role   string  `json:"role,omitempty"` // purchaser, intermediate_consignee, ultimate_consignee, end_user
	Owners []Owner `json:"owners,omitempty"`
}

// Owner is a direct or indirect owner of a party, for the Affiliates (50%)
// rule. Percent nil means the share is not known (Red Flag 29).
type Owner struct {
	Name    string   `json:"name"`
	Percent *float64 `json:"percent,omitempty"`
}

// Party roles (15 CFR 748.5(c)-(f)).
const (
	RolePurchaser             = "purchaser"
	RoleIntermediateConsignee = "intermediate_consignee"
	RoleUltimateConsignee     = "ultimate_consignee"
	RoleEndUser               = "end_user"
)

// End-user types.
const (
	EndUserCivil                = "civil"
	EndUserMilitary             = "military"
	EndUserMilitaryIntelligence = "military_intelligence"
	EndUserPolice               = "police"
)

// Regions of Ukraine under 15 CFR 746.6.
const (
	RegionCrimea = "crimea"
	RegionDNR    = "dnr"
	RegionLNR    = "lnr"
)

// ParseRequest decodes one JSON request strictly: unknown fields, trailing
// data and bad values are errors that name the field (e.g.
// `items[0].eccn: ECCN "3Z001": ...`). The returned request is normalised
// (upper-case destination, canonical ECCNs, roles and region).
func ParseRequest(data []byte) (Request, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Request
	if err := dec.Decode(&r); err != nil {
		return Request{}, describeJSONError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Request{}, errors.New("unexpected data after the JSON object")
	}
	if err := r.Normalize(); err != nil {
		return Request{}, err
	}
	return r, nil
}

func describeJSONError(err error) error {
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return fmt.Errorf("%s: want %s, got JSON %s", ute.Field, ute.Type, ute.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("invalid JSON at byte %d: %v", se.Offset, err)
	}
	if strings.HasPrefix(err.Error(), "json: unknown field ") {
		return fmt.Errorf("unknown field %s (allowed: id, items[{eccn, description, value_usd}], destination, region, parties[{name, role, owners[{name, percent}]}], end_user_type, value_usd, date)", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	if err == io.EOF {
		return errors.New("empty request")
	}
	if err == io.ErrUnexpectedEOF {
		return errors.New("invalid JSON: the object is cut short")
	}
	return fmt.Errorf("invalid JSON: %w", err)
}

// Normalize validates r in place and puts its values in canonical form. The
// error names the first bad field.
func (r *Request) Normalize() error {
	if len(r.Items) == 0 {
		return errors.New("items: at least one item is required (use {\"eccn\": \"EAR99\"} for items not on the CCL)")
	}
	for i := range r.Items {
		it := &r.Items[i]
		e, err := ParseECCN(it.ECCN)
		if err != nil {
			return fmt.Errorf("items[%d].eccn: %w", i, err)
		}
		it.ECCN = e.String()
		if err := checkMoney(it.ValueUSD); err != nil {
			return fmt.Errorf("items[%d].value_usd: %w", i, err)
		}
	}
	dest, err := NormalizeCountry(r.Destination)
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	r.Destination = dest
	reg, err := normalizeRegion(r.Region, dest)
	if err != nil {
		return fmt.Errorf("region: %w", err)
	}
	r.Region = reg
	for i := range r.Parties {
		p := &r.Parties[i]
		p.Name = strings.TrimSpace(p.Name)
		if p.Name == "" {
			return fmt.Errorf("parties[%d].name: empty", i)
		}
		role, err := NormalizeRole(p.Role)
		if err != nil {
			return fmt.Errorf("parties[%d].role: %w", i, err)
		}
		p.Role = role
		for j := range p.Owners {
			o := &p.Owners[j]
			o.Name = strings.TrimSpace(o.Name)
			if o.Name == "" {
				return fmt.Errorf("parties[%d].owners[%d].name: empty", i, j)
			}
			if o.Percent != nil && (math.IsNaN(*o.Percent) || *o.Percent < 0 || *o.Percent > 100) {
				return fmt.Errorf("parties[%d].owners[%d].percent: %v is out of range (want 0 to 100, or omit it when unknown)", i, j, *o.Percent)
			}
		}
	}
	eut, err := NormalizeEndUserType(r.EndUserType)
	if err != nil {
		return fmt.Errorf("end_user_type: %w", err)
	}
	r.EndUserType = eut
	if err := checkMoney(r.ValueUSD); err != nil {
		return fmt.Errorf("value_usd: %w", err)
	}
	r.Date = strings.TrimSpace(r.Date)
	if r.Date != "" {
		t, err := time.Parse("2006-01-02", r.Date)
		if err != nil {
			return fmt.Errorf("date: %q is not a date (want YYYY-MM-DD)", r.Date)
		}
		if t.Year() < 1950 || t.Year() > 2100 {
			return fmt.Errorf("date: %q is outside 1950-2100", r.Date)
		}
	}
	return nil
}

func checkMoney(v *float64) error {
	if v == nil {
		return nil
	}
	if math.IsNaN(*v) || math.IsInf(*v, 0) || *v < 0 {
		return fmt.Errorf("%v is not a non-negative amount", *v)
	}
	return nil
}

// NormalizeCountry validates an ISO 3166-1 alpha-2 code ("cn" → "CN").
// "UK" is accepted for GB. Codes that are not countries are errors.
func NormalizeCountry(s string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(s))
	if c == "" {
		return "", errors.New("empty (want an ISO 3166-1 alpha-2 code such as CN)")
	}
	if c == "UK" {
		return "GB", nil
	}
	if c == "XK" { // Kosovo: user-assigned code, but it has its own Country Chart row
		return c, nil
	}
	if len(c) != 2 || !isLetters(c) {
		return "", fmt.Errorf("%q is not an ISO 3166-1 alpha-2 country code (e.g. CN, DE, HK)", s)
	}
	reg, err := language.ParseRegion(c)
	if err != nil || !reg.IsCountry() || reg.String() != c {
		return "", fmt.Errorf("unknown country code %q (want ISO 3166-1 alpha-2, e.g. CN, DE, HK)", s)
	}
	return c, nil
}

// NormalizeRole maps the spellings of the four party roles ("end user",
// "End-User", "ultimate consignee") to their canonical form. Empty stays
// empty: a party of unstated role is still screened.
func NormalizeRole(s string) (string, error) {
	k := strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
	switch k {
	case "":
		return "", nil
	case "purchaser", "buyer":
		return RolePurchaser, nil
	case "intermediate_consignee":
		return RoleIntermediateConsignee, nil
	case "ultimate_consignee", "consignee":
		return RoleUltimateConsignee, nil
	case "end_user", "enduser":
		return RoleEndUser, nil
	}
	return "", fmt.Errorf("unknown role %q (want purchaser, intermediate_consignee, ultimate_consignee or end_user)", s)
}

// NormalizeEndUserType validates the end-user type.
func NormalizeEndUserType(s string) (string, error) {
	k := strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
	switch k {
	case "", EndUserCivil, EndUserMilitary, EndUserMilitaryIntelligence, EndUserPolice:
		return k, nil
	case "commercial":
		return EndUserCivil, nil
	case "military_intel", "milint":
		return EndUserMilitaryIntelligence, nil
	}
	return "", fmt.Errorf("unknown end-user type %q (want civil, military, military_intelligence or police)", s)
}

func normalizeRegion(s, dest string) (string, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	switch k {
	case "":
		return "", nil
	case "crimea":
		k = RegionCrimea
	case "dnr", "donetsk", "donetsk people's republic":
		k = RegionDNR
	case "lnr", "luhansk", "luhansk people's republic":
		k = RegionLNR
	default:
		return "", fmt.Errorf("unknown region %q (want crimea, dnr or lnr, or leave it empty)", s)
	}
	if dest != "UA" && dest != "RU" {
		return "", fmt.Errorf("region %q is in Ukraine: destination must be UA (or RU), not %s", s, dest)
	}
	return k, nil
}

// clone copies r deeply enough that normalising the copy leaves r as it was.
func (r Request) clone() Request {
	r.Items = append([]Item(nil), r.Items...)
	ps := make([]Party, len(r.Parties))
	for i, p := range r.Parties {
		p.Owners = append([]Owner(nil), p.Owners...)
		ps[i] = p
	}
	if r.Parties != nil {
		r.Parties = ps
	}
	return r
}

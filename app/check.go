package app

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/clearance-oss/clearance/store"
)

// CheckRequest is a license-determination request, in the shape of the
// `clearance check` batch contract (issue 4) plus an optional reference.
type CheckRequest struct {
	ID          string       `json:"id,omitempty"`
	Items       []CheckItem  `json:"items"`
	Destination string       `json:"destination"`
	Region      string       `json:"region,omitempty"`
	Parties     []CheckParty `json:"parties,omitempty"`
	EndUserType string       `json:"end_user_type,omitempty"`
	ValueUSD    *float64     `json:"value_usd,omitempty"` // order value, for LVS
	Date        string       `json:"date,omitempty"`
	Reference   string       `json:"reference,omitempty"`
}

// CheckItem is one item to export: an ECCN with paragraph, or EAR99.
type CheckItem struct {
	ECCN        string   `json:"eccn"`
	Description string   `json:"description,omitempty"` // read where an entry carves out described items
	ValueUSD    *float64 `json:"value_usd,omitempty"`   // this line's value, for LVS
}

// CheckParty is a party to the transaction with its role.
type CheckParty struct {
	Name   string       `json:"name"`
	Role   string       `json:"role,omitempty"`
	Owners []CheckOwner `json:"owners,omitempty"`
}

// CheckOwner is an owner of a party with its share; Percent nil (omitted)
// means the share is not known, which the engine flags (Red Flag 29). A
// stated 0 is an owner holding nothing.
type CheckOwner struct {
	Name    string   `json:"name"`
	Percent *float64 `json:"percent,omitempty"`
}

// CheckDecision is the determination, in the batch contract's shape.
// Reasons are kept as the engine encodes them (rule, citation, evidence…).
type CheckDecision struct {
	ID              string            `json:"id,omitempty"`
	Decision        string            `json:"decision"` // NLR, LICENSE_REQUIRED, PROHIBITED or REVIEW
	LicenseRequired bool              `json:"license_required"`
	Reasons         []json.RawMessage `json:"reasons"`
	Date            string            `json:"date,omitempty"` // the date whose rules were applied
}

// CheckResponse is a determination with its audit reference.
type CheckResponse struct {
	CheckDecision
	Reference string   `json:"reference,omitempty"`
	Snapshot  string   `json:"snapshot"`
	CheckedAt string   `json:"checked_at"`
	Audit     AuditRef `json:"audit"`
}

// Checker determines whether a shipment needs a license (package ear,
// wired in by the command that starts the server).
type Checker interface {
	Check(ctx context.Context, req CheckRequest) (CheckDecision, error)
}

// Limits on a determination request.
const (
	maxCheckItems   = 100
	maxCheckParties = 100
	maxCheckOwners  = 50
)

func (r *CheckRequest) validate() error {
	if len(r.Items) == 0 {
		return invalidf("field \"items\" is required: at least one {\"eccn\": \"…\"} (or \"EAR99\")")
	}
	if len(r.Items) > maxCheckItems {
		return invalidf("field \"items\": %d items, at most %d", len(r.Items), maxCheckItems)
	}
	for i, it := range r.Items {
		if len(it.Description) > 2000 || !utf8.ValidString(it.Description) {
			return invalidf("field \"items[%d].description\": valid UTF-8 of at most 2000 bytes", i)
		}
		if strings.TrimSpace(it.ECCN) == "" || len(it.ECCN) > 64 || !utf8.ValidString(it.ECCN) {
			return invalidf("field \"items[%d].eccn\": want an ECCN such as \"5A992.c\" or \"EAR99\", got %q", i, it.ECCN)
		}
	}
	dest, err := parseCountry(r.Destination)
	if err != nil {
		return invalidf("field \"destination\": %v", err)
	}
	if dest == "" {
		return invalidf("field \"destination\" is required (ISO 3166-1 alpha-2, e.g. \"CN\")")
	}
	r.Destination = dest
	if len(r.Parties) > maxCheckParties {
		return invalidf("field \"parties\": %d parties, at most %d", len(r.Parties), maxCheckParties)
	}
	for i, p := range r.Parties {
		if strings.TrimSpace(p.Name) == "" || len(p.Name) > MaxNameBytes || !utf8.ValidString(p.Name) {
			return invalidf("field \"parties[%d].name\": required, valid UTF-8, at most %d bytes", i, MaxNameBytes)
		}
		if len(p.Owners) > maxCheckOwners {
			return invalidf("field \"parties[%d].owners\": at most %d owners", i, maxCheckOwners)
		}
		for j, o := range p.Owners {
			if strings.TrimSpace(o.Name) == "" || o.Percent != nil && !(*o.Percent >= 0 && *o.Percent <= 100) {
				return invalidf("field \"parties[%d].owners[%d]\": want a name and a percent in 0..100 (omit the percent when unknown)", i, j)
			}
		}
	}
	if r.Date != "" {
		if _, err := time.Parse("2006-01-02", r.Date); err != nil {
			return invalidf("field \"date\": %q is not a date YYYY-MM-DD", r.Date)
		}
	}
	if r.ValueUSD != nil && !(*r.ValueUSD >= 0 && *r.ValueUSD < math.Inf(1)) {
		return invalidf("field \"value_usd\": must not be negative")
	}
	for i, it := range r.Items {
		if it.ValueUSD != nil && !(*it.ValueUSD >= 0 && *it.ValueUSD < math.Inf(1)) {
			return invalidf("field \"items[%d].value_usd\": must not be negative", i)
		}
	}
	if len(r.Reference) > maxRefBytes || !utf8.ValidString(r.Reference) || !utf8.ValidString(r.ID) {
		return invalidf("field \"reference\": must be valid UTF-8 of at most %d bytes", maxRefBytes)
	}
	return nil
}

// Check determines whether the shipment in req needs a license (analyst or
// admin) and records the determination in the audit trail before it
// returns (15 CFR 762.2(b)).
func (s *Service) Check(ctx context.Context, a Actor, req CheckRequest) (CheckResponse, error) {
	if err := a.allow(store.RoleAnalyst); err != nil {
		return CheckResponse{}, err
	}
	if s.checker == nil {
		return CheckResponse{}, fmt.Errorf("%w: no license-determination engine is configured", ErrUnavailable)
	}
	if err := req.validate(); err != nil {
		return CheckResponse{}, err
	}
	if req.Date == "" {
		// Pin the date now so the audit record says which day's rules applied.
		req.Date = s.now().UTC().Format("2006-01-02")
	}
	d, err := s.checker.Check(ctx, req)
	if err != nil {
		return CheckResponse{}, fmt.Errorf("determine: %w", err)
	}
	if d.Reasons == nil {
		d.Reasons = []json.RawMessage{}
	}
	d.ID = req.ID
	parties := make([]string, 0, len(req.Parties))
	for _, p := range req.Parties {
		parties = append(parties, p.Name)
		for _, o := range p.Owners {
			parties = append(parties, o.Name)
		}
	}
	resp := CheckResponse{CheckDecision: d, Reference: req.Reference, Snapshot: s.snapshot.Version,
		CheckedAt: s.now().UTC().Format(time.RFC3339)}
	resp.Audit, err = s.audit(ctx, a, store.KindCheck, req.Reference, parties, []string{req.Destination},
		strings.ToLower(d.Decision), req, d)
	if err != nil {
		return CheckResponse{}, err
	}
	return resp, nil
}

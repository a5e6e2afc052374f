package app

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/clearance-oss/clearance/ear"
)

// EARChecker is the Checker backed by the license-determination engine.
type EARChecker struct {
	Engine *ear.Engine
}

// Check converts req to an ear.Request, determines, and returns the
// decision with each reason as the engine encodes it.
func (c EARChecker) Check(ctx context.Context, req CheckRequest) (CheckDecision, error) {
	r := ear.Request{ID: req.ID, Destination: req.Destination, Region: req.Region, EndUserType: req.EndUserType,
		Date: req.Date, ValueUSD: req.ValueUSD}
	for _, it := range req.Items {
		r.Items = append(r.Items, ear.Item{ECCN: it.ECCN, Description: it.Description, ValueUSD: it.ValueUSD})
	}
	for _, p := range req.Parties {
		ep := ear.Party{Name: p.Name, Role: p.Role}
		for _, o := range p.Owners {
			ep.Owners = append(ep.Owners, ear.Owner{Name: o.Name, Percent: o.Percent})
		}
		r.Parties = append(r.Parties, ep)
	}
	d, err := c.Engine.Determine(ctx, r)
	if err != nil {
		if ctx.Err() != nil {
			return CheckDecision{}, ctx.Err()
		}
		// The engine fails only on a bad request, naming the field.
		return CheckDecision{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	out := CheckDecision{ID: d.ID, Decision: string(d.Decision), LicenseRequired: d.LicenseRequired, Date: d.Date, Reasons: make([]json.RawMessage, 0, len(d.Reasons))}
	for _, reason := range d.Reasons {
		b, err := json.Marshal(reason)
		if err != nil {
			return CheckDecision{}, fmt.Errorf("encode reason %s: %w", reason.Rule, err)
		}
		out.Reasons = append(out.Reasons, b)
	}
	return out, nil
}

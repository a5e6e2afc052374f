package app

import (
	"context"
	"fmt"

	"github.com/clearance-oss/clearance/store"
)

// Audit returns audit records matching f (admin only). Nothing in the
// service edits or deletes records (15 CFR 762.5(b)(4)).
func (s *Service) Audit(ctx context.Context, a Actor, f store.Filter) ([]store.Record, error) {
	if err := a.allow(store.RoleAdmin); err != nil {
		return nil, err
	}
	rs, err := s.store.ListAudit(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	if rs == nil {
		rs = []store.Record{}
	}
	return rs, nil
}

// VerifyAudit recomputes the audit hash chain (admin only).
func (s *Service) VerifyAudit(ctx context.Context, a Actor) (store.VerifyReport, error) {
	if err := a.allow(store.RoleAdmin); err != nil {
		return store.VerifyReport{}, err
	}
	rep, err := s.store.VerifyAudit(ctx)
	if err != nil {
		return store.VerifyReport{}, fmt.Errorf("audit verify: %w", err)
	}
	return rep, nil
}

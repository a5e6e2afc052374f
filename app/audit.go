package app

import (
	"context"
	"fmt"
	"io"

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

// KindAuditExport marks an audit record of an export of the trail itself:
// who took a copy of the records, and which selection.
const KindAuditExport store.Kind = "audit.export"

// ExportAudit writes the records matching f to w as CSV or JSONL (admin
// only), oldest first. The export itself is recorded first, with its
// filter, so the trail shows who copied what.
func (s *Service) ExportAudit(ctx context.Context, a Actor, f store.Filter, format string, w io.Writer) (int64, error) {
	if err := a.allow(store.RoleAdmin); err != nil {
		return 0, err
	}
	ef, err := store.ParseExportFormat(format)
	if err != nil {
		return 0, invalidf("format %q: want csv or jsonl", format)
	}
	filter := map[string]any{"party": f.PartyName, "country": f.Country, "reference": f.Reference, "actor": f.Actor,
		"kind": f.Kind, "decision": f.Decision, "format": ef}
	if !f.From.IsZero() {
		filter["from"] = f.From
	}
	if !f.To.IsZero() {
		filter["to"] = f.To
	}
	if _, err := s.audit(ctx, a, KindAuditExport, "", nil, nil, "ok", filter, nil); err != nil {
		return 0, err
	}
	n, err := store.ExportAudit(ctx, s.store, f, ef, w)
	if err != nil {
		return n, fmt.Errorf("audit export: %w", err)
	}
	return n, nil
}

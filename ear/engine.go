package ear

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	clearance "github.com/clearance-oss/clearance"
	"github.com/clearance-oss/clearance/match"
)

// CertainScore is the match score at or above which a party is treated as
// the listed entity and the list's consequences apply. Hits at or above the
// matcher's threshold (match.DefaultThreshold) but below this are REVIEW
// with the candidate named: a human decides, the engine never turns them
// into NLR. See docs/ear.md for how the level was chosen.
const CertainScore = 0.92

// Engine determines license requirements from the embedded EAR tables and
// a restricted-party index. It is safe for concurrent use.
type Engine struct {
	t         *tables
	ix        *match.Index
	mieu      *match.Index // § 744.22 named end users, when ix lacks them
	certain   float64
	threshold float64
	now       func() time.Time
}

// Option configures an Engine.
type Option func(*Engine)

// WithCertainty sets the score at or above which a party hit is certain
// (default CertainScore).
func WithCertainty(score float64) Option { return func(e *Engine) { e.certain = score } }

// WithThreshold sets the lowest score reported as a possible hit (default
// match.DefaultThreshold).
func WithThreshold(score float64) Option { return func(e *Engine) { e.threshold = score } }

// WithClock sets the clock that gives the default date ("today", UTC).
func WithClock(now func() time.Time) Option { return func(e *Engine) { e.now = now } }

// New builds an Engine over the embedded tables. ix is the restricted-party
// index parties are screened against; nil screens no parties (every party
// then yields a REVIEW reason saying it was not screened).
func New(ix *match.Index, opts ...Option) (*Engine, error) {
	t, err := loadTables()
	if err != nil {
		return nil, err
	}
	e := &Engine{t: t, ix: ix, certain: CertainScore, threshold: match.DefaultThreshold, now: time.Now}
	for _, o := range opts {
		o(e)
	}
	if ix != nil && !indexHasList(ix, clearance.MIEU) {
		ents, err := mieuEntities()
		if err != nil {
			return nil, err
		}
		e.mieu = match.NewIndex(ents)
	}
	if e.threshold <= 0 || e.certain < e.threshold || e.certain > 1 {
		return nil, fmt.Errorf("ear: certainty %.2f must lie between the threshold %.2f and 1", e.certain, e.threshold)
	}
	return e, nil
}

// evalCtx carries one determination's inputs and the reasons found so far.
type evalCtx struct {
	req     Request
	date    string
	items   []ECCN
	dest    destination
	reasons []Reason
	also    map[string][]string // entity id → other EL entries with the same consequences
}

func (c *evalCtx) add(r Reason, item, party string) {
	r.Item, r.Party = item, party
	c.reasons = append(c.reasons, r)
}

// itemValue is the value LVS is judged on: the line's value, else the
// order's when there is a single line. LVS limits apply per ECCN on the
// order (15 CFR 740.3(d)(3)), so with several lines and no line values the
// value is unknown.
func (c *evalCtx) itemValue(line int) *float64 {
	if line >= 0 && line < len(c.req.Items) && c.req.Items[line].ValueUSD != nil {
		return c.req.Items[line].ValueUSD
	}
	if len(c.req.Items) == 1 {
		return c.req.ValueUSD
	}
	return nil
}

func (c *evalCtx) hasCCLItem() bool {
	for _, it := range c.items {
		if !it.IsEAR99() {
			return true
		}
	}
	return false
}

// reason starts a Reason for rule id with the rule's title and citation.
func (e *Engine) reason(id string, out Outcome, detail string) Reason {
	m, ok := e.t.rules[id]
	if !ok { // a rule id without metadata is a programming error; keep it visible
		m = ruleMeta{ID: id, Title: id, CFR: []string{"(citation missing: " + id + ")"}}
	}
	r := Reason{Rule: id, Title: m.Title, Outcome: out, Detail: detail,
		Cite: Citation{CFR: append([]string(nil), m.CFR...), Data: m.Data}}
	for _, fr := range m.FR {
		r.Cite.FR = append(r.Cite.FR, e.describeFR(fr))
	}
	if out == LicenseRequired || out == Prohibited {
		r.ReviewPolicy = m.ReviewPolicy
	}
	return r
}

// describeFR renders "84 FR 54002" as "84 FR 54002 (published 2019-10-09, effective 2019-10-09)".
func (e *Engine) describeFR(cite string) string {
	if n, ok := e.t.resolveFR(cite); ok {
		if n.cite() != strings.TrimSpace(cite) {
			return fmt.Sprintf("%s (in the rule %s, published %s, effective %s)", cite, n.cite(), n.Published, n.Effective)
		}
		return fmt.Sprintf("%s (published %s, effective %s: %s)", cite, n.Published, n.Effective, n.Title)
	}
	return cite
}

func (e *Engine) ruleInForce(id, date string) bool {
	m, ok := e.t.rules[id]
	return ok && m.inForce(date)
}

// Determine answers r. Every rule is evaluated (requirements are cumulative)
// and the decision is the most severe outcome found. The error is non-nil
// only for a bad request (it names the field) or a cancelled context.
func (e *Engine) Determine(ctx context.Context, r Request) (Decision, error) {
	if err := ctx.Err(); err != nil {
		return Decision{}, err
	}
	r = r.clone() // Normalize writes; the caller's slices stay untouched
	if err := r.Normalize(); err != nil {
		return Decision{}, err
	}
	c := &evalCtx{req: r, date: r.Date}
	if c.date == "" {
		c.date = e.now().UTC().Format("2006-01-02")
	}
	for i, it := range r.Items {
		x, _ := ParseECCN(it.ECCN)
		if !x.IsEAR99() && e.t.ccl[x.Base] == nil {
			return Decision{}, fmt.Errorf("items[%d].eccn: %s is not an ECCN on the Commerce Control List (Supp. No. 1 to Part 774, eCFR %s)", i, x.Base, cclAsOf)
		}
		c.items = append(c.items, x)
	}
	c.dest = e.t.resolveDest(r.Destination, c.date)
	switch {
	case c.dest.Before != nil:
		c.add(e.reason("destination-indeterminate", Review, fmt.Sprintf("%s on %s: %s. Before %s it had its own Country Chart row, which the embedded %s chart no longer carries: determine the requirement from the chart in force then.", r.Destination, c.date, c.dest.Before.Basis, c.dest.Before.From, cclAsOf)), "", "")
	case c.dest.NotExport:
		c.add(e.reason("not-export", NLR, fmt.Sprintf("%s: %s. Shipping there is not an export.", r.Destination, c.dest.Territory.Basis)), "", "")
	case c.dest.Row == nil:
		c.add(e.reason("destination-indeterminate", Review, fmt.Sprintf("%s has no Commerce Country Chart row and no recorded parent territory (15 CFR 738.3(b)): determine which country's row governs.", r.Destination)), "", "")
	case c.dest.Territory != nil:
		c.add(e.reason("destination-territory", Info, c.dest.Territory.Basis), "", "")
	}
	for i, it := range c.items {
		e.chartReasons(c, it, i)
	}
	e.embargoReasons(c)
	e.endUseReasons(c)
	if err := e.partyReasons(ctx, c); err != nil {
		return Decision{}, err
	}
	return e.finish(c), nil
}

// finish applies the cross-cutting restrictions (15 CFR 740.2: no license
// exception when a Part 744 list requirement or a UVL party is involved)
// and folds the reasons into the decision.
func (e *Engine) finish(c *evalCtx) Decision {
	var noExceptions []string
	sources := map[string]bool{} // rules whose own statement on exceptions stands
	for _, r := range c.reasons {
		why := ""
		switch r.Rule {
		case "entity-list", "affiliates":
			if r.Outcome == LicenseRequired {
				why = "an Entity List party (15 CFR 744.11(a), 744.16(b))"
			}
		case "unverified-list":
			why = "an Unverified List party (15 CFR 740.2(a)(17))"
		case "denied-person":
			if r.Outcome == Prohibited {
				why = "a denied person (15 CFR 764.3(a)(2))"
			}
		case "sdn-744.8", "military-end-use", "meu-list", "military-intelligence", "cameras-744.9":
			if r.Outcome == LicenseRequired {
				why = "a Part 744 end-use/end-user requirement that license exceptions do not overcome (15 CFR 736.2(b)), so a license is needed anyway"
			}
		}
		if why != "" {
			noExceptions = append(noExceptions, why)
			sources[r.Rule] = true
		}
	}
	noExceptions = uniqueSorted(noExceptions)
	d := Decision{ID: c.req.ID, Date: c.date, Decision: NLR}
	for i := range c.reasons {
		r := &c.reasons[i]
		if r.Outcome == LicenseRequired && r.LicenseExceptions == nil {
			if m, ok := e.t.rules[r.Rule]; ok && m.LicenseExceptions != "" {
				r.LicenseExceptions = &LicenseExceptions{Excluded: strings.HasPrefix(m.LicenseExceptions, "None"), Why: m.LicenseExceptions}
			}
		}
		if len(noExceptions) > 0 && r.LicenseExceptions != nil && !r.LicenseExceptions.Excluded && !sources[r.Rule] &&
			(r.Outcome == LicenseRequired || r.Outcome == NLR) {
			r.LicenseExceptions.Excluded = true
			r.LicenseExceptions.Why = "no license exception may be used: the transaction involves " + strings.Join(noExceptions, "; ")
			r.LicenseExceptions.NotUsable = append(r.LicenseExceptions.NotUsable, r.LicenseExceptions.Candidates...)
			r.LicenseExceptions.Candidates = nil
		}
		if r.Outcome.severity() > d.Decision.severity() {
			d.Decision = r.Outcome
		}
		if r.Outcome == LicenseRequired || r.Outcome == Prohibited {
			d.LicenseRequired = true
		}
	}
	// Most severe first, so reasons[0] is what decided; ties keep the
	// evaluation order (chart, embargoes, end uses, parties).
	sort.SliceStable(c.reasons, func(i, j int) bool {
		return c.reasons[i].Outcome.severity() > c.reasons[j].Outcome.severity()
	})
	d.Reasons = c.reasons
	return d
}

// cclAsOf is the eCFR issue date of the embedded CCL, chart and groups.
const cclAsOf = "2026-07-23"

// errNotScreened marks a determination made without a party index.
var errNotScreened = errors.New("no restricted-party index")
